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
            using var authority = TestCertificates.CreateAuthority("Telephony interop CA");
            using var certificate = TestCertificates.IssueServer(authority, [System.Net.IPAddress.Loopback], "sip.telephony.test");
            var certificateFile = Path.Combine(folder, "server.pem");
            var authorityFile = Path.Combine(folder, "ca.pem");
            TestCertificates.WritePem(certificate, certificateFile);
            TestCertificates.WritePem(authority, authorityFile, withKey: false);

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
}
