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
        var seatHost = IPAddress.Parse("198.51.100.20"); // not on the trunk allow-list: bannable
        var challenge = _gate.Check("INVITE", "1002", seatHost, [], []).Challenges[0];
        var good = new DigestClient("1001", "pw-1001").Answer(challenge, "INVITE", "sip:1002@telephony.local").ToString();
        var ok = _gate.Check("INVITE", "1002", seatHost, [], [good]);
        Assert.That((ok.Action, ok.Username), Is.EqualTo((GateAction.Proceed, (string?)"1001")));

        for (int i = 0; i < 2; i++)
        {
            Assert.That(_gate.Check("REGISTER", "1001", seatHost, [WrongPassword(challenge, i)], []).Action, Is.EqualTo(GateAction.Challenge));
        }
        Assert.That(_gate.Check("REGISTER", "1001", seatHost, [WrongPassword(challenge, 3)], []).Action, Is.EqualTo(GateAction.Banned));
        Assert.That(_gate.Check("OPTIONS", null, seatHost, [], []).Action, Is.EqualTo(GateAction.Banned));
        Assert.That(_gate.Check("OPTIONS", null, IPAddress.Loopback, [], []).Action, Is.EqualTo(GateAction.Proceed));
    }

    [Test]
    public void Forged_failures_from_a_trunk_address_never_ban_the_carrier()
    {
        // Issue 10, finding 3: five wrong-password REGISTERs with the carrier's source address banned it for 300 s.
        var challenge = _gate.Check("REGISTER", "1001", Source, [], []).Challenges[0];
        for (int i = 0; i < 20; i++)
        {
            Assert.That(_gate.Check("REGISTER", "1001", Source, [WrongPassword(challenge, i)], []).Action, Is.EqualTo(GateAction.Challenge));
        }
        Assert.That(_gate.Check("INVITE", "12345", Source, [], []).Action, Is.EqualTo(GateAction.ServiceCall), "citizens' calls still pass");
    }

    [Test]
    public void Refusals_are_logged_within_the_per_source_budget()
    {
        var logger = new CountingLogger();
        int budget = 3;
        var gate = new SipAccessGate(_auth, new AuthFailureLimiter(1000, time: _time), new TrunkPolicy(new TrunkOptions { AllowedSources = "127.0.0.0/8" }, ["12345"]), logger,
            _ => budget-- > 0);
        var challenge = gate.Check("REGISTER", "1001", Source, [], []).Challenges[0];
        for (int i = 0; i < 100; i++)
        {
            gate.Check("REGISTER", "1001", Source, [WrongPassword(challenge, i)], []);
            gate.Check("INVITE", "12345", IPAddress.Parse("198.51.100.7"), [], []);
        }
        Assert.That(logger.Lines, Is.EqualTo(3));
    }

    private sealed class CountingLogger : Microsoft.Extensions.Logging.ILogger
    {
        public int Lines { get; private set; }

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines++;
    }

    private static string WrongPassword(DigestChallenge challenge, int guess) =>
        new DigestClient("1001", $"guess{guess}").Answer(challenge, "REGISTER", "sip:telephony.local").ToString();
}
