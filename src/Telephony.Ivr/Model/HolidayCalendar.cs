namespace Telephony.Ivr;

/// <summary>Dates (local calendar days) loaded from a holidays data file.</summary>
public sealed class HolidayCalendar
{
    private readonly HashSet<DateOnly> _dates;

    public HolidayCalendar(string name, IEnumerable<DateOnly> dates)
    {
        Name = name;
        _dates = [.. dates];
    }

    public string Name { get; }

    public int Count => _dates.Count;

    public bool Contains(DateOnly date) => _dates.Contains(date);
}
