namespace Telephony.Media.Audio;

/// <summary>
/// Generates one or more summed sine tones switched on and off by a cadence, phase-continuous
/// across frames. Used for ringback, busy, and arbitrary test tones.
/// </summary>
public sealed class ToneGenerator : IAudioSource
{
    private readonly double[] _phaseStep;
    private readonly double[] _phase;
    private readonly double _amplitude;
    private readonly int[] _cadenceSamples; // on, off, on, off, … (empty = always on)
    private readonly long _totalSamples;
    private readonly int _cadenceLength;
    private long _position;

    /// <param name="frequencies">Tone frequencies in Hz, summed.</param>
    /// <param name="amplitude">Peak amplitude of each tone (of 32767).</param>
    /// <param name="cadenceMilliseconds">Alternating on/off durations, repeated; null/empty for a steady tone.</param>
    /// <param name="duration">Stop after this long; null for endless.</param>
    public ToneGenerator(double[] frequencies, double amplitude = 8000, int[]? cadenceMilliseconds = null,
        TimeSpan? duration = null, int sampleRate = 8000)
    {
        ArgumentNullException.ThrowIfNull(frequencies);
        if (frequencies.Length == 0 || frequencies.Any(f => f <= 0 || f >= sampleRate / 2.0))
            throw new ArgumentOutOfRangeException(nameof(frequencies), "Frequencies must lie between 0 and half the sample rate.");
        if (amplitude < 0 || amplitude * frequencies.Length > short.MaxValue)
            throw new ArgumentOutOfRangeException(nameof(amplitude), "The summed tones must fit in 16 bits.");
        if (cadenceMilliseconds is { Length: > 0 } && (cadenceMilliseconds.Length % 2 != 0 || cadenceMilliseconds.Any(c => c <= 0)))
            throw new ArgumentException("Cadence is pairs of positive on/off durations.", nameof(cadenceMilliseconds));
        SampleRate = sampleRate;
        _amplitude = amplitude;
        _phaseStep = [.. frequencies.Select(f => 2 * Math.PI * f / sampleRate)];
        _phase = new double[frequencies.Length];
        _cadenceSamples = [.. (cadenceMilliseconds ?? []).Select(ms => ms * sampleRate / 1000)];
        _cadenceLength = _cadenceSamples.Sum();
        _totalSamples = duration is { } d ? (long)(d.TotalSeconds * sampleRate) : long.MaxValue;
    }

    public int SampleRate { get; }

    public bool ReadFrame(Span<short> frame)
    {
        if (_position >= _totalSamples)
        {
            frame.Clear();
            return false;
        }
        for (int i = 0; i < frame.Length; i++, _position++)
        {
            double v = 0;
            if (_position < _totalSamples && IsOn(_position))
            {
                for (int t = 0; t < _phase.Length; t++)
                    v += Math.Sin(_phase[t]);
                v *= _amplitude;
            }
            // Phases keep running through the off periods: each burst starts where the clock is.
            for (int t = 0; t < _phase.Length; t++)
            {
                _phase[t] += _phaseStep[t];
                if (_phase[t] > 2 * Math.PI)
                    _phase[t] -= 2 * Math.PI;
            }
            frame[i] = (short)Math.Round(v);
        }
        return true;
    }

    private bool IsOn(long position)
    {
        if (_cadenceLength == 0)
            return true;
        long p = position % _cadenceLength;
        for (int i = 0; i < _cadenceSamples.Length; i++)
        {
            if (p < _cadenceSamples[i])
                return i % 2 == 0;
            p -= _cadenceSamples[i];
        }
        return false;
    }
}

/// <summary>The call-progress tones the hotline plays (Chinese national standard GB/T 3380 / YD/T 1970 cadences).</summary>
public static class Tones
{
    /// <summary>Ringback: 450 Hz, 1 s on, 4 s off.</summary>
    public static ToneGenerator ChineseRingback(double amplitude = 6000) => new([450], amplitude, [1000, 4000]);

    /// <summary>Busy: 450 Hz, 0.35 s on, 0.35 s off.</summary>
    public static ToneGenerator ChineseBusy(double amplitude = 6000) => new([450], amplitude, [350, 350]);

    /// <summary>A steady tone at any frequency (tests, alignment).</summary>
    public static ToneGenerator Continuous(double frequency, double amplitude = 8000, int sampleRate = 8000) =>
        new([frequency], amplitude, null, null, sampleRate);
}
