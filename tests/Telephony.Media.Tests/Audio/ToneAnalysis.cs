namespace Telephony.Media.Tests.Audio;

/// <summary>Test helpers: make tones, and measure the amplitude at one frequency (single-bin DFT).</summary>
internal static class ToneAnalysis
{
    public static short[] Tone(int sampleRate, int samples, double amplitude, params double[] frequencies)
    {
        var pcm = new short[samples];
        for (int i = 0; i < samples; i++)
        {
            double v = 0;
            foreach (double f in frequencies)
                v += amplitude * Math.Sin(2 * Math.PI * f * i / sampleRate);
            pcm[i] = (short)Math.Clamp(Math.Round(v), short.MinValue, short.MaxValue);
        }
        return pcm;
    }

    /// <summary>Amplitude of the component at <paramref name="frequency"/> (a pure tone of amplitude A gives ≈ A).</summary>
    public static double Amplitude(ReadOnlySpan<short> pcm, double frequency, int sampleRate)
    {
        double re = 0, im = 0;
        for (int i = 0; i < pcm.Length; i++)
        {
            double w = 2 * Math.PI * frequency * i / sampleRate;
            // Hann window keeps the neighbouring tones from leaking into this bin.
            double hann = 0.5 - 0.5 * Math.Cos(2 * Math.PI * i / (pcm.Length - 1));
            re += pcm[i] * hann * Math.Cos(w);
            im -= pcm[i] * hann * Math.Sin(w);
        }
        return 2 * Math.Sqrt(re * re + im * im) / (pcm.Length * 0.5);
    }

    public static double Rms(ReadOnlySpan<short> pcm)
    {
        double sum = 0;
        foreach (short s in pcm)
            sum += (double)s * s;
        return pcm.IsEmpty ? 0 : Math.Sqrt(sum / pcm.Length);
    }

    /// <summary>Signal-to-noise ratio in dB of <paramref name="actual"/> against <paramref name="reference"/>, after aligning by <paramref name="delay"/>.</summary>
    public static double SnrDb(ReadOnlySpan<short> reference, ReadOnlySpan<short> actual, int delay = 0)
    {
        double signal = 0, noise = 0;
        for (int i = 0; i + delay < actual.Length && i < reference.Length; i++)
        {
            double e = actual[i + delay] - reference[i];
            signal += (double)reference[i] * reference[i];
            noise += e * e;
        }
        return 10 * Math.Log10(signal / Math.Max(noise, 1e-9));
    }
}
