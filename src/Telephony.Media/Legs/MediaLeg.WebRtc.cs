using System.Text;
using Telephony.Media.Rtp;
using Telephony.Media.Sdp;
using Telephony.Media.WebRtc;
using Telephony.Media.WebRtc.Dtls;

namespace Telephony.Media.Legs;

// A browser's leg: the same leg (sender, receiver, bridge, recorder see plain RTP), with ICE-lite, DTLS-SRTP
// and rtcp-mux on its one port (WebRtcTransport), our offer carrying their SDP lines and the answer read for them.
public sealed partial class MediaLeg
{
    private WebRtcTransport? _webRtc;

    /// <summary>The WebRTC transport of a browser's leg (null for SIP legs).</summary>
    public WebRtcTransport? WebRtc => _webRtc;

    /// <summary>
    /// Opens a browser's leg: UDP/TLS/RTP/SAVPF offers (G.711 by default: every browser has it), ICE-lite and
    /// DTLS-SRTP with <paramref name="identity"/>'s certificate. Null (with the reason) when the pool is exhausted.
    /// </summary>
    public static MediaLeg? OpenWebRtc(MediaEngine engine, MediaLegOptions? options, DtlsIdentity identity, out string? error, TimeSpan? securityTimeout = null)
    {
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(identity);
        options ??= MediaLegOptions.Server;
        var n = options.Negotiator;
        options = options with
        {
            Negotiator = new SdpNegotiatorOptions
            {
                Codecs = n.Codecs, TelephoneEvent = n.TelephoneEvent, TelephoneEventPayloadType = n.TelephoneEventPayloadType,
                Ptime = n.Ptime, UserName = n.UserName, Protocol = WebRtcSdp.Protocol,
            },
        };
        var session = RtpSession.TryOpen(engine.Ports, new RtpSessionOptions
        {
            Logger = options.Logger,
            TimeProvider = engine.Time,
            ReceiveLoop = engine.ReceiveLoop,
            LatchAfterPackets = 0, // ICE proves the peer; nothing is learned from traffic
        }, out error);
        if (session is null)
        {
            return null;
        }
        // The transport must be on the session before it receives (the constructor starts receiving).
        var transport = new WebRtcTransport(session, identity, options.Logger, securityTimeout);
        return new MediaLeg(engine, session, options) { _webRtc = transport };
    }

    private byte[] DecorateOffer(SessionDescription offer)
    {
        var transport = _webRtc!;
        WebRtcSdp.Decorate(offer, transport.Ice.Local, transport.LocalFingerprint,
            new System.Net.IPEndPoint(_engine.SdpAddress, Session.LocalRtpEndPoint.Port), Session.LocalSsrc, "telephony");
        return Encoding.UTF8.GetBytes(offer.ToString());
    }

    // The answer's ICE and DTLS lines: refused without them; else the transport starts checking and handshaking.
    private OfferAnswerResult? StartWebRtc(string answer)
    {
        if (!WebRtcSdp.TryReadRemote(answer, out var remote, out string? error))
        {
            return OfferAnswerResult.Fail("WebRTC answer refused: " + error);
        }
        _webRtc!.Start(remote!.IceUfrag, remote.Fingerprint);
        return null;
    }
}
