using Telephony.Media.Sdp;

namespace Telephony.Media.Rtp;

/// <summary>
/// Plays an <see cref="IAudioSource"/> (prompt, tone, music on hold, mixer output) into an RTP
/// session, one 20 ms frame per media-clock tick: read, encode with the leg's codec, send. It
/// continues the session's outgoing sequence/timestamp space, so switching between the bridge
/// and a player never makes the far end see a jump (RFC 3550 §5.1). Register it with the one
/// <see cref="Clock.MediaClock"/>; unregister when done.
/// </summary>
public sealed class RtpAudioSender : IMediaTickListener
{
    private readonly RtpSession _session;
    private readonly IAudioCodec _codec;
    private readonly int _payloadType;
    private readonly short[] _pcm;
    private readonly byte[] _packet;
    private readonly int _samplesPerFrame;
    private readonly int _timestampStep;
    private volatile IAudioSource? _source;
    private bool _started;
    private ushort _seq;
    private uint _ts;

    /// <param name="payloadType">The PT negotiated for the codec (<see cref="NegotiatedAudio.PayloadType"/>).</param>
    public RtpAudioSender(RtpSession session, IAudioCodec codec, int payloadType)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(codec);
        _session = session;
        _codec = codec;
        _payloadType = payloadType;
        _samplesPerFrame = codec.SampleRate / 50;
        _timestampStep = codec.RtpClockRate / 50;
        _pcm = new short[_samplesPerFrame];
        _packet = new byte[RtpPacket.FixedHeaderLength + (_samplesPerFrame * 2)];
    }

    /// <summary>What to play; null sends nothing (the session stays silent, e.g. while bridged).</summary>
    public IAudioSource? Source
    {
        get => _source;
        set => _source = value;
    }

    /// <summary>Frames sent so far.</summary>
    public long FramesSent { get; private set; }

    /// <summary>Raised (on the clock thread) when the source reports it has finished.</summary>
    public event Action<RtpAudioSender>? Finished;

    public void OnTick(long tick)
    {
        var source = _source;
        if (source is null)
        {
            _started = false; // continue from whatever else sent on the session next time
            return;
        }

        bool marker = false;
        if (!_started)
        {
            // Pick up the session's outgoing stream where it left off (or start it).
            if (_session.TryGetLastSent(out ushort lastSeq, out uint lastTs, out long lastTicks))
            {
                long elapsed = (System.Diagnostics.Stopwatch.GetTimestamp() - lastTicks) * _codec.RtpClockRate / System.Diagnostics.Stopwatch.Frequency;
                _seq = lastSeq;
                _ts = lastTs + (uint)Math.Clamp(elapsed - _timestampStep, 0, int.MaxValue);
            }
            else
            {
                _seq = (ushort)Random.Shared.Next(ushort.MaxValue);
                _ts = (uint)Random.Shared.NextInt64(uint.MaxValue);
            }

            _started = true;
            marker = true;
        }

        bool more = source.ReadFrame(_pcm);
        if (!more)
        {
            _source = null;
            _started = false;
            Finished?.Invoke(this);
            return;
        }

        _seq++;
        _ts += (uint)_timestampStep;
        int payload = _codec.Encode(_pcm, _packet.AsSpan(RtpPacket.FixedHeaderLength));
        int length = RtpWriter.Write(_packet,
            new RtpHeader { Marker = marker, PayloadType = _payloadType, SequenceNumber = _seq, Timestamp = _ts, Ssrc = _session.LocalSsrc },
            _packet.AsSpan(RtpPacket.FixedHeaderLength, payload));
        if (_session.Send(_packet.AsSpan(0, length)))
        {
            FramesSent++;
        }
    }
}
