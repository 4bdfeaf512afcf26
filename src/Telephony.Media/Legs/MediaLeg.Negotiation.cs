using System.Text;
using Telephony.Media.Sdp;
using Telephony.Media.Srtp;

namespace Telephony.Media.Legs;

// SDP offer/answer (RFC 3264) for the leg: our offer, our answer to the peer's offer, the peer's answer
// to ours, and the peer's new offers in an established call (re-INVITE, UPDATE).
public sealed partial class MediaLeg
{
    private volatile NegotiatedAudio? _audio;
    private NegotiatedSrtp? _srtpKeys;

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
        var (srtp, srtpError) = KeepSrtp(current?.Srtp, fresh.Srtp);
        if (srtpError is not null)
        {
            return (null, srtpError);
        }
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
            Srtp = srtp,
            AddressFromIce = fresh.AddressFromIce,
        };
        Apply(audio);
        return (audio, null);
    }

    // A re-offer on an SRTP call (RFC 4568 §7.1.4): our answer repeated our key and the agreed line, so
    // the suite and our key stay; the peer may have given a new key of its own. SRTP is neither turned on
    // nor off mid-call.
    private static (NegotiatedSrtp? Srtp, string? Error) KeepSrtp(NegotiatedSrtp? current, NegotiatedSrtp? fresh)
    {
        if (current is null)
        {
            return fresh is null ? (null, null) : (null, "a re-offer cannot turn SRTP on in an established call");
        }
        if (fresh is null)
        {
            return (null, "the call is SRTP; a re-offer without it is refused");
        }
        if (fresh.Suite != current.Suite)
        {
            return (null, $"the re-offer's first usable a=crypto line is {fresh.Suite.SdesName()}, the call agreed {current.Suite.SdesName()}");
        }
        return (new NegotiatedSrtp(current.Local, SdesCrypto.Create(current.Tag, current.Suite, fresh.Remote.KeySalt.Span)), null);
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
            // Keys before the address: nothing leaves in the clear once the answer says SRTP.
            ApplySrtp(audio.Srtp);
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

    // The session's protection follows the agreed keys. Our direction keeps its context (its rollover
    // counter must never restart under the same key); the peer's is replaced only when its key changed.
    private void ApplySrtp(NegotiatedSrtp? keys)
    {
        var current = Session.Protection;
        if (keys is null)
        {
            return; // plain RTP (KeepSrtp refuses a re-offer that would drop SRTP)
        }
        if (current is null)
        {
            Session.Protection = keys.CreateProtection();
        }
        else if (_srtpKeys is { } applied && !applied.Remote.KeySalt.Span.SequenceEqual(keys.Remote.KeySalt.Span))
        {
            Session.Protection = new SrtpProtection(current.Local, keys.Remote.CreateContext());
        }
        _srtpKeys = keys;
    }
}
