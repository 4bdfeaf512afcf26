namespace Telephony.Media.Jitter;

/// <summary>Settings of an <see cref="AdaptiveJitterBuffer"/>.</summary>
public sealed record JitterBufferOptions
{
    /// <summary>RTP clock rate of the stream (8000 for G.711 and G.722).</summary>
    public int ClockRate { get; init; } = 8000;

    /// <summary>Duration of one packet and of one playout tick; the buffer assumes one packet per tick.</summary>
    public int FrameMilliseconds { get; init; } = 20;

    /// <summary>Smallest playout depth in frames (latency floor).</summary>
    public int MinDepthFrames { get; init; } = 2;

    /// <summary>Largest playout depth in frames (latency ceiling).</summary>
    public int MaxDepthFrames { get; init; } = 10;

    /// <summary>Packets held at most (power of two, ≥ 2 × MaxDepthFrames). Bounds memory with <see cref="MaxPayloadBytes"/>.</summary>
    public int Capacity { get; init; } = 32;

    /// <summary>Largest payload stored; bigger payloads are refused (counted in Oversized).</summary>
    public int MaxPayloadBytes { get; init; } = 480;

    /// <summary>Window (in playout ticks) over which the smallest depth is watched; when even that stayed above the target, one frame is dropped to cut latency.</summary>
    public int ShrinkAfterTicks { get; init; } = 50;
}

/// <summary>What <see cref="AdaptiveJitterBuffer.Pop"/> produced for this tick.</summary>
public enum JitterPopStatus
{
    /// <summary>A packet is in the output buffer.</summary>
    Frame,
    /// <summary>The packet due now is missing while later ones are here: conceal it.</summary>
    Lost,
    /// <summary>Filling up to the target depth (start, after an SSRC change or an underrun): play silence.</summary>
    Buffering,
}

/// <summary>Counters of an <see cref="AdaptiveJitterBuffer"/>.</summary>
public readonly record struct JitterBufferStats(
    long Received, long Played, long Lost, long Duplicates, long Late, long Oversized,
    long Resyncs, long SsrcChanges, long Underruns, long DroppedForLatency);

/// <summary>
/// Adaptive jitter buffer for one received RTP stream. Packets are reordered by sequence number
/// (16-bit wrap handled by signed distance), duplicates and late arrivals are dropped, a lost
/// packet is reported so the caller conceals it. The playout depth follows the interarrival
/// jitter estimate of RFC 3550 §6.4.1 / A.8: target = clamp(1 + ceil(2·J / frame), min, max). An
/// underrun re-buffers up to the target (the delay grows after a spike); when the smallest depth
/// over a window of <see cref="JitterBufferOptions.ShrinkAfterTicks"/> ticks stayed above the
/// target, one frame is dropped (the delay shrinks again once the network calms). A new SSRC resets the buffer.
/// Memory is bounded: <see cref="JitterBufferOptions.Capacity"/> slots of MaxPayloadBytes,
/// allocated once. Not thread-safe; see <see cref="JitterDecodingSource"/> for the locked wrapper.
/// </summary>
public sealed class AdaptiveJitterBuffer
{
    private readonly JitterBufferOptions _options;
    private readonly Slot[] _slots;
    private readonly int _mask;
    private readonly int _frameTimestampUnits;

    private bool _started;
    private bool _playing;
    private bool _playedSinceReset;
    private uint _ssrc;
    private ushort _nextSeq;
    private int _count;
    private int _highestAhead = -1; // distance of the newest buffered packet from _nextSeq

    private bool _haveTransit;
    private long _lastTransit;
    private double _jitter; // RTP timestamp units
    private int _windowTicks;
    private int _windowMinDepth = int.MaxValue;

    private long _received, _played, _lost, _duplicates, _late, _oversized, _resyncs, _ssrcChanges, _underruns, _dropped;

    public AdaptiveJitterBuffer(JitterBufferOptions? options = null)
    {
        _options = options ?? new JitterBufferOptions();
        if (_options.Capacity < 4 || (_options.Capacity & (_options.Capacity - 1)) != 0)
            throw new ArgumentException("Capacity must be a power of two ≥ 4.", nameof(options));
        if (_options.MinDepthFrames < 1 || _options.MaxDepthFrames < _options.MinDepthFrames || _options.MaxDepthFrames * 2 > _options.Capacity)
            throw new ArgumentException("Need 1 ≤ MinDepthFrames ≤ MaxDepthFrames ≤ Capacity / 2.", nameof(options));
        _slots = new Slot[_options.Capacity];
        for (int i = 0; i < _slots.Length; i++)
            _slots[i] = new Slot(_options.MaxPayloadBytes);
        _mask = _options.Capacity - 1;
        _frameTimestampUnits = _options.ClockRate * _options.FrameMilliseconds / 1000;
    }

    /// <summary>Interarrival jitter estimate in milliseconds (RFC 3550 §6.4.1).</summary>
    public double JitterMilliseconds => _jitter * 1000.0 / _options.ClockRate;

    /// <summary>Playout depth, in frames, the buffer currently aims for.</summary>
    public int TargetDepthFrames
    {
        get
        {
            int target = 1 + (int)Math.Ceiling(2 * _jitter / _frameTimestampUnits);
            return Math.Clamp(target, _options.MinDepthFrames, _options.MaxDepthFrames);
        }
    }

    /// <summary>Frames from the next one due up to the newest buffered (0 when empty).</summary>
    public int DepthFrames => _count == 0 ? 0 : _highestAhead + 1;

    public int BufferedPackets => _count;

    public JitterBufferStats Stats => new(_received, _played, _lost, _duplicates, _late, _oversized, _resyncs, _ssrcChanges, _underruns, _dropped);

    /// <summary>Adds a received RTP packet. <paramref name="arrivalMilliseconds"/> is a monotonic receive time.</summary>
    /// <returns>False when the packet was not stored (malformed, duplicate, late, oversized).</returns>
    public bool Push(ReadOnlySpan<byte> rtpPacket, long arrivalMilliseconds)
    {
        if (!RtpFields.TryRead(rtpPacket, out var rtp))
            return false;
        return Push(rtp, rtp.Payload(rtpPacket), arrivalMilliseconds);
    }

    internal bool Push(in RtpFields rtp, ReadOnlySpan<byte> payload, long arrivalMilliseconds)
    {
        if (payload.Length > _options.MaxPayloadBytes)
        {
            _oversized++;
            return false;
        }
        if (!_started || rtp.Ssrc != _ssrc)
        {
            if (_started)
                _ssrcChanges++;
            Reset(rtp.Ssrc, rtp.Sequence);
        }
        int ahead = (short)(ushort)(rtp.Sequence - _nextSeq);
        if (ahead < 0 && !_playedSinceReset && _highestAhead - ahead < _options.Capacity)
        {
            // Before the first playout a packet older than the first one seen (reordered start of
            // stream) is still useful: move the playout point back to it.
            _nextSeq = rtp.Sequence;
            if (_count > 0)
                _highestAhead -= ahead;
            ahead = 0;
        }
        if (ahead < 0)
        {
            // Already played or skipped: a duplicate or a packet that came too late to be of use.
            _late++;
            return false;
        }
        if (ahead >= _options.Capacity)
        {
            // Far ahead of playout: the sender jumped (restart, long silence). Start over from here.
            _resyncs++;
            Reset(rtp.Ssrc, rtp.Sequence);
            ahead = 0;
        }
        var slot = _slots[rtp.Sequence & _mask];
        if (slot.Used)
        {
            _duplicates++;
            return false;
        }
        slot.Used = true;
        slot.Sequence = rtp.Sequence;
        slot.PayloadType = rtp.PayloadType;
        slot.Timestamp = rtp.Timestamp;
        slot.Marker = rtp.Marker;
        slot.Length = payload.Length;
        payload.CopyTo(slot.Data);
        _count++;
        _received++;
        if (ahead > _highestAhead)
            _highestAhead = ahead;
        UpdateJitter(rtp.Timestamp, arrivalMilliseconds);
        return true;
    }

    /// <summary>
    /// Called once per playout tick. On <see cref="JitterPopStatus.Frame"/> the payload is copied
    /// into <paramref name="payload"/>; <paramref name="packet"/> describes it.
    /// </summary>
    public JitterPopStatus Pop(Span<byte> payload, out JitterPacket packet)
    {
        packet = default;
        if (!_playing)
        {
            if (_count == 0 || DepthFrames < TargetDepthFrames)
                return JitterPopStatus.Buffering;
            _playing = true;
        }
        if (_count == 0)
        {
            // Nothing arrived in time: go back to buffering so the delay grows to absorb the gap.
            _underruns++;
            _playing = false;
            return JitterPopStatus.Buffering;
        }
        ShedLatencyIfTooDeep();
        var slot = _slots[_nextSeq & _mask];
        if (!slot.Used || slot.Sequence != _nextSeq)
        {
            _lost++;
            _playedSinceReset = true;
            Advance();
            return JitterPopStatus.Lost;
        }
        if (payload.Length < slot.Length)
            throw new ArgumentException("Payload buffer smaller than the stored packet.", nameof(payload));
        slot.Data.AsSpan(0, slot.Length).CopyTo(payload);
        packet = new JitterPacket(slot.Sequence, slot.Timestamp, slot.PayloadType, slot.Marker, slot.Length);
        slot.Used = false;
        _count--;
        _played++;
        _playedSinceReset = true;
        Advance();
        return JitterPopStatus.Frame;
    }

    private void ShedLatencyIfTooDeep()
    {
        // The smallest depth seen over a window is latency that the network never needed: when it
        // stays above the target for a whole window, drop one frame (gently, one per window).
        int depth = DepthFrames;
        if (depth < _windowMinDepth)
            _windowMinDepth = depth;
        if (++_windowTicks < _options.ShrinkAfterTicks)
            return;
        bool excess = _windowMinDepth > TargetDepthFrames;
        _windowTicks = 0;
        _windowMinDepth = int.MaxValue;
        if (!excess)
            return;
        var oldest = _slots[_nextSeq & _mask];
        if (oldest.Used && oldest.Sequence == _nextSeq)
        {
            oldest.Used = false;
            _count--;
        }
        _dropped++;
        Advance();
    }

    private void Advance()
    {
        _nextSeq++;
        _highestAhead--;
        if (_count == 0)
            _highestAhead = -1;
    }

    private void Reset(uint ssrc, ushort firstSequence)
    {
        foreach (var slot in _slots)
            slot.Used = false;
        _started = true;
        _playing = false;
        _playedSinceReset = false;
        _ssrc = ssrc;
        _nextSeq = firstSequence;
        _count = 0;
        _highestAhead = -1;
        _haveTransit = false;
        _windowTicks = 0;
        _windowMinDepth = int.MaxValue;
    }

    private void UpdateJitter(uint timestamp, long arrivalMilliseconds)
    {
        // RFC 3550 A.8: transit = arrival (in RTP units) - timestamp; J += (|D| - J) / 16.
        long arrival = arrivalMilliseconds * _options.ClockRate / 1000;
        long transit = arrival - timestamp;
        if (_haveTransit)
        {
            long d = transit - _lastTransit;
            // The 32-bit timestamp may wrap: fold the difference back into range.
            d = (int)(uint)(ulong)d;
            // One stall (a network outage, a sender that paused without advancing timestamps) shows
            // up as one huge D; capping it keeps a single event from pinning the target at its
            // maximum for seconds.
            double magnitude = Math.Min(Math.Abs((double)d), 2.0 * _options.MaxDepthFrames * _frameTimestampUnits);
            _jitter += (magnitude - _jitter) / 16.0;
        }
        _lastTransit = transit;
        _haveTransit = true;
    }

    private sealed class Slot(int capacity)
    {
        public readonly byte[] Data = new byte[capacity];
        public bool Used;
        public ushort Sequence;
        public uint Timestamp;
        public int PayloadType;
        public bool Marker;
        public int Length;
    }
}

/// <summary>Header fields of a packet popped from the jitter buffer.</summary>
public readonly record struct JitterPacket(ushort Sequence, uint Timestamp, int PayloadType, bool Marker, int PayloadLength);
