using System.Net;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telephony.Media;
using Telephony.Media.Clock;
using Telephony.Media.Codecs;
using Telephony.Media.Dtmf;
using Telephony.Media.Jitter;
using Telephony.Media.Ports;
using Telephony.Media.Rtp;
using Telephony.Media.Sdp;

namespace Telephony.Softphone.Media;

/// <summary>
/// One call's audio at an endpoint (softphone or load-generator caller): an RTP session on a leased
/// port pair, SDP offer/answer (G.711 PCMU/PCMA plus RFC 4733 telephone-event), the microphone
/// source sent one 20 ms frame per tick of the one shared <see cref="MediaClock"/>, DTMF key presses
/// as RFC 4733 events in the same RTP stream, and what arrives decoded through a jitter buffer into
/// an optional <see cref="IAudioSink"/> (a WAV file, a level meter).
/// </summary>
public sealed class CallMedia : IMediaTickListener, IRtpPacketHandler, IAsyncDisposable
{
    private static readonly SdpNegotiatorOptions NegotiatorOptions = new() { Codecs = ["PCMU", "PCMA"], TelephoneEvent = true, UserName = "softphone" };

    private readonly Lock _gate = new();
    private readonly RtpSession _session;
    private readonly MediaClock _clock;
    private readonly SdpNegotiator _negotiator;
    private readonly Queue<char> _digits = new();
    private readonly short[] _heardFrame = new short[160];
    private readonly byte[] _dtmfPacket = new byte[RtpPacket.FixedHeaderLength + TelephoneEvent.Size];
    private DtmfEventSender? _dtmf;
    private RtpAudioSender? _sender;
    private IAudioSource? _savedSource;
    private JitterDecodingSource? _heard;
    private DtmfEventReceiver? _dtmfReceiver;
    private IAudioSink? _sink;
    private NegotiatedAudio? _audio;
    private int _digitMs = 160;
    private bool _started;
    private bool _disposed;
    private long _packetsReceived;

    private CallMedia(RtpSession session, MediaClock clock, IPAddress sdpAddress)
    {
        _session = session;
        _clock = clock;
        _negotiator = new SdpNegotiator(NegotiatorOptions, sdpAddress, session.LocalRtpEndPoint.Port);
        session.Handler = this;
    }

    /// <summary>Leases ports and opens the session; null with <paramref name="error"/> when the pool is exhausted.</summary>
    public static CallMedia? Open(RtpPortPool pool, MediaClock clock, ILogger? logger, out string? error)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(clock);
        var session = RtpSession.TryOpen(pool, new RtpSessionOptions { Logger = logger ?? NullLogger.Instance }, out error);
        return session is null ? null : new CallMedia(session, clock, pool.BindAddress);
    }

    /// <summary>The negotiated audio (codec, payload types, peer address) once offer/answer completed.</summary>
    public NegotiatedAudio? Audio => _audio;

    /// <summary>Our RTP address.</summary>
    public IPEndPoint LocalRtpEndPoint => _session.LocalRtpEndPoint;

    /// <summary>RTP packets received (audio and events).</summary>
    public long PacketsReceived => Interlocked.Read(ref _packetsReceived);

    /// <summary>Audio frames sent.</summary>
    public long FramesSent => _sender?.FramesSent ?? 0;

    /// <summary>RFC 4733 digits received from the peer (raised on the RTP receive thread).</summary>
    public event Action<char>? DigitReceived;

    /// <summary>Builds our SDP offer (outgoing calls).</summary>
    public string CreateOffer() => _negotiator.CreateOffer().ToString();

    /// <summary>Applies the peer's answer to our offer; false with a reason when it is unusable.</summary>
    public bool TryAcceptAnswer(string answer, out string? error)
    {
        var result = _negotiator.AcceptAnswer(answer);
        error = result.Error;
        if (!result.Success)
        {
            return false;
        }
        Apply(result.Audio!);
        return true;
    }

    /// <summary>Answers the peer's offer (incoming calls); null with a reason (for a 488) when nothing fits.</summary>
    public string? TryAnswer(string offer, out string? error)
    {
        var result = _negotiator.Answer(offer);
        error = result.Error;
        if (!result.Success)
        {
            return null;
        }
        Apply(result.Audio!);
        return result.Answer!.ToString();
    }

    private void Apply(NegotiatedAudio audio)
    {
        _audio = audio;
        _session.SetRemote(audio.RemoteRtp, audio.RemoteRtcp);
    }

    /// <summary>
    /// Starts sending <paramref name="microphone"/> (null: silence is not sent at all) and delivering what is
    /// heard to <paramref name="heard"/> (may be null). Call once, after negotiation.
    /// </summary>
    public void Start(IAudioSource? microphone, IAudioSink? heard)
    {
        var audio = _audio ?? throw new InvalidOperationException("negotiate SDP before starting media");
        IAudioCodec codec = audio.EncodingName == "PCMA" ? PcmaCodec.Instance : PcmuCodec.Instance;
        lock (_gate)
        {
            if (_started || _disposed)
            {
                return;
            }
            _sender = new RtpAudioSender(_session, codec, audio.PayloadType) { Source = microphone };
            _heard = new JitterDecodingSource(codec, audio.PayloadType);
            _sink = heard;
            var eventTypes = audio.PeerTelephoneEventPayloadTypes.Count > 0 ? audio.PeerTelephoneEventPayloadTypes
                : audio.TelephoneEventPayloadType is int te ? [te] : [];
            if (eventTypes.Count > 0)
            {
                _dtmfReceiver = new DtmfEventReceiver(eventTypes, (_, d) => DigitReceived?.Invoke(d.Digit));
            }
            _started = true;
        }
        _session.Start();
        _clock.Add(this);
    }

    /// <summary>Queues a key press sent as RFC 4733 events (needs telephone-event in the negotiated SDP).</summary>
    public bool SendDigit(char digit, int durationMs = 160)
    {
        if (!DtmfDigits.IsDigit(digit) || _audio?.TelephoneEventPayloadType is null)
        {
            return false;
        }
        lock (_gate)
        {
            _digitMs = Math.Clamp(durationMs, 40, 5000);
            _digits.Enqueue(digit);
        }
        return true;
    }

    /// <inheritdoc />
    public void OnTick(long tick)
    {
        lock (_gate)
        {
            if (!_started || _disposed)
            {
                return;
            }
            if (!SendDtmf(tick))
            {
                _sender!.OnTick(tick);
            }
            if (_sink is { } sink && _heard is { } heard)
            {
                heard.ReadFrame(_heardFrame);
                sink.WriteFrame(_heardFrame);
            }
        }
    }

    // RFC 4733 §2.5: while a key is pressed the event packets replace the audio in the one RTP
    // stream (same SSRC, next sequence numbers); the audio sender resumes from the last sent packet.
    private bool SendDtmf(long tick)
    {
        if (_dtmf is null || !_dtmf.IsSending)
        {
            if (_digits.Count == 0)
            {
                if (_dtmf is not null)
                {
                    _dtmf = null;
                    _sender!.Source = _savedSource;
                }
                return false;
            }
            char digit = _digits.Dequeue();
            uint start = _session.TryGetLastSent(out _, out uint lastTs, out _) ? lastTs + 160 : (uint)Random.Shared.NextInt64(uint.MaxValue);
            if (_dtmf is null)
            {
                _savedSource = _sender!.Source;
                _sender.Source = null;
                _sender.OnTick(tick); // with no source it only forgets its place in the stream
            }
            _dtmf = new DtmfEventSender();
            _dtmf.Start(digit, start, _digitMs);
        }
        if (!_dtmf.TryNext(out var packet))
        {
            return false;
        }
        ushort seq = _session.TryGetLastSent(out ushort lastSeq, out _, out _) ? (ushort)(lastSeq + 1) : (ushort)Random.Shared.Next(ushort.MaxValue);
        Span<byte> payload = stackalloc byte[TelephoneEvent.Size];
        packet.Event.Write(payload);
        int length = RtpWriter.Write(_dtmfPacket,
            new RtpHeader { Marker = packet.Marker, PayloadType = _audio!.TelephoneEventPayloadType!.Value, SequenceNumber = seq, Timestamp = packet.Timestamp, Ssrc = _session.LocalSsrc },
            payload);
        _session.Send(_dtmfPacket.AsSpan(0, length));
        return true;
    }

    /// <inheritdoc />
    public void OnRtpPacket(RtpSession session, Span<byte> packet, long arrivalTicks)
    {
        Interlocked.Increment(ref _packetsReceived);
        if (!RtpPacket.TryParse(packet, out var rtp))
        {
            return;
        }
        if (_audio is { } audio && audio.IsTelephoneEvent(rtp.PayloadType))
        {
            _dtmfReceiver?.OnRtpPacket(0, packet);
            return;
        }
        _heard?.Push(packet);
    }

    /// <summary>Stops the media: off the clock, RTCP BYE, ports back to the pool. The sink is the caller's to close.</summary>
    public async ValueTask DisposeAsync()
    {
        _clock.Remove(this);
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
        }
        await _session.DisposeAsync().ConfigureAwait(false);
    }
}
