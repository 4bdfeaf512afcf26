using System.Numerics;
using System.Runtime.InteropServices;

namespace Telephony.Testing.Audio;

/// <summary>
/// Statistics that tell whether a recording contains a reference signal: the peak of the normalized
/// cross-correlation over a range of lags (1 = the same waveform, shifted), and the Goertzel amplitude
/// of single frequencies.
/// </summary>
public static class AudioMatch
{
    /// <summary>The reference without its leading and trailing near-silence (espeak-ng and prompts have both).</summary>
    public static short[] TrimSilence(short[] samples, int threshold = 300)
    {
        int first = Array.FindIndex(samples, s => Math.Abs((int)s) > threshold);
        int last = Array.FindLastIndex(samples, s => Math.Abs((int)s) > threshold);
        return first < 0 ? [] : samples[first..(last + 1)];
    }

    /// <summary>
    /// Best normalized cross-correlation Σ r[i]·y[i+L] / √(Σ r² · Σ y²) of <paramref name="reference"/> against
    /// the window of <paramref name="recording"/> starting at lag L, for L in 0..<paramref name="maxLag"/> while at
    /// least 90 % of the reference still overlaps. 0 when the window has no energy (silence correlates with nothing).
    /// </summary>
    public static (double Peak, int Lag) BestCorrelation(short[] reference, short[] recording, int maxLag)
    {
        var r = Array.ConvertAll(reference, s => (float)s);
        var y = Array.ConvertAll(recording, s => (float)s);
        var rEnergy = PrefixEnergy(r);
        var yEnergy = PrefixEnergy(y);
        double best = 0;
        int bestLag = -1;
        for (int lag = 0; lag <= maxLag; lag++)
        {
            int n = Math.Min(r.Length, y.Length - lag);
            if (n < r.Length * 9 / 10)
            {
                break;
            }
            double den = Math.Sqrt(rEnergy[n] * (yEnergy[lag + n] - yEnergy[lag]));
            if (den < 1e-3)
            {
                continue;
            }
            double c = Dot(r.AsSpan(0, n), y.AsSpan(lag, n)) / den;
            if (c > best)
            {
                best = c;
                bestLag = lag;
            }
        }
        return (best, bestLag);
    }

    /// <summary>
    /// The reference cut into <paramref name="chunk"/>-sample pieces (those with speech in them), each matched on
    /// its own: best correlation and lag of piece k against the recording from k·chunk on. A slip in the middle
    /// of the recording (a late packet the jitter buffer concealed) then costs one piece, not the whole match.
    /// </summary>
    public static List<(double Peak, int Lag)> ChunkCorrelations(short[] reference, short[] recording, int maxLag, int chunk = 4000)
    {
        var result = new List<(double, int)>();
        for (int start = 0; start + chunk <= reference.Length; start += chunk)
        {
            var piece = reference[start..(start + chunk)];
            if (Rms(piece) < 300)
            {
                continue;
            }
            int from = Math.Min(start, recording.Length);
            int to = Math.Min(recording.Length, start + maxLag + chunk);
            var (peak, lag) = BestCorrelation(piece, recording[from..to], maxLag);
            result.Add((peak, lag));
        }
        return result;
    }

    /// <summary>Median of the pieces' peaks (0 for none).</summary>
    public static double MedianPeak(List<(double Peak, int Lag)> chunks)
    {
        if (chunks.Count == 0)
        {
            return 0;
        }
        var peaks = chunks.Select(c => c.Peak).Order().ToArray();
        return peaks[peaks.Length / 2];
    }

    public static double Rms(ReadOnlySpan<short> samples)
    {
        double sum = 0;
        foreach (short s in samples)
        {
            sum += (double)s * s;
        }
        return samples.IsEmpty ? 0 : Math.Sqrt(sum / samples.Length);
    }

    /// <summary>Goertzel amplitude of <paramref name="frequency"/> in <paramref name="samples"/> (a sine of amplitude A gives ≈ A).</summary>
    public static double ToneAmplitude(ReadOnlySpan<short> samples, double frequency, int sampleRate = 8000)
    {
        double coeff = 2 * Math.Cos(2 * Math.PI * frequency / sampleRate);
        double s1 = 0, s2 = 0;
        foreach (short x in samples)
        {
            double s0 = x + (coeff * s1) - s2;
            s2 = s1;
            s1 = s0;
        }
        double power = (s1 * s1) + (s2 * s2) - (coeff * s1 * s2);
        return 2 * Math.Sqrt(Math.Max(power, 0)) / samples.Length;
    }

    public static short[] WhiteNoise(int length, double rms, int seed)
    {
        var random = new Random(seed);
        var noise = new short[length];
        for (int i = 0; i < length; i++)
        {
            // Uniform in ±√3·rms has the wanted RMS.
            noise[i] = (short)((random.NextDouble() * 2 - 1) * Math.Sqrt(3) * rms);
        }
        return noise;
    }

    private static double[] PrefixEnergy(float[] x)
    {
        var sums = new double[x.Length + 1];
        for (int i = 0; i < x.Length; i++)
        {
            sums[i + 1] = sums[i] + ((double)x[i] * x[i]);
        }
        return sums;
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        var va = MemoryMarshal.Cast<float, Vector<float>>(a);
        var vb = MemoryMarshal.Cast<float, Vector<float>>(b);
        var acc = Vector<float>.Zero;
        for (int i = 0; i < va.Length; i++)
        {
            acc += va[i] * vb[i];
        }
        double sum = Vector.Sum(acc);
        for (int i = va.Length * Vector<float>.Count; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
