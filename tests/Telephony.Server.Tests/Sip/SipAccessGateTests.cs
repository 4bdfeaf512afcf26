using Microsoft.Extensions.Logging.Abstractions;
using Telephony.Sip.Auth;

namespace Telephony.Server.Tests.Sip;

public sealed class SipAccessGateTests
{
    private static readonly IPAddress Source = IPAddress.Parse("127.0.0.9");
    private FakeTimeProvider _time = null!;
    private SipAccessGate _gate = null!;
    private DigestAuthenticator _auth = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider();
        _auth = new DigestAuthenticator("telephony.local", new SeatDirectory(new Dictionary<string, string> { ["1001"] = "pw-1001" }), null, _time);
        _gate = new SipAccessGate(_auth, new AuthFailureLimiter(3, time: _time), new TrunkPolicy(new TrunkOptions { AllowedSources = "127.0.0.0/8" }, ["12345"]), NullLogger.Instance);
    }

    [Test]
    public void Unauthenticated_register_and_invite_for_seat_and_stranger_get_the_same_challenge()
    {
        var a = _gate.Check("REGISTER", "1001", Source, [], []);
        var b = _gate.Check("REGISTER", "9999", Source, [], []);
        Assert.That((a.Action, a.UseWwwAuthenticate, a.Challenges.Count), Is.EqualTo((b.Action, b.UseWwwAuthenticate, b.Challenges.Count)));
        Assert.That(a.Action, Is.EqualTo(GateAction.Challenge));
        var c = _gate.Check("INVITE", "1001", Source, [], []);
        var d = _gate.Check("INVITE", "9999", Source, [], []);
        Assert.That((c.Action, c.UseWwwAuthenticate), Is.EqualTo((GateAction.Challenge, false)));
        Assert.That((d.Action, d.UseWwwAuthenticate), Is.EqualTo((GateAction.Challenge, false)));
    }

    [Test]
    public void Public_numbers_from_a_trunk_and_options_pass_without_credentials()
    {
        Assert.That(_gate.Check("INVITE", "12345", Source, [], []).Action, Is.EqualTo(GateAction.ServiceCall));
        Assert.That(_gate.Check("OPTIONS", "1001", Source, [], []).Action, Is.EqualTo(GateAction.Proceed));
        Assert.That(_gate.Check("REGISTER", "12345", Source, [], []).Action, Is.EqualTo(GateAction.Challenge));
    }

    [Test]
    public void A_service_number_from_outside_the_trunk_allow_list_is_refused_in_the_same_decision()
    {
        var stranger = IPAddress.Parse("198.51.100.7");
        Assert.That(_gate.Check("INVITE", "12345", stranger, [], []).Action, Is.EqualTo(GateAction.NotATrunk));
        Assert.That(_gate.Check("INVITE", "1001", stranger, [], []).Action, Is.EqualTo(GateAction.Challenge), "seats keep their digest rules");
    }

    [Test]
    public void Seat_credentials_proceed_and_repeated_failures_ban_the_source()
    {
        var challenge = _gate.Check("INVITE", "1002", Source, [], []).Challenges[0];
        var good = new DigestClient("1001", "pw-1001").Answer(challenge, "INVITE", "sip:1002@telephony.local").ToString();
        var ok = _gate.Check("INVITE", "1002", Source, [], [good]);
        Assert.That((ok.Action, ok.Username), Is.EqualTo((GateAction.Proceed, (string?)"1001")));

        for (int i = 0; i < 2; i++)
        {
            var bad = new DigestClient("1001", $"guess{i}").Answer(challenge, "REGISTER", "sip:telephony.local").ToString();
            Assert.That(_gate.Check("REGISTER", "1001", Source, [bad], []).Action, Is.EqualTo(GateAction.Challenge));
        }
        var third = new DigestClient("1001", "guess3").Answer(challenge, "REGISTER", "sip:telephony.local").ToString();
        Assert.That(_gate.Check("REGISTER", "1001", Source, [third], []).Action, Is.EqualTo(GateAction.Banned));
        Assert.That(_gate.Check("OPTIONS", null, Source, [], []).Action, Is.EqualTo(GateAction.Banned));
        Assert.That(_gate.Check("OPTIONS", null, IPAddress.Loopback, [], []).Action, Is.EqualTo(GateAction.Proceed));
    }
}
