namespace Telephony.Cases.Tests;

public sealed class WorkingDayCalendarTests
{
    private static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    [Test]
    public void Five_working_days_from_a_Friday_end_with_the_next_Friday()
    {
        var calendar = new WorkingDayCalendar([]);
        var friday = new DateTimeOffset(2026, 3, 6, 16, 30, 0, Cst);
        Assert.That(calendar.AddWorkingDays(friday, 5), Is.EqualTo(new DateTimeOffset(2026, 3, 14, 0, 0, 0, Cst)));
    }

    [Test]
    public void The_local_day_decides_not_the_utc_day()
    {
        var calendar = new WorkingDayCalendar([]);
        // 2026-03-06 23:30 UTC is already Saturday 07:30 in UTC+8: one working day later is Monday.
        var lateFridayUtc = new DateTimeOffset(2026, 3, 6, 23, 30, 0, TimeSpan.Zero);
        Assert.That(calendar.AddWorkingDays(lateFridayUtc, 1), Is.EqualTo(new DateTimeOffset(2026, 3, 10, 0, 0, 0, Cst)));
    }

    [Test]
    public void Holidays_are_skipped_and_make_up_weekends_count()
    {
        // Labour day week: 1–5 May 2026 off, Saturday 9 May a make-up working day.
        var days = Enumerable.Range(1, 5).Select(d => new CalendarDay(new DateOnly(2026, 5, d), false, "Labour Day"))
            .Append(new CalendarDay(new DateOnly(2026, 5, 9), true, "make-up"));
        var calendar = new WorkingDayCalendar(days);
        Assert.That(calendar.IsWorkingDay(new DateOnly(2026, 5, 4)), Is.False);
        Assert.That(calendar.IsWorkingDay(new DateOnly(2026, 5, 9)), Is.True);
        // From Thursday 30 April: Wed 6, Thu 7, Fri 8, Sat 9, Mon 11 → end of Monday 11 May.
        Assert.That(calendar.AddWorkingDays(new DateTimeOffset(2026, 4, 30, 10, 0, 0, Cst), 5),
            Is.EqualTo(new DateTimeOffset(2026, 5, 12, 0, 0, 0, Cst)));
    }

    [Test]
    public void Zero_days_is_the_end_of_the_same_day_and_negative_is_refused()
    {
        var calendar = new WorkingDayCalendar([]);
        var t = new DateTimeOffset(2026, 3, 2, 9, 0, 0, Cst);
        Assert.That(calendar.AddWorkingDays(t, 0), Is.EqualTo(new DateTimeOffset(2026, 3, 3, 0, 0, 0, Cst)));
        Assert.Throws<ArgumentOutOfRangeException>(() => calendar.AddWorkingDays(t, -1));
    }
}
