using Telephony.Tests.Shared;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Telephony.Calls.Tests;

/// <summary>
/// SRTP on the caller's leg (issue 10, finding 1): a citizen whose phone offers RTP/SAVP (SDES) gets
/// SRTP on its leg while the agent's leg stays plain RTP; the bridge and the recording see plain audio.
/// An SRTP offer we cannot honour is refused with 488 and a Warning saying why.
/// </summary>
[NonParallelizable]
public sealed class SrtpCallTests
{
    private const double CallerHz = 500;
    private const double AgentHz = 1200;

    [Test]
    [CancelAfter(60_000)]
    public async Task A_citizen_offering_SAVP_gets_SRTP_on_its_leg_and_talks_to_a_plain_RTP_agent()
    {
        await using var server = await CallsFixture.StartAsync();
        var agent = await server.AgentAsync("1049", AgentHz);
        agent.AutoAnswer();
        var citizen = await server.CitizenAsync(CallerHz, "+861501", offerSrtp: true);
        var call = await server.DialEnglishAsync(citizen);
        var agentCall = await agent.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        await agentCall.NextAsync<CallEstablished>();
        Assert.That(await server.WaitPhaseAsync(call.CallId, CallPhase.Connected, 5), Is.EqualTo(CallPhase.Connected));
        Assert.That((citizen.Leg!.IsSecure, agent.Leg!.IsSecure), Is.EqualTo((true, false)), "SRTP where offered, plain RTP on the agent's leg");

        await Task.Delay(300);
        Assert.That(ToneCheck.Dominates(await citizen.ListenAsync(1200), AgentHz, CallerHz), Is.True, "the citizen decrypts the agent's relayed audio");
        Assert.That(ToneCheck.Dominates(await agent.ListenAsync(1200), CallerHz, AgentHz), Is.True, "the agent hears the citizen's audio, decrypted by the B2BUA");
        var caller = server.Calls.CallerMedia(call.CallId)!.Statistics;
        Assert.That((caller.Secure, caller.UnauthenticatedPackets), Is.EqualTo((true, 0L)));
        Assert.That(caller.PacketsReceived, Is.GreaterThan(50));
        Assert.That(citizen.Leg.GetStatistics().UnauthenticatedPackets, Is.Zero, "everything the B2BUA sent the citizen was SRTP");

        await call.HangupAsync();
        var record = await server.RecordAsync(call.CallId);
        var (left, right) = Wav.ReadStereo(record.RecordingPath!);
        Assert.That(ToneCheck.Dominates(left, CallerHz, AgentHz), Is.True, "the recording holds the caller's audio in plain");
        Assert.That(ToneCheck.Dominates(right, AgentHz, CallerHz), Is.True);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_seat_phone_reached_over_TLS_is_offered_SRTP_and_a_plain_citizen_hears_it()
    {
        // RFC 4568 §8.3: SDES keys only over a secure signalling hop. The seat registered a ;transport=tls contact, so
        // the B2BUA's INVITE to it goes over TLS and offers RTP/SAVP; the citizen's leg (plain UDP) stays plain RTP.
        using var authority = TestCertificates.CreateAuthority("Calls test CA");
        using var phoneCertificate = TestCertificates.IssueServer(authority, [IPAddress.Loopback]);
        await using var server = await CallsFixture.StartAsync(tls: new Telephony.Sip.Transport.SipTlsOptions { TrustedRoots = [authority] });
        var agent = await server.AgentAsync("1049", AgentHz, new Telephony.Sip.Transport.SipTlsOptions { Certificate = phoneCertificate });
        agent.AutoAnswer();
        var citizen = await server.CitizenAsync(CallerHz, "+861503");
        var call = await server.DialEnglishAsync(citizen);
        var agentCall = await agent.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        await agentCall.NextAsync<CallEstablished>();
        Assert.That(await server.WaitPhaseAsync(call.CallId, CallPhase.Connected, 5), Is.EqualTo(CallPhase.Connected));
        Assert.That(Encoding.ASCII.GetString(agentCall.Invite.Body.Span), Does.Contain("RTP/SAVP").And.Contain("a=crypto:"), "the offer over TLS carries SDES keys");
        Assert.That((citizen.Leg!.IsSecure, agent.Leg!.IsSecure), Is.EqualTo((false, true)), "SRTP on the TLS-signalled seat leg only");

        await Task.Delay(300);
        Assert.That(ToneCheck.Dominates(await agent.ListenAsync(1200), CallerHz, AgentHz), Is.True, "the seat hears the citizen through SRTP");
        Assert.That(ToneCheck.Dominates(await citizen.ListenAsync(1200), AgentHz, CallerHz), Is.True, "the citizen hears the seat, decrypted by the B2BUA");
        Assert.That(agent.Leg.GetStatistics().UnauthenticatedPackets, Is.Zero);
        await call.HangupAsync();
    }

    [TestCase("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz|2^31|1:4", "MKI")]
    [TestCase("a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVzWVNfX19zZW1jdGwgKCkgewkyMjA7", "AES_256_CM_HMAC_SHA1_80")]
    [TestCase("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\"evil\\", "not base64")]
    [CancelAfter(30_000)]
    public async Task An_SRTP_offer_we_cannot_honour_gets_488_with_a_warning(string crypto, string why)
    {
        await using var server = await CallsFixture.StartAsync();
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        int port = ((IPEndPoint)socket.LocalEndPoint!).Port;
        string body = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/SAVP 8\r\n" + crypto + "\r\n";
        string branch = "z9hG4bK" + Guid.NewGuid().ToString("N")[..12], callId = Guid.NewGuid().ToString("N");
        string head = $"sip:12345@127.0.0.1:{server.SipPort} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{port};branch={branch}\r\nMax-Forwards: 70\r\n"
            + $"From: <sip:+861502@127.0.0.1>;tag=srtp1\r\nTo: <sip:12345@127.0.0.1>\r\nCall-ID: {callId}\r\n";
        string invite = "INVITE " + head + $"CSeq: 1 INVITE\r\nContact: <sip:+861502@127.0.0.1:{port}>\r\nContent-Type: application/sdp\r\nContent-Length: {Encoding.UTF8.GetByteCount(body)}\r\n\r\n" + body;
        await socket.SendToAsync(Encoding.UTF8.GetBytes(invite), new IPEndPoint(IPAddress.Loopback, server.SipPort));

        string? final = null;
        var buffer = new byte[8192];
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (final is null)
        {
            int n = await socket.ReceiveAsync(buffer, cts.Token);
            string response = Encoding.UTF8.GetString(buffer, 0, n);
            if (!response.StartsWith("SIP/2.0 1", StringComparison.Ordinal))
            {
                final = response;
            }
        }
        string toTag = final.Split("\r\n").First(l => l.StartsWith("To:", StringComparison.OrdinalIgnoreCase));
        await socket.SendToAsync(Encoding.UTF8.GetBytes("ACK " + head.Replace("To: <sip:12345@127.0.0.1>\r\n", toTag + "\r\n", StringComparison.Ordinal)
            + "CSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n"), new IPEndPoint(IPAddress.Loopback, server.SipPort));

        Assert.That(final, Does.StartWith("SIP/2.0 488 "));
        string warning = final.Split("\r\n").Single(l => l.StartsWith("Warning:", StringComparison.OrdinalIgnoreCase));
        Assert.That(warning, Does.StartWith("Warning: 305 telephony \"").And.Contain("a=crypto").And.Contain(why));
        Assert.That(warning.Count(c => c == '"') - warning.Count(c => c == '\\'), Is.EqualTo(2), "hostile quotes stay inside one quoted string");
        Assert.That(server.Calls.ActiveCalls, Is.Zero);
    }
}
