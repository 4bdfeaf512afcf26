namespace Telephony.Media.Codecs;

/// <summary>
/// The one low-pass filter both 2:1 resamplers use: a 31-tap windowed-sinc FIR (Hamming window),
/// cutoff 3.6 kHz at 16 kHz sampling, unity DC gain. It passes the telephone band (300-3400 Hz)
/// within about 1 dB and attenuates everything above 4 kHz (the new Nyquist frequency at 8 kHz)
/// by more than 25 dB, which is plenty for speech between a wideband (G.722) and a narrowband
/// (G.711) leg. Group delay: 15 samples at 16 kHz (under 1 ms).
/// </summary>
internal static class HalfBandFilter
{
    public const int Taps = 31;
    private const double CutoffHz = 3600;
    private const double SampleRateHz = 16000;

    /// <summary>Coefficients in Q15 fixed point (sum = 32768).</summary>
    public static readonly int[] Q15 = Design();

    private static int[] Design()
    {
        double fc = CutoffHz / SampleRateHz;
        var h = new double[Taps];
        double sum = 0;
        const int mid = (Taps - 1) / 2;
        for (int n = 0; n < Taps; n++)
        {
            int k = n - mid;
            double sinc = k == 0 ? 2 * fc : Math.Sin(2 * Math.PI * fc * k) / (Math.PI * k);
            double window = 0.54 - 0.46 * Math.Cos(2 * Math.PI * n / (Taps - 1));
            h[n] = sinc * window;
            sum += h[n];
        }
        var q = new int[Taps];
        int qsum = 0;
        for (int n = 0; n < Taps; n++)
        {
            q[n] = (int)Math.Round(h[n] / sum * 32768);
            qsum += q[n];
        }
        q[mid] += 32768 - qsum; // exact unity gain at DC after rounding
        return q;
    }

    public static short Saturate(long value) =>
        value > short.MaxValue ? short.MaxValue : value < short.MinValue ? short.MinValue : (short)value;
}

/// <summary>16 kHz → 8 kHz: low-pass (see <see cref="HalfBandFilter"/>) then keep every second sample. Keeps filter history across frames, so one instance per stream.</summary>
public sealed class Downsampler2To1
{
    private const int History = HalfBandFilter.Taps - 1;
    private readonly short[] _buffer;

    public Downsampler2To1(int maxInputSamples = 960)
    {
        _buffer = new short[History + maxInputSamples];
    }

    /// <summary>Converts <paramref name="input"/> (even length) and returns samples written (input.Length / 2).</summary>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        if (input.Length + History > _buffer.Length)
            throw new ArgumentException("Input longer than this resampler's maximum.", nameof(input));
        int outCount = input.Length / 2;
        if (output.Length < outCount)
            throw new ArgumentException("Output buffer too small.", nameof(output));
        input.CopyTo(_buffer.AsSpan(History));
        var coeffs = HalfBandFilter.Q15;
        for (int m = 0; m < outCount; m++)
        {
            // Output m is aligned with input sample 2m+1 (the newest of each pair).
            int end = 2 * m + 1 + History; // index of newest sample in _buffer
            long acc = 0;
            for (int t = 0; t < HalfBandFilter.Taps; t++)
                acc += (long)coeffs[t] * _buffer[end - t];
            output[m] = HalfBandFilter.Saturate((acc + 16384) >> 15);
        }
        _buffer.AsSpan(input.Length, History).CopyTo(_buffer);
        return outCount;
    }
}

/// <summary>8 kHz → 16 kHz: insert a zero after each sample then low-pass (gain 2) with <see cref="HalfBandFilter"/>. One instance per stream.</summary>
public sealed class Upsampler1To2
{
    private const int History = HalfBandFilter.Taps - 1;
    private readonly short[] _buffer;

    public Upsampler1To2(int maxInputSamples = 480)
    {
        _buffer = new short[History + 2 * maxInputSamples];
    }

    /// <summary>Converts <paramref name="input"/> and returns samples written (2 × input.Length).</summary>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        int outCount = input.Length * 2;
        if (outCount + History > _buffer.Length)
            throw new ArgumentException("Input longer than this resampler's maximum.", nameof(input));
        if (output.Length < outCount)
            throw new ArgumentException("Output buffer too small.", nameof(output));
        for (int i = 0; i < input.Length; i++)
        {
            _buffer[History + 2 * i] = input[i];
            _buffer[History + 2 * i + 1] = 0;
        }
        var coeffs = HalfBandFilter.Q15;
        for (int m = 0; m < outCount; m++)
        {
            int end = m + History;
            long acc = 0;
            for (int t = 0; t < HalfBandFilter.Taps; t++)
                acc += (long)coeffs[t] * _buffer[end - t];
            output[m] = HalfBandFilter.Saturate((acc + 8192) >> 14); // ×2 restores the energy the zeros took
        }
        _buffer.AsSpan(outCount, History).CopyTo(_buffer);
        return outCount;
    }
}
