using System.Text;
using Telephony.Media.Sdp;

namespace Telephony.Media.Legs;

// SDP offer/answer (RFC 3264) for the leg: our offer, our answer to the peer's offer, the peer's answer
// to ours, and the peer's new offers in an established call (re-INVITE, UPDATE).
public sealed partial class MediaLeg
{
    private volatile NegotiatedAudio? _audio;

    /// <summary>The negotiated stream (after an answer was made or accepted).</summary>
    public NegotiatedAudio? Audio => _audio;

    /// <summary>Our offer (an INVITE we send, or a re-INVITE: sendonly/inactive puts the peer on hold).</summary>
    public byte[] CreateOffer(MediaDirection direction = MediaDirection.SendRecv)
    {
        var offer = _negotiator.CreateOffer(direction);
        return _webRtc is null ? Encoding.UTF8.GetBytes(offer.ToString()) : DecorateOffer(offer);
    }

    /// <summary>Answers the peer's offer; on success the leg sends, plays and receives digits (send <see cref="Body"/> back).</summary>
    public OfferAnswerResult AnswerOffer(ReadOnlyMemory<byte> offer)
    {
        var result = _negotiator.Answer(Encoding.UTF8.GetString(offer.Span));
        if (result.Success)
        {
            Apply(result.Audio!);
        }
        return result;
    }

    /// <summary>Applies the peer's answer to our offer.</summary>
    public OfferAnswerResult AcceptAnswer(ReadOnlyMemory<byte> answer)
    {
        string body = Encoding.UTF8.GetString(answer.Span);
        var result = _negotiator.AcceptAnswer(body);
        if (result.Success && _webRtc is not null && StartWebRtc(body) is { } refused)
        {
            return refused;
        }
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
            AddressFromIce = fresh.AddressFromIce,
        };
        Apply(audio);
        return (audio, null);
    }

    /// <summary>The SDP to send for a successful <see cref="AnswerOffer"/>.</summary>
    public static byte[] Body(OfferAnswerResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return Encoding.UTF8.GetBytes(result.Answer!.ToString());
    }

    /// <summary>A fresh codec instance for the negotiated encoding (stateful codecs such as G.722 are per direction).</summary>
    public IAudioCodec CreateCodec()
    {
        var audio = Audio ?? throw new InvalidOperationException("negotiate SDP before asking for the codec");
        return _engine.Codecs.TryCreate(audio.EncodingName, audio.ClockRate, out var codec) ? codec
            : throw new InvalidOperationException($"no codec for {audio.EncodingName}/{audio.ClockRate}");
    }

    private void Apply(NegotiatedAudio audio)
    {
        bool first;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            first = _audio is null;
            _audio = audio;
            if (_webRtc is null)
            {
                Session.SetRemote(audio.RemoteRtp, audio.RemoteRtcp); // a browser's leg takes its peer from ICE
            }
            if (first)
            {
                StartSending(audio);
            }
        }
        ConfigureReceiving(audio, first);
        if (first)
        {
            _engine.Clock.Add(this);
        }
    }
}
