namespace Telephony.Media.Dtmf;

/// <summary>Tuning of the in-band detector. Defaults follow common ITU-T Q.24 practice.</summary>
public sealed record GoertzelDtmfOptions
{
    /// <summary>Samples per analysis block; 205 at 8 kHz (25.6 ms) separates the DTMF frequencies.</summary>
    public int BlockSize { get; init; } = 205;

    /// <summary>Minimum RMS of a block (of 32767) to consider it at all: about -46 dBFS.</summary>
    public double MinRms { get; init; } = 160;

    /// <summary>Share of the block's energy the two tones must hold; speech spreads energy and fails (talk-off).</summary>
    public double MinToneEnergyShare { get; init; } = 0.6;

    /// <summary>Strongest row/column must exceed the next of its group by this power ratio (6 dB).</summary>
    public double MinPeakRatio { get; init; } = 4.0;

    /// <summary>High group may be this much weaker than the low group (normal twist, 8 dB).</summary>
    public double MaxNormalTwist { get; init; } = 6.3;

    /// <summary>High group may be this much stronger than the low group (reverse twist, 4 dB).</summary>
    public double MaxReverseTwist { get; init; } = 2.5;

    /// <summary>Consecutive blocks with the same digit before it counts (2 blocks ≈ 51 ms ≥ the 40 ms minimum).</summary>
    public int MinBlocks { get; init; } = 2;

    /// <summary>Consecutive blocks without the digit before the same digit may count again (interdigit pause).</summary>
    public int MinGapBlocks { get; init; } = 2;
}

/// <summary>
/// In-band DTMF detection for trunks that send tones in the audio: the Goertzel algorithm
/// evaluates the 8 DTMF frequencies over fixed 205-sample blocks (independent of the 20 ms
/// frame boundaries, so a tone straddling frames is seen whole), then checks signal level,
/// the tones' share of total energy, peak dominance within each group and twist. A digit is
/// reported once when it persists for <see cref="GoertzelDtmfOptions.MinBlocks"/> blocks and
/// not again until a pause of <see cref="GoertzelDtmfOptions.MinGapBlocks"/> blocks. 8 kHz input.
/// </summary>
public sealed class GoertzelDtmfDetector : IAudioSink
{
    private static readonly double[] RowHz = [697, 770, 852, 941];
    private static readonly double[] ColHz = [1209, 1336, 1477, 1633];
    private static readonly char[,] Keys =
    {
        { '1', '2', '3', 'A' },
        { '4', '5', '6', 'B' },
        { '7', '8', '9', 'C' },
        { '*', '0', '#', 'D' },
    };

    private readonly GoertzelDtmfOptions _options;
    private readonly Action<DtmfDigitEvent> _onDigit;
    private readonly double[] _rowCoeff = new double[4];
    private readonly double[] _colCoeff = new double[4];
    private readonly double[] _rowPower = new double[4];
    private readonly double[] _colPower = new double[4];
    private readonly short[] _block;
    private int _filled;
    private long _samplePosition;

    private char _candidate;
    private int _candidateBlocks;
    private char _reported;
    private int _gapBlocks;

    public GoertzelDtmfDetector(Action<DtmfDigitEvent> onDigit, GoertzelDtmfOptions? options = null, int sampleRate = 8000)
    {
        ArgumentNullException.ThrowIfNull(onDigit);
        if (sampleRate != 8000)
            throw new ArgumentOutOfRangeException(nameof(sampleRate), "The detector works on 8 kHz audio; resample wideband legs first.");
        _onDigit = onDigit;
        _options = options ?? new GoertzelDtmfOptions();
        _block = new short[_options.BlockSize];
        for (int i = 0; i < 4; i++)
        {
            _rowCoeff[i] = 2 * Math.Cos(2 * Math.PI * RowHz[i] / sampleRate);
            _colCoeff[i] = 2 * Math.Cos(2 * Math.PI * ColHz[i] / sampleRate);
        }
    }

    public void WriteFrame(ReadOnlySpan<short> frame)
    {
        while (!frame.IsEmpty)
        {
            int n = Math.Min(frame.Length, _block.Length - _filled);
            frame[..n].CopyTo(_block.AsSpan(_filled));
            _filled += n;
            frame = frame[n..];
            if (_filled == _block.Length)
            {
                AnalyseBlock();
                _samplePosition += _block.Length;
                _filled = 0;
            }
        }
    }

    private void AnalyseBlock()
    {
        char digit = ClassifyBlock();
        if (digit == '\0')
        {
            _candidate = '\0';
            _candidateBlocks = 0;
            if (++_gapBlocks >= _options.MinGapBlocks)
                _reported = '\0';
            return;
        }
        _gapBlocks = 0;
        if (digit == _candidate)
        {
            _candidateBlocks++;
        }
        else
        {
            _candidate = digit;
            _candidateBlocks = 1;
        }
        if (_candidateBlocks >= _options.MinBlocks && _candidate != _reported)
        {
            _reported = _candidate;
            long start = _samplePosition - (long)(_candidateBlocks - 1) * _block.Length;
            _onDigit(new DtmfDigitEvent(_candidate, (uint)start));
        }
    }

    /// <summary>The digit present in the current block, or '\0'.</summary>
    private char ClassifyBlock()
    {
        int n = _block.Length;
        double energy = 0;
        for (int i = 0; i < n; i++)
            energy += (double)_block[i] * _block[i];
        if (Math.Sqrt(energy / n) < _options.MinRms)
            return '\0';

        for (int f = 0; f < 4; f++)
        {
            _rowPower[f] = Goertzel(_rowCoeff[f]);
            _colPower[f] = Goertzel(_colCoeff[f]);
        }
        int row = IndexOfMax(_rowPower, out double rowPeak, out double rowNext);
        int col = IndexOfMax(_colPower, out double colPeak, out double colNext);

        if (rowPeak < _options.MinPeakRatio * rowNext || colPeak < _options.MinPeakRatio * colNext)
            return '\0';
        if (colPeak * _options.MaxNormalTwist < rowPeak || colPeak > rowPeak * _options.MaxReverseTwist)
            return '\0';
        // A pure tone of amplitude A gives Goertzel power (A·N/2)² and block energy A²·N/2, so
        // power / (energy · N / 2) is the share of the block's energy at that frequency.
        double share = (rowPeak + colPeak) / (energy * n / 2);
        if (share < _options.MinToneEnergyShare)
            return '\0';
        return Keys[row, col];
    }

    private double Goertzel(double coeff)
    {
        double s1 = 0, s2 = 0;
        foreach (short x in _block)
        {
            double s0 = x + coeff * s1 - s2;
            s2 = s1;
            s1 = s0;
        }
        return s1 * s1 + s2 * s2 - coeff * s1 * s2;
    }

    private static int IndexOfMax(double[] power, out double peak, out double next)
    {
        int best = 0;
        for (int i = 1; i < power.Length; i++)
        {
            if (power[i] > power[best])
                best = i;
        }
        peak = power[best];
        next = 0;
        for (int i = 0; i < power.Length; i++)
        {
            if (i != best && power[i] > next)
                next = power[i];
        }
        return best;
    }
}
