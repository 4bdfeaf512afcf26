using System.Diagnostics;

namespace Telephony.Testing;

/// <summary>A stopwatch stamp for ordering events across threads.</summary>
public static class Stamp
{
    public static long Now => Stopwatch.GetTimestamp();

    /// <summary>Milliseconds from stamp <paramref name="from"/> to stamp <paramref name="to"/>.</summary>
    public static double Milliseconds(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;
}
