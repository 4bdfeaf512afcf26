using System.Globalization;

namespace Telephony.Server.Supervisors;

/// <summary>The <c>Wallboard</c> section: how the supervisors' wall is fed.</summary>
public sealed class WallboardSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Wallboard";

    /// <summary>How often, at most, the floor is looked at for changes while a supervisor watches (changes that raise a desktop event are looked at at once).</summary>
    public int FloorMilliseconds { get; set; } = 250;

    /// <summary>How often the figures are recomputed while a supervisor watches.</summary>
    public int FiguresMilliseconds { get; set; } = 1000;

    /// <summary>The service-level target (answered within 15 s / offered, today); under it the wall raises an alarm.</summary>
    public double ServiceLevelTarget { get; set; } = 0.8;

    /// <summary>The connected-rate target (answered / asked for an agent) the wall shows beside the figure.</summary>
    public double ConnectedRateTarget { get; set; } = 0.95;

    /// <summary>The "now" interval: the last this many minutes.</summary>
    public int NowMinutes { get; set; } = 5;

    /// <summary>The hotline's UTC offset in hours: "today" starts at local midnight.</summary>
    public double UtcOffsetHours { get; set; } = 8;

    /// <summary>Each bad value as "Wallboard:Key = value: what is allowed".</summary>
    public IEnumerable<string> Validate(string section = Section)
    {
        if (FloorMilliseconds is < 50 or > 1000)
            yield return Bad(nameof(FloorMilliseconds), FloorMilliseconds, "use 50..1000 ms (the wall promises a change within 1 s)");
        if (FiguresMilliseconds is < 250 or > 60_000)
            yield return Bad(nameof(FiguresMilliseconds), FiguresMilliseconds, "use 250..60000 ms");
        if (ServiceLevelTarget is < 0 or > 1)
            yield return Bad(nameof(ServiceLevelTarget), ServiceLevelTarget, "use 0..1");
        if (ConnectedRateTarget is < 0 or > 1)
            yield return Bad(nameof(ConnectedRateTarget), ConnectedRateTarget, "use 0..1");
        if (NowMinutes is < 1 or > 15)
            yield return Bad(nameof(NowMinutes), NowMinutes, "use 1..15 minutes");
        if (UtcOffsetHours is < -14 or > 14)
            yield return Bad(nameof(UtcOffsetHours), UtcOffsetHours, "use -14..14");

        string Bad(string key, double value, string allowed) =>
            string.Create(CultureInfo.InvariantCulture, $"{section}:{key} = {value}: {allowed}");
    }
}
