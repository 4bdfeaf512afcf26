using System.Diagnostics;

namespace Telephony.Media.Rtcp;

/// <summary>
/// Per-source reception state of RFC 3550 Appendix A: sequence validation with probation,
/// wrap counting (A.1), loss (A.3) and interarrival jitter (A.8). One receive loop writes it;
/// readers take snapshots under a short lock.
/// </summary>
public sealed class ReceptionStatistics
{
    private const int SeqMod = 1 << 16;
    private const int MaxDropout = 3000;
    private const int MaxMisorder = 100;
    private const int MinSequential = 2;

    private readonly Lock _gate = new();
    private readonly int _clockRate;
    private readonly long _frequency;

    private bool _haveSource;
    private uint _ssrc;
    private ushort _maxSeq;
    private uint _cycles;
    private uint _baseSeq;
    private uint _badSeq;
    private int _probation;
    private long _received;
    private long _expectedPrior;
    private long _receivedPrior;

    private bool _haveTransit;
    private double _lastArrival;
    private uint _lastTimestamp;
    private double _jitter;

    private long _lastSrArrivalTicks;
    private uint _lastSr;

    /// <param name="clockRate">RTP clock rate of the stream (8000 for G.711/G.722).</param>
    /// <param name="timestampFrequency">Ticks per second of the arrival times passed in (default Stopwatch).</param>
    public ReceptionStatistics(int clockRate, long timestampFrequency = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clockRate);
        _clockRate = clockRate;
        _frequency = timestampFrequency > 0 ? timestampFrequency : Stopwatch.Frequency;
    }

    /// <summary>Packets accepted from the current source since it became valid (§A.1 "received").</summary>
    public long Received { get { lock (_gate) { return _received; } } }

    /// <summary>Current source SSRC, when a source was seen.</summary>
    public uint? Ssrc { get { lock (_gate) { return _haveSource ? _ssrc : null; } } }

    /// <summary>Interarrival jitter in RTP timestamp units (§6.4.1, A.8).</summary>
    public double Jitter { get { lock (_gate) { return _jitter; } } }

    /// <summary>Extended highest sequence number received (§A.3).</summary>
    public uint ExtendedHighestSequence { get { lock (_gate) { return _cycles + _maxSeq; } } }

    /// <summary>Cumulative number of packets lost (§A.3): expected minus received, may be negative with duplicates.</summary>
    public long CumulativeLost
    {
        get
        {
            lock (_gate)
            {
                return _probation > 0 || !_haveSource ? 0 : Expected() - _received;
            }
        }
    }

    /// <summary>
    /// Records one packet. Returns false when the packet does not count yet (source on probation)
    /// or is judged a stray from a sequence jump (§A.1 update_seq).
    /// </summary>
    public bool OnPacket(uint ssrc, ushort sequence, uint timestamp, long arrivalTicks)
    {
        lock (_gate)
        {
            if (!_haveSource || ssrc != _ssrc)
            {
                // A new source (first packet, or the SSRC changed on re-INVITE/transfer): start afresh.
                _haveSource = true;
                _ssrc = ssrc;
                InitSequence(sequence);
                _maxSeq = (ushort)(sequence - 1);
                _probation = MinSequential;
                _haveTransit = false;
                _jitter = 0;
            }

            if (!UpdateSequence(sequence))
            {
                return false;
            }

            UpdateJitter(timestamp, arrivalTicks);
            return true;
        }
    }

    /// <summary>Notes an SR from this source for the LSR/DLSR fields of our reports (§6.4.1).</summary>
    public void OnSenderReport(RtcpSenderInfo info, long arrivalTicks)
    {
        lock (_gate)
        {
            _lastSr = info.CompactNtp;
            _lastSrArrivalTicks = arrivalTicks;
        }
    }

    /// <summary>
    /// Builds the report block about this source and starts a new reporting interval (§A.3:
    /// the fraction lost covers the packets since the previous report).
    /// </summary>
    public RtcpReportBlock? CreateReportBlock(long nowTicks)
    {
        lock (_gate)
        {
            if (!_haveSource || _probation > 0)
            {
                return null;
            }

            long expected = Expected();
            long lost = expected - _received;
            long expectedInterval = expected - _expectedPrior;
            long receivedInterval = _received - _receivedPrior;
            _expectedPrior = expected;
            _receivedPrior = _received;
            long lostInterval = expectedInterval - receivedInterval;
            byte fraction = expectedInterval == 0 || lostInterval <= 0 ? (byte)0 : (byte)((lostInterval << 8) / expectedInterval);
            uint dlsr = 0;
            if (_lastSrArrivalTicks != 0)
            {
                // Delay since last SR in units of 1/65536 s.
                dlsr = (uint)((nowTicks - _lastSrArrivalTicks) * 65536 / _frequency);
            }

            return new RtcpReportBlock(_ssrc, fraction, (int)Math.Clamp(lost, -0x800000, 0x7FFFFF), _cycles + _maxSeq,
                (uint)_jitter, _lastSr, dlsr);
        }
    }

    private long Expected() => (long)(_cycles + _maxSeq) - _baseSeq + 1;

    private void InitSequence(ushort sequence)
    {
        _baseSeq = sequence;
        _maxSeq = sequence;
        _badSeq = SeqMod + 1; // so sequence == bad_seq is false
        _cycles = 0;
        _received = 0;
        _receivedPrior = 0;
        _expectedPrior = 0;
    }

    // RFC 3550 §A.1 update_seq.
    private bool UpdateSequence(ushort sequence)
    {
        ushort delta = (ushort)(sequence - _maxSeq);
        if (_probation > 0)
        {
            // The source is valid only after MinSequential packets in sequence.
            if (sequence == (ushort)(_maxSeq + 1))
            {
                _probation--;
                _maxSeq = sequence;
                if (_probation == 0)
                {
                    InitSequence(sequence);
                    _received++;
                    return true;
                }
            }
            else
            {
                _probation = MinSequential - 1;
                _maxSeq = sequence;
            }

            return false;
        }

        if (delta < MaxDropout)
        {
            if (sequence < _maxSeq)
            {
                _cycles += SeqMod; // wrapped around
            }

            _maxSeq = sequence;
        }
        else if (delta <= SeqMod - MaxMisorder)
        {
            // A very large jump. If two sequential packets arrive, the other side restarted
            // without telling us: resync. Otherwise ignore this one.
            if (sequence == _badSeq)
            {
                InitSequence(sequence);
            }
            else
            {
                _badSeq = (uint)((sequence + 1) & (SeqMod - 1));
                return false;
            }
        }

        // else: duplicate or reordered packet, counted as received (§A.3 explains negative loss)
        _received++;
        return true;
    }

    // RFC 3550 §A.8: J += (|D| - J) / 16 with D the difference of relative transit times.
    private void UpdateJitter(uint timestamp, long arrivalTicks)
    {
        double arrival = arrivalTicks * (double)_clockRate / _frequency;
        if (_haveTransit)
        {
            if (timestamp == _lastTimestamp)
            {
                // Same media instant again (RFC 4733 event updates, redundancy): not a new sample of transit.
                return;
            }

            double d = (arrival - _lastArrival) - (int)(timestamp - _lastTimestamp);
            _jitter += (Math.Abs(d) - _jitter) / 16;
        }

        _haveTransit = true;
        _lastArrival = arrival;
        _lastTimestamp = timestamp;
    }
}
