namespace Telephony.Testing.Audio;

/// <summary>Tone checks on decoded 8 kHz PCM: Goertzel power at a frequency, relative to another.</summary>
public static class ToneCheck
{
    /// <summary>The Goertzel power of <paramref name="hz"/> over the whole of <paramref name="samples"/>.</summary>
    public static double Power(ReadOnlySpan<short> samples, double hz, int rate = 8000)
    {
        double w = 2 * Math.PI * hz / rate, coeff = 2 * Math.Cos(w), s1 = 0, s2 = 0;
        foreach (var x in samples)
        {
            var s0 = x + (coeff * s1) - s2;
            s2 = s1;
            s1 = s0;
        }
        return (s1 * s1) + (s2 * s2) - (coeff * s1 * s2);
    }

    /// <summary>True when <paramref name="expected"/> is at least 10× stronger than <paramref name="other"/> and the signal is not silence.</summary>
    public static bool Dominates(ReadOnlySpan<short> samples, double expected, double other) =>
        samples.Length >= 1600 && Power(samples, expected) > 10 * Power(samples, other) && Power(samples, expected) > 1e9;

    /// <summary>Root mean square level (0 for nothing).</summary>
    public static double Rms(short[] samples) => samples.Length == 0 ? 0 : Math.Sqrt(samples.Average(s => (double)s * s));
}
