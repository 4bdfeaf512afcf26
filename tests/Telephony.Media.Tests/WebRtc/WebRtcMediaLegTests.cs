using Telephony.Media.WebRtc;

using Telephony.Testing.WebRtc;

namespace Telephony.Media.Tests.WebRtc;

/// <summary>A browser's media leg: our offer's WebRTC lines, the answer's reading, and audio out as SRTP.</summary>
[CancelAfter(30_000)]
public class WebRtcMediaLegTests
{
    private static string ChromeLikeAnswer(string ufrag, string pwd, string fingerprint, string setup = "active") =>
        BrowserLikePeer.AnswerSdp(ufrag, pwd, fingerprint, setup);

    [Test]
    public async Task The_offer_carries_ice_lite_dtls_bundle_and_rtcp_mux()
    {
        await using var engine = new MediaEngine(new MediaEngineOptions { PortMin = 28100, PortMax = 28119 });
        await using var leg = MediaLeg.OpenWebRtc(engine, null, WebRtcTestIdentity.Server, out _)!;
        string offer = Encoding.UTF8.GetString(leg.CreateOffer());
        Assert.That(offer, Does.Contain("m=audio " + leg.LocalRtpEndPoint.Port + " UDP/TLS/RTP/SAVPF 0 8 9 101"));
        foreach (var line in new[] { "a=ice-lite", "a=group:BUNDLE 0", "a=mid:0", "a=setup:actpass", "a=rtcp-mux", "a=end-of-candidates",
            "a=ice-ufrag:" + leg.WebRtc!.Ice.Local.UsernameFragment, "a=ice-pwd:" + leg.WebRtc.Ice.Local.Password,
            "a=fingerprint:" + WebRtcTestIdentity.Server.Fingerprint,
            $"a=candidate:1 1 udp 2130706431 127.0.0.1 {leg.LocalRtpEndPoint.Port} typ host" })
        {
            Assert.That(offer, Does.Contain(line + "\r\n"), line);
        }
    }

    [TestCase("", "", "no ICE credentials")]
    [TestCase("brws", "tooShort", "no ICE credentials")]
    public async Task An_answer_without_ice_credentials_is_refused(string ufrag, string pwd, string expected)
    {
        await using var engine = new MediaEngine(new MediaEngineOptions { PortMin = 28120, PortMax = 28139 });
        await using var leg = MediaLeg.OpenWebRtc(engine, null, WebRtcTestIdentity.Server, out _)!;
        leg.CreateOffer();
        var result = leg.AcceptAnswer(Encoding.UTF8.GetBytes(ChromeLikeAnswer(ufrag, pwd, WebRtcTestIdentity.Server.Fingerprint.ToString())));
        Assert.That(result.Success, Is.False);
        Assert.That(result.Error, Does.Contain(expected));
        Assert.That(leg.Audio, Is.Null);
    }

    [Test]
    public async Task An_answer_that_wants_us_to_be_dtls_client_is_refused()
    {
        await using var engine = new MediaEngine(new MediaEngineOptions { PortMin = 28140, PortMax = 28159 });
        await using var leg = MediaLeg.OpenWebRtc(engine, null, WebRtcTestIdentity.Server, out _)!;
        leg.CreateOffer();
        var result = leg.AcceptAnswer(Encoding.UTF8.GetBytes(ChromeLikeAnswer("brws", "0123456789abcdefghijklmn", WebRtcTestIdentity.Server.Fingerprint.ToString(), "passive")));
        Assert.That(result.Error, Does.Contain("a=setup:passive"));
    }

    [Test]
    public async Task Audio_reaches_a_browser_like_peer_as_srtp_once_ice_and_dtls_are_done()
    {
        await using var engine = new MediaEngine(new MediaEngineOptions { PortMin = 28160, PortMax = 28179 });
        engine.Start();
        await using var leg = MediaLeg.OpenWebRtc(engine, null, WebRtcTestIdentity.Server, out _)!;
        using var browser = new BrowserLikePeer();
        leg.CreateOffer();
        var answer = leg.AcceptAnswer(Encoding.UTF8.GetBytes(ChromeLikeAnswer(BrowserLikePeer.Ufrag, "0123456789abcdefghijklmn", browser.Identity.Fingerprint.ToString())));
        Assert.That(answer.Success, Is.True, answer.Error);
        Assert.That(answer.Audio!.EncodingName, Is.EqualTo("PCMU"));

        var ice = leg.WebRtc!.Ice;
        Assert.That(browser.Check(leg.LocalRtpEndPoint, ice.Local.UsernameFragment, ice.Local.Password), Is.EqualTo(Telephony.Media.WebRtc.Stun.StunMessageType.BindingSuccess));
        await Task.Run(() => browser.Connect(leg.LocalRtpEndPoint, leg.WebRtc.LocalFingerprint));
        Assert.That(await leg.WebRtc.Secured, Is.EqualTo(WebRtcFailure.None));
        _ = leg.Play(new ToneGenerator([1000]));

        var buffer = new byte[1500];
        browser.Socket.ReceiveTimeout = 2000;
        int srtp = 0;
        for (int i = 0; i < 40 && srtp < 5; i++)
        {
            int n = browser.Socket.Receive(buffer);
            if (buffer[0] >= 128 && buffer[1] is < 192 or > 223
                && browser.Protection!.Remote.UnprotectRtp(buffer, n, out int plain) == Telephony.Media.Srtp.SrtpStatus.Ok)
            {
                Assert.That(plain, Is.EqualTo(RtpPacket.FixedHeaderLength + 160));
                srtp++;
            }
        }
        Assert.That(srtp, Is.EqualTo(5));
    }
}

internal static class WebRtcTestIdentity
{
    public static readonly Telephony.Media.WebRtc.Dtls.DtlsIdentity Server = Telephony.Media.WebRtc.Dtls.DtlsIdentity.Create();
}
