using static Telephony.Testing.Audio.ThreePartyTones;
namespace Telephony.Server.Tests.Calls;

/// <summary>
/// A three-party call with a partner hotline: the connected agent brings legal aid (12348, a number
/// the 12345 script names) in through the outbound trunk (a test phone plays the partner), all three
/// hear each other, and the agent drops the partner again. Citizen 500 Hz, agent 1200 Hz, partner 1700 Hz.
/// </summary>
[NonParallelizable]
public sealed class ConferenceTests
{

    /// <summary>The server with its outbound trunk pointing at the partner's phone (legal aid, 12348), and agent 1049 Ready.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private readonly Telephony.Media.MediaEngine _partnerMedia;

        private Rig(Telephony.Media.MediaEngine partnerMedia, TestPhone partner, CallServerFixture server)
        {
            _partnerMedia = partnerMedia;
            Partner = partner;
            Server = server;
        }

        public TestPhone Partner { get; }
        public CallServerFixture Server { get; }
        public AgentDesk Desk { get; private set; } = null!;
        public TestPhone Agent { get; private set; } = null!;

        public static async Task<Rig> StartAsync()
        {
            var clock = PhoneMedia.Start(16400, 16599);
            var partner = await TestPhone.StartAsync("sip:12348@127.0.0.1", PartnerHz, clock);
            var port = partner.Ua.Endpoint.LocalEndPoints.First().EndPoint.Port;
            var rig = new Rig(clock, partner, new CallServerFixture(useRedis: false, trunkOutbound: $"sip:{{number}}@127.0.0.1:{port}"));
            partner.AutoAnswer();
            (rig.Desk, rig.Agent) = await rig.Server.AgentAsync("1049", AgentHz);
            rig.Agent.AutoAnswer();
            return rig;
        }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            await Partner.DisposeAsync();
            await _partnerMedia.DisposeAsync();
        }
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task The_agent_brings_legal_aid_in_everybody_hears_everybody_then_the_agent_drops_it()
    {
        await using var rig = await Rig.StartAsync();
        var (server, partner, desk, agent) = (rig.Server, rig.Partner, rig.Desk, rig.Agent);
        await using var stranger = await AgentDesk.LoginAsync(server.Factory, "1050");
        var (citizen, call, _) = await server.ConnectEnglishCallAsync(agent, CallerHz, "+861701");

        // Refusals, each with a clear message: not the agent's call, a number the script does not name
        // (toll-fraud guard), not a number at all, nothing to drop.
        var foreign = Assert.ThrowsAsync<HubException>(() => stranger.Connection.InvokeAsync("AddPartner", call.CallId, "12348"));
        Assert.That(foreign!.Message, Does.Contain("No call of yours"));
        var premium = Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync("AddPartner", call.CallId, "16800000000"));
        Assert.That(premium!.Message, Does.Contain("not in the directory"));
        Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync("AddPartner", call.CallId, "12348;x"));
        var nothing = Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync("DropPartner", call.CallId));
        Assert.That(nothing!.Message, Does.Contain("No partner"));

        await desk.Connection.InvokeAsync("AddPartner", call.CallId, "12348");
        var partnerCall = await partner.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(((Telephony.Sip.Messages.SipUri)partnerCall.Invite.RequestUri).User, Is.EqualTo("12348"), "dialled through the trunk");
        await partnerCall.NextAsync<CallEstablished>();
        await Task.Delay(500);

        await Tones.ExpectAsync(citizen, "the citizen (conference)", AgentHz, PartnerHz);
        await Tones.ExpectAsync(agent, "the agent (conference)", CallerHz, PartnerHz);
        await Tones.ExpectAsync(partner, "the partner (conference)", CallerHz, AgentHz);
        var live = server.Calls.LiveCalls().Single(c => c.CallId == call.CallId);
        Assert.That((live.Partner, live.Supervision), Is.EqualTo(("12348", (string?)null)));
        Assert.That((await server.Calls.AskAsync(call.CallId, new Supervise("1051", SupervisionMode.Monitor))).Status,
            Is.EqualTo(CommandStatus.Conflict), "one third party at a time");
        var second = Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync("AddPartner", call.CallId, "12348"));
        Assert.That(second!.Message, Does.Contain("already on that call"));

        await desk.Connection.InvokeAsync("DropPartner", call.CallId);
        await partnerCall.NextAsync<Telephony.Sip.UserAgent.CallEnded>();
        await Task.Delay(300);
        await Tones.ExpectAsync(citizen, "the citizen (after)", AgentHz);
        await Tones.ExpectAsync(agent, "the agent (after)", CallerHz);
        Assert.That(server.Calls.LiveCalls().Single(c => c.CallId == call.CallId).Partner, Is.Null);

        await call.HangupAsync();
        Assert.That((await server.RecordAsync(call.CallId)).Outcome, Is.EqualTo("answered"));
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task The_agent_hands_the_citizen_over_to_the_partner_and_leaves()
    {
        await using var rig = await Rig.StartAsync();
        var (server, partner, desk, agent) = (rig.Server, rig.Partner, rig.Desk, rig.Agent);
        var (citizen, call, agentCall) = await server.ConnectEnglishCallAsync(agent, CallerHz, "+861702");

        var early = Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync("HandOverToPartner", call.CallId));
        Assert.That(early!.Message, Does.Contain("No partner"), "nothing to hand over to yet");
        await desk.Connection.InvokeAsync("AddPartner", call.CallId, "12348");
        var partnerCall = await partner.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await partnerCall.NextAsync<CallEstablished>();
        await Task.Delay(500);
        await Tones.ExpectAsync(citizen, "the citizen (conference)", AgentHz, PartnerHz);

        await desk.Connection.InvokeAsync("HandOverToPartner", call.CallId);
        await agentCall.NextAsync<Telephony.Sip.UserAgent.CallEnded>();
        await Task.Delay(300);
        await Tones.ExpectAsync(citizen, "the citizen (handed over)", PartnerHz);
        await Tones.ExpectAsync(partner, "the partner (handed over)", CallerHz);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await server.Seats.GetSeatAsync("1049"))!.State != Telephony.ContactCenter.Seats.SeatState.Ready && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.That((await server.Seats.GetSeatAsync("1049"))!.State, Is.EqualTo(Telephony.ContactCenter.Seats.SeatState.Ready),
            "the seat is free again (after wrap-up) while the citizen still talks to the partner");
        Assert.That(server.Calls.PhaseOf(call.CallId), Is.EqualTo(CallPhase.Connected));

        await call.HangupAsync();
        await partnerCall.NextAsync<Telephony.Sip.UserAgent.CallEnded>();
        var record = await server.RecordAsync(call.CallId);
        Assert.That((record.Outcome, record.AgentId), Is.EqualTo(("transferred", "1049")));
        // The recording follows the hand-over: the partner is in the agent channel at the end.
        var (_, right) = Wav.ReadStereo(record.RecordingPath!);
        var lastSecond = right[Math.Max(0, right.Length - 12000)..Math.Max(0, right.Length - 4000)];
        Assert.That(Tones.Hears(lastSecond, PartnerHz) && !Tones.Hears(lastSecond, AgentHz), Is.True,
            $"the partner, not the agent, at the end of the agent channel ({Tones.Describe(lastSecond)})");
    }
}
