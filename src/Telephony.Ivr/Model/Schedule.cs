namespace Telephony.Ivr;

/// <summary>A span of the day, start inclusive, end exclusive (end may be 24:00).</summary>
public readonly record struct TimeRange(TimeSpan Start, TimeSpan End)
{
    public bool Contains(TimeSpan timeOfDay) => timeOfDay >= Start && timeOfDay < End;

    public override string ToString() => $"{Start:hh\\:mm}-{(End == TimeSpan.FromHours(24) ? "24:00" : End.ToString("hh\\:mm", System.Globalization.CultureInfo.InvariantCulture))}";
}

/// <summary>
/// A named time condition: on the given weekdays (any when empty), within one of the given
/// hours (all day when empty), only on dates of <see cref="OnlyOn"/> when set, never on dates
/// of <see cref="Except"/> when set. Evaluated in the script's local time.
/// </summary>
public sealed record Schedule(
    string Name,
    SourceLocation Location,
    IReadOnlySet<DayOfWeek> Days,
    IReadOnlyList<TimeRange> Hours,
    HolidayCalendar? OnlyOn,
    HolidayCalendar? Except)
{
    public bool Matches(DateTime localTime)
    {
        var date = DateOnly.FromDateTime(localTime);
        if (OnlyOn is not null && !OnlyOn.Contains(date)) return false;
        if (Except is not null && Except.Contains(date)) return false;
        if (Days.Count > 0 && !Days.Contains(localTime.DayOfWeek)) return false;
        if (Hours.Count == 0) return true;
        var t = localTime.TimeOfDay;
        foreach (var h in Hours)
        {
            if (h.Contains(t)) return true;
        }
        return false;
    }
}
