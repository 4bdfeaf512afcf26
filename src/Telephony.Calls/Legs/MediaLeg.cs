using Microsoft.Extensions.Logging;
using System.Net;
using System.Text;
using Telephony.Media;
using Telephony.Media.Dtmf;
using Telephony.Media.Rtp;
using Telephony.Media.Sdp;

namespace Telephony.Calls.Legs;

/// <summary>
/// Our media end of one call leg: an RTP session on a leased port pair, its offer/answer state,
/// a sender that plays prompts and music on the media clock, and an RFC 4733 receiver that
/// reports key presses. While the leg is bridged the bridge takes the session's packets instead.
/// </summary>
internal sealed class MediaLeg : IRtpPacketHandler, IAsyncDisposable
{
    private readonly MediaEngine _engine;
    private readonly SdpNegotiator _negotiator;
    private RtpAudioSender? _sender;
    private DtmfEventReceiver? _dtmf;
    private TaskCompletionSource? _played;
    private IAudioSource? _playing;

    private MediaLeg(MediaEngine engine, RtpSession session)
    {
        _engine = engine;
        Session = session;
        _negotiator = new SdpNegotiator(new SdpNegotiatorOptions(), engine.SdpAddress, session.LocalRtpEndPoint.Port);
        session.Handler = this;
        session.Start();
    }

    /// <summary>Opens a leg on a free port pair; null (with the reason) when the pool is exhausted.</summary>
    public static MediaLeg? Open(MediaEngine engine, ILogger logger, out string? error)
    {
        var session = RtpSession.TryOpen(engine.Ports, new RtpSessionOptions { Logger = logger, TimeProvider = engine.Time, ReceiveLoop = engine.ReceiveLoop }, out error);
        return session is null ? null : new MediaLeg(engine, session);
    }

    public RtpSession Session { get; }

    /// <summary>The negotiated stream (after an answer was made or accepted).</summary>
    public NegotiatedAudio? Audio { get; private set; }

    /// <summary>Called (on the RTP receive thread) with each key press the peer sends as RFC 4733 events.</summary>
    public Action<char>? DigitReceived { get; set; }

    /// <summary>Answers the peer's offer; on success the leg is ready to play and receive digits.</summary>
    public OfferAnswerResult AnswerOffer(ReadOnlyMemory<byte> offer)
    {
        var result = _negotiator.Answer(Encoding.UTF8.GetString(offer.Span));
        if (result.Success)
        {
            Apply(result.Audio!);
        }
        return result;
    }

    /// <summary>
    /// Applies a new offer from the peer in an established call (re-INVITE or UPDATE: hold, resume, new
    /// address). The SIP layer has already answered with our unchanged SDP, so the codec agreed before
    /// stays (RFC 3264 §8: our answer names it); the peer's address and direction are taken from the offer.
    /// Returns the stream as it now is, or the failure (media unchanged).
    /// </summary>
    public (NegotiatedAudio? Audio, string? Error) ApplyPeerOffer(ReadOnlyMemory<byte> offer)
    {
        var result = _negotiator.Answer(Encoding.UTF8.GetString(offer.Span));
        if (!result.Success)
        {
            return (null, result.Error);
        }
        var fresh = result.Audio!;
        var current = Audio;
        var audio = current is null ? fresh : new NegotiatedAudio
        {
            MediaIndex = fresh.MediaIndex,
            EncodingName = current.EncodingName,
            PayloadType = current.PayloadType,
            ClockRate = current.ClockRate,
            TelephoneEventPayloadType = current.TelephoneEventPayloadType,
            PeerTelephoneEventPayloadTypes = current.PeerTelephoneEventPayloadTypes,
            PeerPtime = fresh.PeerPtime,
            LocalDirection = fresh.LocalDirection,
            RemoteDirection = fresh.RemoteDirection,
            RemoteRtp = fresh.RemoteRtp,
            RemoteRtcp = fresh.RemoteRtcp,
        };
        Apply(audio);
        return (audio, null);
    }

    /// <summary>Our offer (for the INVITE to an agent).</summary>
    public byte[] CreateOffer() => Encoding.UTF8.GetBytes(_negotiator.CreateOffer().ToString());

    /// <summary>Applies the agent's answer to our offer.</summary>
    public OfferAnswerResult AcceptAnswer(ReadOnlyMemory<byte> answer)
    {
        var result = _negotiator.AcceptAnswer(Encoding.UTF8.GetString(answer.Span));
        if (result.Success)
        {
            Apply(result.Audio!);
        }
        return result;
    }

    /// <summary>The SDP to send (our answer).</summary>
    public static byte[] Body(OfferAnswerResult result) => Encoding.UTF8.GetBytes(result.Answer!.ToString());

    /// <summary>A fresh codec instance for the negotiated encoding (stateful codecs are per direction).</summary>
    public IAudioCodec CreateCodec() =>
        _engine.Codecs.TryCreate(Audio!.EncodingName, Audio.ClockRate, out var codec) ? codec
            : throw new InvalidOperationException($"no codec for {Audio.EncodingName}/{Audio.ClockRate}");

    private void Apply(NegotiatedAudio audio)
    {
        Audio = audio;
        Session.SetRemote(audio.RemoteRtp, audio.RemoteRtcp);
        var events = new List<int>(audio.PeerTelephoneEventPayloadTypes);
        if (audio.TelephoneEventPayloadType is int te && !events.Contains(te))
        {
            events.Add(te);
        }
        _dtmf = new DtmfEventReceiver(events, (_, e) => DigitReceived?.Invoke(e.Digit));
        if (_sender is null)
        {
            _sender = new RtpAudioSender(Session, CreateCodec(), audio.PayloadType);
            _sender.Finished += OnFinished;
            _engine.Clock.Add(_sender);
        }
    }

    /// <summary>Starts playing <paramref name="source"/> (replacing whatever played); the task completes when it ends or is replaced.</summary>
    public Task Play(IAudioSource? source)
    {
        var previous = Interlocked.Exchange(ref _played, source is null ? null : new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        previous?.TrySetResult();
        Volatile.Write(ref _playing, source);
        if (_sender is not null)
        {
            _sender.Source = source;
        }
        return Volatile.Read(ref _played)?.Task ?? Task.CompletedTask;
    }

    /// <summary>Stops playing (the bridge or silence takes over).</summary>
    public void StopPlaying() => Play(null);

    private void OnFinished(RtpAudioSender sender)
    {
        // Clock thread: the source we were playing ran out (the sender has already let go of it;
        // when Play replaced it meanwhile, Play completed the old task itself).
        if (sender.Source is null)
        {
            Volatile.Write(ref _playing, null);
            Interlocked.Exchange(ref _played, null)?.TrySetResult();
        }
    }

    public void OnRtpPacket(RtpSession session, Span<byte> packet, long arrivalTicks) => _dtmf?.OnRtpPacket(0, packet);

    /// <summary>The peer's address, for logs.</summary>
    public IPEndPoint? Remote => Session.RemoteRtpEndPoint;

    public async ValueTask DisposeAsync()
    {
        if (_sender is not null)
        {
            _engine.Clock.Remove(_sender);
            _sender.Source = null;
        }
        Interlocked.Exchange(ref _played, null)?.TrySetResult();
        await Session.DisposeAsync().ConfigureAwait(false);
    }
}
