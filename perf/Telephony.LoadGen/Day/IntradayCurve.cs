namespace Telephony.LoadGen.Day;

/// <summary>
/// The share of a weekday's contacts in each half hour (local time) for a city 12345 hotline: quiet nights, a
/// steep rise from 07:30, the morning peak 09:00–11:00, the lunch dip, the afternoon peak 14:00–16:30 and a
/// long evening tail. The shape is the one Chinese 12345 centres publish in their annual reports (two peaks,
/// the morning one the higher, about a tenth of the day in the busiest hour); the numbers are ours.
/// </summary>
internal static class IntradayCurve
{
    // Per hour, relative weights (normalised below: the busiest hour, 10:00, is 9.8 % of the day); each half hour gets half.
    private static readonly double[] HourlyPercent =
    [
        1.0, 0.6, 0.4, 0.3, 0.3, 0.5, 1.2, 3.0, 6.5, 8.6, 9.0, 7.0,
        4.4, 5.4, 7.4, 7.9, 7.1, 5.5, 3.8, 3.4, 3.0, 2.5, 1.8, 1.2,
    ];

    /// <summary>Share of the day's contacts in half hour <paramref name="slot"/> (0 = 00:00–00:30 … 47 = 23:30–24:00).</summary>
    public static double Share(int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(slot);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(slot, 47);
        var total = HourlyPercent.Sum();
        return HourlyPercent[slot / 2] / 2 / total;
    }

    /// <summary>"HH:mm" of a half hour's start (48: "24:00", the day's end).</summary>
    public static string Label(int slot) => $"{slot / 2:00}:{slot % 2 * 30:00}";
}
