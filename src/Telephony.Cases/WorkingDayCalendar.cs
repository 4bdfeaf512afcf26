namespace Telephony.Cases;

/// <summary>
/// Counts working days: Monday–Friday, except the operator's exceptions (public holidays that
/// fall on weekdays, and make-up working days that fall on weekends). Days are judged in the
/// hotline's local time (China Standard Time, UTC+8, no daylight saving, unless configured).
/// </summary>
public sealed class WorkingDayCalendar
{
    private readonly Dictionary<DateOnly, bool> _exceptions;

    public WorkingDayCalendar(IEnumerable<CalendarDay> exceptions, TimeSpan? utcOffset = null)
    {
        ArgumentNullException.ThrowIfNull(exceptions);
        _exceptions = exceptions.ToDictionary(d => d.Date, d => d.IsWorkingDay);
        UtcOffset = utcOffset ?? TimeSpan.FromHours(8);
    }

    /// <summary>The hotline's local offset from UTC.</summary>
    public TimeSpan UtcOffset { get; }

    public bool IsWorkingDay(DateOnly date)
    {
        if (_exceptions.TryGetValue(date, out var working))
        {
            return working;
        }
        return date.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday);
    }

    /// <summary>The local calendar date of an instant.</summary>
    public DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(UtcOffset).DateTime);

    /// <summary>
    /// The deadline <paramref name="workingDays"/> working days after <paramref name="start"/>:
    /// the end (local midnight) of the N-th working day following the start's own day. A case
    /// taken in on Friday with 5 days is due at the end of the next Friday; the start day never
    /// counts, so the time of day it arrived does not matter.
    /// </summary>
    public DateTimeOffset AddWorkingDays(DateTimeOffset start, int workingDays)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(workingDays);
        var day = LocalDate(start);
        var counted = 0;
        while (counted < workingDays)
        {
            day = day.AddDays(1);
            if (IsWorkingDay(day))
            {
                counted++;
            }
        }
        return EndOfLocalDay(day);
    }

    /// <summary>The instant the given local day ends (its following midnight), in UTC.</summary>
    public DateTimeOffset EndOfLocalDay(DateOnly day) =>
        new DateTimeOffset(day.AddDays(1).ToDateTime(TimeOnly.MinValue), UtcOffset).ToUniversalTime();
}
