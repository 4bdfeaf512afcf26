namespace Telephony.LoadGen.Day;

/// <summary>How a simulated caller goes through the shipped 12345 script (ivr-scripts/12345.yaml, README's lane table).</summary>
internal enum Lane
{
    /// <summary>Silent Mandarin caller: greeting, then queue <c>general</c> (≤ 5 s).</summary>
    General,
    /// <summary>9 during the greeting: queue <c>english</c>.</summary>
    English,
    /// <summary>A registered driver's number (data/taxi-drivers.txt): queue <c>taxi</c> without a key.</summary>
    TaxiByNumber,
    /// <summary>Any key during the greeting, then 1 in the menu: queue <c>taxi</c>.</summary>
    TaxiByMenu,
    /// <summary>A deputy's number (data/deputies.txt): queue <c>deputies</c>, priority 8.</summary>
    Deputy,
    /// <summary>Any key, 2 (partners), 4 (charity) or 5 (Taiwan compatriots): queue <c>general</c> with that skill.</summary>
    Partner,
}

/// <summary>The lane mix and each lane's keys, and the caller numbers the script knows.</summary>
internal static class Lanes
{
    /// <summary>
    /// Shares of the calls (the rest, 85 %, is <see cref="Lane.General"/>): English 4 %, taxi 6 %, deputies 2 %, partners 3 %.
    /// Most citizens say nothing and wait for a person, which is what the script is built for.
    /// </summary>
    public static Lane Draw(Random random)
    {
        var u = random.NextDouble();
        return u switch
        {
            < 0.04 => Lane.English,
            < 0.10 => Lane.TaxiByNumber,
            < 0.12 => Lane.Deputy,
            < 0.15 => Lane.Partner,
            _ => Lane.General,
        };
    }

    /// <summary>
    /// The keys a lane presses, each with its delay after the previous one (the first after the system's answer):
    /// keys barge into the prompts (the script's default), so each follows the last after a short human pause.
    /// </summary>
    public static IReadOnlyList<(TimeSpan After, char Key)> Keys(Lane lane, Random random) => lane switch
    {
        Lane.English => [(TimeSpan.FromSeconds(1.5), '9')],
        Lane.TaxiByMenu => [(TimeSpan.FromSeconds(1.5), '5'), (TimeSpan.FromSeconds(1.5), '1')],
        Lane.Partner => [(TimeSpan.FromSeconds(1.5), '5'), (TimeSpan.FromSeconds(1.5), '2'), (TimeSpan.FromSeconds(1.5), random.Next(2) == 0 ? '4' : '5')],
        _ => [],
    };

    /// <summary>
    /// Time the caller gives the IVR before their patience clock starts (the caller cannot see the moment they are
    /// queued; these are above each lane's IVR time so nobody gives up in the IVR itself).
    /// </summary>
    public static TimeSpan IvrAllowance(Lane lane) => lane switch
    {
        Lane.General => TimeSpan.FromSeconds(6),
        Lane.English => TimeSpan.FromSeconds(7),
        Lane.TaxiByNumber or Lane.Deputy => TimeSpan.FromSeconds(9),
        _ => TimeSpan.FromSeconds(14),
    };

    /// <summary>Reads the numbers of a caller list (one per line, text after it is a note, # comments).</summary>
    public static IReadOnlyList<string> ReadCallerList(string path) =>
        [.. File.ReadLines(path)
            .Select(l => l.Trim())
            .Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries)[0])];
}
