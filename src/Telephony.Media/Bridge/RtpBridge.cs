using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telephony.Media.Codecs;
using Telephony.Media.Rtp;
using Telephony.Media.Sdp;

namespace Telephony.Media.Bridge;

/// <summary>What one leg of a bridge agreed in its offer/answer.</summary>
public sealed record BridgeLegFormat
{
    /// <summary>Codec name (PCMU, PCMA, G722): legs with the same name relay without transcoding.</summary>
    public required string EncodingName { get; init; }
    /// <summary>The audio PT this leg's peer uses and expects.</summary>
    public required int AudioPayloadType { get; init; }
    /// <summary>
    /// Makes a codec instance for this leg, needed only when the other leg's codec differs. The
    /// bridge calls it once per direction, because stateful codecs (G.722) need one instance per
    /// stream direction. <see cref="From"/> takes it from <see cref="CodecRegistry.Default"/>.
    /// </summary>
    public Func<IAudioCodec>? CodecFactory { get; init; }
    /// <summary>The telephone-event PT to send to this leg's peer; null drops events towards it.</summary>
    public int? TelephoneEventPayloadType { get; init; }
    /// <summary>Every PT this leg's peer may send telephone-event with.</summary>
    public IReadOnlyList<int> TelephoneEventPayloadTypes { get; init; } = [];
    /// <summary>Whether media may go to this leg (false while it is held: our direction is recvonly/inactive).</summary>
    public bool Send { get; init; } = true;
    /// <summary>Whether media from this leg is taken (false when our direction is sendonly/inactive).</summary>
    public bool Receive { get; init; } = true;

    /// <summary>The leg format of a negotiated stream (codecs from <paramref name="codecs"/>, default registry).</summary>
    public static BridgeLegFormat From(NegotiatedAudio audio, CodecRegistry? codecs = null)
    {
        ArgumentNullException.ThrowIfNull(audio);
        var events = new List<int>(audio.PeerTelephoneEventPayloadTypes);
        if (audio.TelephoneEventPayloadType is int te && !events.Contains(te))
        {
            events.Add(te);
        }

        var registry = codecs ?? CodecRegistry.Default;
        string name = audio.EncodingName;
        int rate = audio.ClockRate;
        Func<IAudioCodec>? factory = registry.IsKnown(name, rate)
            ? () => registry.TryCreate(name, rate, out var codec) ? codec : throw new InvalidOperationException($"codec {name} vanished from the registry")
            : null;

        return new BridgeLegFormat
        {
            EncodingName = audio.EncodingName,
            AudioPayloadType = audio.PayloadType,
            CodecFactory = factory,
            TelephoneEventPayloadType = audio.TelephoneEventPayloadType,
            TelephoneEventPayloadTypes = events,
            Send = audio.LocalDirection.Sends() && (audio.RemoteRtp is not null || audio.AddressFromIce),
            Receive = audio.LocalDirection.Receives(),
        };
    }

    internal bool IsTelephoneEvent(int pt)
    {
        // Indexed, not foreach: an interface enumerator would be boxed on every packet.
        var types = TelephoneEventPayloadTypes;
        for (int i = 0; i < types.Count; i++)
        {
            if (types[i] == pt)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>
/// Relays RTP between two legs (a B2BUA's media path). Where both legs use the same codec the
/// payload is untouched and only what must change is rewritten in place: SSRC (each outgoing
/// side has its own, the session's), sequence number and timestamp (shifted by offsets that are
/// recomputed when the incoming source changes or after hold so every outgoing stream stays
/// continuous), the payload type when the legs number it differently, and the marker bit after
/// a discontinuity. Telephone-event goes through with the PT the other side expects. Otherwise
/// it transcodes through a <see cref="Transcoder"/> per direction built from the legs' codec
/// factories (fresh <see cref="IAudioCodec"/> instances). A tap sees every packet as received.
/// </summary>
public sealed class RtpBridge : IDisposable
{
    private readonly RtpSession[] _sessions;
    private readonly BridgeLegFormat[] _formats;
    private readonly Direction[] _directions;
    private readonly ILogger _log;
    private volatile IRtpTap? _tap;

    public RtpBridge(RtpSession leg0, BridgeLegFormat format0, RtpSession leg1, BridgeLegFormat format1,
        IRtpTap? tap = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(leg0);
        ArgumentNullException.ThrowIfNull(leg1);
        ArgumentNullException.ThrowIfNull(format0);
        ArgumentNullException.ThrowIfNull(format1);
        _sessions = [leg0, leg1];
        _formats = [format0, format1];
        _log = logger ?? NullLogger.Instance;
        _tap = tap;
        _directions = [new Direction(this, 0, 1), new Direction(this, 1, 0)];
        Validate(format0, format1);
        leg0.Handler = _directions[0];
        leg1.Handler = _directions[1];
    }

    /// <summary>The recorder (or any observer) seeing every packet each leg sends us.</summary>
    public IRtpTap? Tap
    {
        get => _tap;
        set => _tap = value;
    }

    public RtpSession GetSession(int leg) => _sessions[leg];
    public BridgeLegFormat GetFormat(int leg) => Volatile.Read(ref _formats[leg]);

    /// <summary>Packets relayed from <paramref name="fromLeg"/> to the other leg.</summary>
    public long Relayed(int fromLeg) => Volatile.Read(ref _directions[fromLeg].RelayedCount);
    /// <summary>Packets from <paramref name="fromLeg"/> not relayed (hold, unknown PT, no telephone-event on the other side).</summary>
    public long Dropped(int fromLeg) => Volatile.Read(ref _directions[fromLeg].DroppedCount);
    /// <summary>Packets from <paramref name="fromLeg"/> that were transcoded.</summary>
    public long Transcoded(int fromLeg) => Volatile.Read(ref _directions[fromLeg].TranscodedCount);

    /// <summary>
    /// Applies a new offer/answer of one leg (re-INVITE: hold, resume, codec or address change).
    /// Both directions restart their offsets at the next packet so the streams stay continuous.
    /// </summary>
    public void UpdateLeg(int leg, BridgeLegFormat format)
    {
        ArgumentNullException.ThrowIfNull(format);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)leg, 1u);
        Validate(leg == 0 ? format : GetFormat(0), leg == 1 ? format : GetFormat(1));
        Volatile.Write(ref _formats[leg], format);
        _directions[0].RequestRebase();
        _directions[1].RequestRebase();
    }

    /// <summary>Detaches from both sessions (they keep running and can be bridged again or played to).</summary>
    public void Dispose()
    {
        for (int i = 0; i < 2; i++)
        {
            if (ReferenceEquals(_sessions[i].Handler, _directions[i]))
            {
                _sessions[i].Handler = null;
            }
        }
    }

    private static void Validate(BridgeLegFormat a, BridgeLegFormat b)
    {
        if (!a.EncodingName.Equals(b.EncodingName, StringComparison.OrdinalIgnoreCase) && (a.CodecFactory is null || b.CodecFactory is null))
        {
            throw new ArgumentException($"legs use {a.EncodingName} and {b.EncodingName}: transcoding needs a codec factory for each leg");
        }
    }

    /// <summary>One direction of the relay; runs only on the receive loop of its incoming leg.</summary>
    private sealed class Direction : IRtpPacketHandler
    {
        private readonly RtpBridge _bridge;
        private readonly int _in;
        private readonly int _out;
        private uint _lastInSsrc;
        private bool _haveIn;
        private int _rebase = 1;
        private ushort _seqOffset;
        private uint _tsOffset;
        private byte[]? _scratch;
        private Transcoder? _transcoder;
        private BridgeLegFormat? _transcoderIn;
        private BridgeLegFormat? _transcoderOut;
        public long RelayedCount;
        public long DroppedCount;
        public long TranscodedCount;

        public Direction(RtpBridge bridge, int inLeg, int outLeg)
        {
            _bridge = bridge;
            _in = inLeg;
            _out = outLeg;
        }

        public void RequestRebase() => Volatile.Write(ref _rebase, 1);

        private void Drop()
        {
            DroppedCount++;
            RtpMetrics.RelayDropped.Add(1);
        }

        public void OnRtpPacket(RtpSession session, Span<byte> packet, long arrivalTicks)
        {
            if (_bridge._tap is { } tap)
            {
                try
                {
                    tap.OnRtpPacket(_in, packet);
                }
#pragma warning disable CA1031 // the recorder failing must not cut the call's audio
                catch (Exception e)
#pragma warning restore CA1031
                {
                    RtpLog.TapFailed(_bridge._log, e, _in);
                }
            }

            var inFormat = Volatile.Read(ref _bridge._formats[_in]);
            var outFormat = Volatile.Read(ref _bridge._formats[_out]);
            if (!inFormat.Receive || !outFormat.Send)
            {
                // Held: nothing goes out, and the stream resumes continuous afterwards.
                _rebase = 1;
                Drop();
                return;
            }

            if (!RtpPacket.TryParse(packet, out var rtp))
            {
                Drop();
                return;
            }

            int pt = rtp.PayloadType;
            bool transcode = false;
            int outPt;
            if (inFormat.IsTelephoneEvent(pt))
            {
                if (outFormat.TelephoneEventPayloadType is not int te)
                {
                    Drop();
                    return;
                }

                outPt = te;
            }
            else if (pt == inFormat.AudioPayloadType)
            {
                outPt = outFormat.AudioPayloadType;
                transcode = !inFormat.EncodingName.Equals(outFormat.EncodingName, StringComparison.OrdinalIgnoreCase);
            }
            else
            {
                Drop(); // comfort noise or a PT nobody agreed on
                return;
            }

            var outSession = _bridge._sessions[_out];
            bool marker = rtp.Marker;
            if (!_haveIn || rtp.Ssrc != _lastInSsrc || Volatile.Read(ref _rebase) != 0)
            {
                Rebase(outSession, rtp.SequenceNumber, rtp.Timestamp, arrivalTicks);
                _haveIn = true;
                _lastInSsrc = rtp.Ssrc;
                marker = true; // tell the far jitter buffer a new talkspurt/stream segment starts
            }

            ushort seq = (ushort)(rtp.SequenceNumber + _seqOffset);
            uint ts = rtp.Timestamp + _tsOffset;
            bool sent;
            if (!transcode)
            {
                RtpWriter.SetSsrc(packet, outSession.LocalSsrc);
                RtpWriter.SetSequenceNumber(packet, seq);
                RtpWriter.SetTimestamp(packet, ts);
                if (outPt != pt || marker != rtp.Marker)
                {
                    packet[1] = (byte)((marker ? 0x80 : 0) | outPt);
                }

                sent = outSession.Send(packet);
            }
            else
            {
                sent = Transcode(rtp.Payload, inFormat, outFormat, outSession,
                    new RtpHeader { Marker = marker, PayloadType = outPt, SequenceNumber = seq, Timestamp = ts, Ssrc = outSession.LocalSsrc });
                TranscodedCount++;
            }

            if (sent)
            {
                RelayedCount++;
                RtpMetrics.Relayed.Add(1);
            }
            else
            {
                Drop();
            }
        }

        // New offsets so that this packet continues the outgoing stream: next sequence number,
        // and a timestamp advanced by the real time since the last packet sent (at least one
        // sample) so the receiver's playout keeps its timing (RFC 3550 §5.1).
        private void Rebase(RtpSession outSession, ushort inSeq, uint inTs, long arrivalTicks)
        {
            Volatile.Write(ref _rebase, 0);
            if (!outSession.TryGetLastSent(out ushort lastSeq, out uint lastTs, out long lastTicks))
            {
                _seqOffset = 0; // first packet ever on this side: keep the source's numbering
                _tsOffset = 0;
                return;
            }

            // Every codec we bridge (G.711, G.722, telephone-event) runs an 8000 Hz RTP clock (RFC 3551 §4.5.2).
            long elapsedSamples = (arrivalTicks - lastTicks) * 8000 / Stopwatch.Frequency;
            uint advance = (uint)Math.Clamp(elapsedSamples, 1, int.MaxValue);
            _seqOffset = (ushort)(lastSeq + 1 - inSeq);
            _tsOffset = lastTs + advance - inTs;
        }

        private bool Transcode(ReadOnlySpan<byte> payload, BridgeLegFormat from, BridgeLegFormat to, RtpSession outSession, in RtpHeader header)
        {
            if (_transcoder is null || !ReferenceEquals(from, _transcoderIn) || !ReferenceEquals(to, _transcoderOut))
            {
                // New formats (call start or re-INVITE): fresh codec instances for this direction.
                _transcoder = new Transcoder(from.CodecFactory!(), to.CodecFactory!());
                _transcoderIn = from;
                _transcoderOut = to;
            }

            _scratch ??= new byte[1500];
            if (payload.Length > 480)
            {
                return false; // more than 60 ms in one packet: not a phone we talk to
            }

            int bytes = _transcoder.Transcode(payload, _scratch.AsSpan(RtpPacket.FixedHeaderLength));
            int length = RtpWriter.Write(_scratch, header, _scratch.AsSpan(RtpPacket.FixedHeaderLength, bytes));
            return outSession.Send(_scratch.AsSpan(0, length));
        }
    }
}
