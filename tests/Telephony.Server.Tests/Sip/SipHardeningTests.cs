using Telephony.Sip.Messages;
using Telephony.Sip.Transport;
using Telephony.Sip.UserAgent;

namespace Telephony.Server.Tests.Sip;

/// <summary>Issue 10 (hardening), the SIP host's part: the trunk is never banned, challenges keep no state, settings reach the UA.</summary>
[CancelAfter(30_000)]
public sealed class SipHardeningTests
{
    [Test]
    public async Task Wrong_password_registers_from_the_trunk_address_never_ban_the_carrier()
    {
        // Finding 3: five forged REGISTERs with the carrier's source address banned it for 300 s. Loopback is the trunk here.
        await using var server = new SipServerFixture(maxFailures: 3);
        await using var forger = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions
        {
            LocalUri = "sip:1001@test.local", Username = "1001", Password = "wrong",
        });
        var registrar = server.Uri("x").Replace("x@", "", StringComparison.Ordinal);
        for (int i = 0; i < 6; i++)
        {
            Assert.That((await forger.RegisterAsync(registrar, 600)).StatusCode, Is.EqualTo(401), $"attempt {i + 1}");
        }
        using var raw = new RawUdp();
        var options = await raw.RequestAsync(raw.Request("OPTIONS", "anyone", server.Port(SipTransportProtocol.Udp), "after-forgery"), server.Port(SipTransportProtocol.Udp));
        Assert.That(options.StatusCode, Is.EqualTo(200), "the trunk's address is still served");
    }

    [Test]
    public async Task The_407_to_an_unauthenticated_invite_is_sent_once()
    {
        // Finding 8: the 407 went out 11 times (Timer G) to a source that may be forged; now it is answered statelessly.
        await using var server = new SipServerFixture();
        using var raw = new RawUdp();
        int port = server.Port(SipTransportProtocol.Udp);
        var challenge = await raw.RequestAsync(raw.Request("INVITE", "1002", port, "no-auth-invite"), port);
        Assert.That(challenge.StatusCode, Is.EqualTo(407));
        var more = await raw.DrainAsync(TimeSpan.FromMilliseconds(1800)); // T1 = 500 ms: a stateful 407 repeats at 0.5 s and 1.5 s
        Assert.That(more.OfType<SipResponse>().Count(r => r.StatusCode == 407), Is.Zero, "no retransmission");
    }

    [Test]
    public async Task Sip_settings_reach_the_user_agent()
    {
        await using var server = new SipServerFixture(settings: new Dictionary<string, string> { ["Sip:MaxCalls"] = "30", ["Sip:Product"] = "" });
        var ua = server.Host.UserAgent;
        Assert.That((ua.Options.MaxCalls, ua.Options.Product, ua.Options.AcceptTransfers), Is.EqualTo((30, "", true)));
        using var raw = new RawUdp();
        int port = server.Port(SipTransportProtocol.Udp);
        var ok = await raw.RequestAsync(raw.Request("OPTIONS", "anyone", port, "no-product"), port);
        Assert.That(ok.HasHeader(SipHeaderNames.Server), Is.False, "an empty Sip:Product sends no Server header");
    }
}
