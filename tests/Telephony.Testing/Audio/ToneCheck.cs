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

    /// <summary>Samples whose 20 ms frame is louder than <paramref name="minRms"/> (skips jitter-buffer start-up silence).</summary>
    public static short[] Audible(short[] samples, double minRms = 500)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var kept = new List<short>();
        for (int i = 0; i + 160 <= samples.Length; i += 160)
        {
            double sum = 0;
            for (int j = 0; j < 160; j++)
            {
                sum += (double)samples[i + j] * samples[i + j];
            }
            if (Math.Sqrt(sum / 160) >= minRms)
            {
                kept.AddRange(samples.AsSpan(i, 160).ToArray());
            }
        }
        return [.. kept];
    }

    /// <summary>Frequency from the zero-crossing rate (a clean sine: two crossings per period).</summary>
    public static double DominantFrequency(short[] samples, int sampleRate = 8000)
    {
        ArgumentNullException.ThrowIfNull(samples);
        int crossings = 0;
        for (int i = 1; i < samples.Length; i++)
        {
            if ((samples[i - 1] < 0) != (samples[i] < 0))
            {
                crossings++;
            }
        }
        return crossings / 2.0 / samples.Length * sampleRate;
    }
}
