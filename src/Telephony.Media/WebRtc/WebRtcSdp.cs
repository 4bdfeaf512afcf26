using System.Globalization;
using Telephony.Media.Sdp;
using Telephony.Media.WebRtc.Dtls;
using Telephony.Media.WebRtc.Ice;

namespace Telephony.Media.WebRtc;

/// <summary>What the browser's answer says about its ICE and DTLS side.</summary>
public sealed record WebRtcRemote(string IceUfrag, string IcePassword, DtlsFingerprint Fingerprint, string Setup);

/// <summary>
/// The WebRTC lines of our offer and their reading in the answer (RFC 8829 §5.2, RFC 8839 ICE, RFC 8842
/// DTLS, RFC 8843 BUNDLE, RFC 5761 rtcp-mux): one audio m-line, bundled alone, ICE-lite with one host
/// candidate, DTLS a=setup:actpass so the browser takes active and we are the DTLS server (RFC 5763 §5).
/// </summary>
public static class WebRtcSdp
{
    /// <summary>The m= line's mid and the BUNDLE group's only member.</summary>
    public const string Mid = "0";
    /// <summary>UDP/TLS/RTP/SAVPF: what a browser offers and answers for audio (RFC 8829 §5.1.2).</summary>
    public const string Protocol = "UDP/TLS/RTP/SAVPF";

    /// <summary>Adds our ICE, DTLS, BUNDLE and rtcp-mux lines to <paramref name="offer"/>.</summary>
    public static void Decorate(SessionDescription offer, IceCredentials ice, DtlsFingerprint fingerprint, System.Net.IPEndPoint candidate, uint ssrc, string cname)
    {
        ArgumentNullException.ThrowIfNull(offer);
        ArgumentNullException.ThrowIfNull(ice);
        ArgumentNullException.ThrowIfNull(fingerprint);
        ArgumentNullException.ThrowIfNull(candidate);
        offer.Attributes.Add(new SdpAttribute("ice-lite", null));
        offer.Attributes.Add(new SdpAttribute("group", "BUNDLE " + Mid));
        var m = offer.MediaDescriptions[0];
        m.Attributes.Add(new SdpAttribute("mid", Mid));
        m.Attributes.Add(new SdpAttribute("ice-ufrag", ice.UsernameFragment));
        m.Attributes.Add(new SdpAttribute("ice-pwd", ice.Password));
        m.Attributes.Add(new SdpAttribute("fingerprint", fingerprint.ToString()));
        m.Attributes.Add(new SdpAttribute("setup", "actpass"));
        m.Attributes.Add(new SdpAttribute("rtcp-mux", null));
        // RFC 8839 §5.1: foundation, component 1 (RTP), UDP, host priority (RFC 8445 §5.1.2.1: 126 << 24 | 65535 << 8 | 255).
        string address = candidate.Address.ToString();
        m.Attributes.Add(new SdpAttribute("candidate", string.Create(CultureInfo.InvariantCulture,
            $"1 1 udp 2130706431 {address} {candidate.Port} typ host")));
        m.Attributes.Add(new SdpAttribute("end-of-candidates", null));
        m.Attributes.Add(new SdpAttribute("msid", "telephony audio"));
        m.Attributes.Add(new SdpAttribute("ssrc", string.Create(CultureInfo.InvariantCulture, $"{ssrc} cname:{cname}")));
    }

    /// <summary>
    /// Reads the browser's ICE credentials, DTLS fingerprint and role from its answer (media level, else
    /// session level). An answer without ICE credentials or a fingerprint, or one that wants us to be the
    /// DTLS client, is refused: SRTP keys come only from a handshake we can authenticate.
    /// </summary>
    public static bool TryReadRemote(string answer, out WebRtcRemote? remote, out string? error)
    {
        remote = null;
        var parsed = SdpParser.Parse(answer);
        if (!parsed.Success)
        {
            error = parsed.Error;
            return false;
        }
        var sd = parsed.Description!;
        if (sd.MediaDescriptions.Count == 0)
        {
            error = "no m= line";
            return false;
        }
        var m = sd.MediaDescriptions[0];
        string? Read(string name) => m.GetAttribute(name)?.Value ?? sd.Attributes.Find(a => a.Name == name)?.Value;

        string? ufrag = Read("ice-ufrag"), pwd = Read("ice-pwd");
        if (!IceCredentials.IsValid(ufrag, pwd))
        {
            error = "no ICE credentials"; // a=ice-ufrag / a=ice-pwd, RFC 8839 §5.4 (short: it becomes a seat's Not-ready reason)
            return false;
        }
        if (!DtlsFingerprint.TryParse(Read("fingerprint"), out var fingerprint))
        {
            error = "no usable DTLS fingerprint"; // RFC 8122 §5
            return false;
        }
        string setup = Read("setup") ?? "active";
        if (setup != "active")
        {
            // We offered actpass and serve DTLS; "passive" would make us the client (RFC 5763 §5).
            error = $"a=setup:{setup}, not active";
            return false;
        }
        if (m.GetAttribute("rtcp-mux") is null)
        {
            error = "no rtcp-mux"; // we offer RTP and RTCP on one port only
            return false;
        }
        remote = new WebRtcRemote(ufrag!, pwd!, fingerprint!, setup);
        error = null;
        return true;
    }
}
