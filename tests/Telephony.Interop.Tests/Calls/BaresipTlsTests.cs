using Telephony.Tests.Shared;

namespace Telephony.Interop.Tests.Calls;

/// <summary>
/// SIP over TLS with a real peer (issue 15 item 9; RFC 3261 §26.2): our server listens on TLS with a certificate
/// from a test CA that baresip trusts; baresip dials 12345 over TLS with mandatory SRTP (SDES, RFC 4568: the keys
/// travel in the SDP, so only a TLS hop keeps them from the wire), the call is answered over that connection, the
/// media leg runs SRTP and baresip hears the greeting.
/// Ports (Interop ranges): baresip SIP 25960 (+1 TLS), cons 25963, RTP 26960-26969; our RTP 27000-27399.
/// </summary>
[NonParallelizable]
public sealed class BaresipTlsTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task Baresip_dials_12345_over_tls_with_srtp_and_hears_the_greeting(CancellationToken ct)
    {
        var folder = Directory.CreateTempSubdirectory("telephony-tls-").FullName;
        try
        {
            var (certificateFile, authorityFile) = WriteCertificates(folder);

            await using var server = new SoftphoneServer(settings: new Dictionary<string, string>
            {
                ["Sip:Tls"] = "127.0.0.1:0",
                ["Sip:TlsCertificate"] = certificateFile,
            });
            Assert.That(server.Sip.UserAgent.Endpoint.ConnectionCount, Is.Zero);
            using var baresip = Baresip.Dial($"sip:12345@127.0.0.1:{server.TlsPort};transport=tls", 500, sipPort: 25960, consPort: 25963, rtpBase: 26960,
                quitAfterSeconds: 40, user: "15500000004", mediaEncryption: "srtp-mand", trustedCaFile: authorityFile);
            Assert.That(await baresip.WaitForAsync("Call established", TimeSpan.FromSeconds(15)), Is.True, baresip.Output);
            var call = server.Calls.LiveCalls().Single();
            Assert.That(server.Sip.UserAgent.Endpoint.ConnectionCount, Is.EqualTo(1), "the call came over the one TLS connection (no TCP listener here)");

            await Task.Delay(TimeSpan.FromSeconds(4), ct); // the greeting is about 2.3 s
            var media = server.Calls.CallerMedia(call.CallId)!.Statistics;
            Assert.That(media.Secure, Is.True, "the caller leg runs SRTP");
            Assert.That(media.PacketsReceived, Is.GreaterThan(100), "baresip's SRTP authenticated and counted");

            await baresip.CommandAsync("/hangup");
            Assert.That(await baresip.WaitForAsync("terminated", TimeSpan.FromSeconds(10)), Is.True, baresip.Output);
            await Task.Delay(300, ct); // sndfile closes its files as the call's audio stream goes away
            GreetingHeard.AssertIn(baresip);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>
    /// A seat's phone over TLS (issue 15 item 9): baresip registers seat 1049 over TLS (digest, MD5 for Debian 12's
    /// baresip 1.0), a citizen's baresip dials 12345 over UDP and presses 9 for the English queue, and the ACD rings the
    /// seat back over the connection the phone registered on (it has no certificate to accept one of ours), offering
    /// SRTP (SDES) as on every TLS leg; the seat's phone takes only SRTP. Each side hears the other's tone, and the
    /// citizen's hang-up reaches the seat as our BYE over that same connection. Ports: seat baresip SIP 25970 (+1 TLS), cons 25973, RTP 26970-26989; citizen SIP 25980,
    /// cons 25983, RTP 26990-26999.
    /// </summary>
    [Test]
    [CancelAfter(90_000)]
    public async Task A_seat_phone_registered_over_tls_is_rung_over_that_connection_and_both_sides_hear(CancellationToken ct)
    {
        const double CitizenHz = 500, AgentHz = 1300;
        var folder = Directory.CreateTempSubdirectory("telephony-tls-seat-").FullName;
        try
        {
            var (certificateFile, authorityFile) = WriteCertificates(folder);
            var agentMic = Path.Combine(folder, "agent-mic.wav");
            Wav.WriteTone(agentMic, AgentHz, 60);

            await using var server = new SoftphoneServer(settings: new Dictionary<string, string>
            {
                ["Sip:Tls"] = "127.0.0.1:0",
                ["Sip:TlsCertificate"] = certificateFile,
                ["Sip:DigestAlgorithms"] = "MD5",
            });
            using var seatPhone = Baresip.StartTrusting(authorityFile, 25970, 25973, 26970,
                $"<sip:1049@127.0.0.1:{server.TlsPort};transport=tls>;auth_pass=sip-1049;regint=300;answermode=auto;audio_codecs=PCMA,PCMU;mediaenc=srtp-mand", 60, agentMic);
            Assert.That(await seatPhone.WaitForAsync("200 OK", TimeSpan.FromSeconds(15)), Is.True, seatPhone.Output);
            Assert.That(seatPhone.Output, Does.Contain("/TLS/"), "registered over TLS: " + seatPhone.Output);
            Assert.That((await server.Acd.LoginAsync("1049", "1049")).Succeeded, Is.True);
            Assert.That((await server.Acd.SetReadyAsync("1049", "1049")).Succeeded, Is.True);

            using var citizen = Baresip.Dial($"sip:12345@127.0.0.1:{server.SipPort}", CitizenHz, sipPort: 25980, consPort: 25983, rtpBase: 26990,
                quitAfterSeconds: 50, user: "15500000011", toneAmplitude: 8000);
            Assert.That(await citizen.WaitForAsync("Call established", TimeSpan.FromSeconds(15)), Is.True, citizen.Output);
            await Task.Delay(500, ct);
            await citizen.CommandAsync("/sndcode 9");
            Assert.That(await seatPhone.WaitForAsync("Call established", TimeSpan.FromSeconds(30)), Is.True, "the seat's phone answered over TLS: " + seatPhone.Output);
            Assert.That(server.Sip.UserAgent.Endpoint.ConnectionCount, Is.EqualTo(1), "the INVITE to the seat went over the phone's own TLS connection");

            await Task.Delay(TimeSpan.FromSeconds(4), ct);
            await citizen.CommandAsync("/hangup");
            Assert.That(await seatPhone.WaitForAsync("terminated", TimeSpan.FromSeconds(15)), Is.True, "the seat's call ended: " + seatPhone.Output);
            await Task.Delay(300, ct); // sndfile closes its files as the call's audio stream goes away

            var heardBySeat = ToneCheck.Audible(seatPhone.Heard());
            Assert.That(heardBySeat, Has.Length.GreaterThan(4000), "the seat heard the citizen");
            Assert.That(ToneCheck.DominantFrequency(heardBySeat), Is.EqualTo(CitizenHz).Within(20));
            var heardByCitizen = citizen.Heard();
            var end = ToneCheck.Audible(heardByCitizen[Math.Max(0, heardByCitizen.Length - 20000)..Math.Max(0, heardByCitizen.Length - 4000)]);
            Assert.That(end, Has.Length.GreaterThan(4000), "the citizen heard the agent");
            Assert.That(ToneCheck.DominantFrequency(end), Is.EqualTo(AgentHz).Within(25));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>A test CA (its PEM is what baresip trusts) and our server's certificate for 127.0.0.1 from it, in <paramref name="folder"/>.</summary>
    private static (string CertificateFile, string AuthorityFile) WriteCertificates(string folder)
    {
        using var authority = TestCertificates.CreateAuthority("Telephony interop CA");
        using var certificate = TestCertificates.IssueServer(authority, [System.Net.IPAddress.Loopback], "sip.telephony.test");
        var certificateFile = Path.Combine(folder, "server.pem");
        var authorityFile = Path.Combine(folder, "ca.pem");
        TestCertificates.WritePem(certificate, certificateFile);
        TestCertificates.WritePem(authority, authorityFile, withKey: false);
        return (certificateFile, authorityFile);
    }
}
