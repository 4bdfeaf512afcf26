using Telephony.Calls.Commands;
using Telephony.ContactCenter.Events;
using Telephony.Testing.Audio;

namespace Telephony.Calls.Tests;

/// <summary>
/// Transfers between agents and to numbers, and three-party calls with 110, over real SIP and RTP: the citizen
/// (500 Hz) is connected to agent 1049 (1200 Hz); the colleague 1050 or the partner 110 (through the outbound
/// trunk, a test phone answering as 110) plays 1700 Hz; each phone's ears are checked by tone.
/// </summary>
[NonParallelizable]
public sealed class AgentTransferTests
{
    private const double CallerHz = ThreePartyTones.CallerHz;
    private const double AgentHz = ThreePartyTones.AgentHz;
    private const double OtherHz = ThreePartyTones.SupervisorHz; // the colleague, or 110
    private static ThreePartyHearing Tones => ThreePartyTones.Tones;

    private static readonly Dictionary<string, string> Draft = new() { ["description"] = "Street light out on Elm Road", ["category"] = "Report" };

    [Test]
    [CancelAfter(90_000)]
    public async Task A_blind_transfer_to_a_colleague_carries_the_draft_and_the_citizen_talks_to_them()
    {
        await using var server = await CallsFixture.StartAsync();
        var (_, citizen, call, firstCall, colleague) = await TwoAgentsAsync(server, "+861801");

        var refused = await server.Calls.AskAsync(call.CallId, new BlindTransfer("1050", new TransferTarget(TransferTargetKind.Agent, "1051")));
        Assert.That(refused.Status, Is.EqualTo(CommandStatus.NotYourCall), "only the connected agent transfers");
        var nobody = await server.Calls.AskAsync(call.CallId, new BlindTransfer("1049", new TransferTarget(TransferTargetKind.Agent, "1051")));
        Assert.That((nobody.Status, nobody.Detail), Is.EqualTo((CommandStatus.NotAllowed, "Agent Agent 1051 is not logged in.")));

        var done = await server.Calls.AskAsync(call.CallId, new BlindTransfer("1049", new TransferTarget(TransferTargetKind.Agent, "1050"), Draft));
        Assert.That(done.Status, Is.EqualTo(CommandStatus.Done), done.Detail);
        await firstCall.NextAsync<CallEnded>();
        var pop = await server.Pops.For("1050").ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That((pop.CallId, pop.TransferredFrom, pop.CaseDraft?["description"]), Is.EqualTo((call.CallId, "1049", "Street light out on Elm Road")));
        var colleagueCall = await colleague.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        await colleagueCall.NextAsync<CallEstablished>();
        Assert.That(await server.WaitPhaseAsync(call.CallId, CallPhase.Connected, 5), Is.EqualTo(CallPhase.Connected));
        await Task.Delay(300);
        await Tones.ExpectAsync(citizen, "the citizen (transferred)", OtherHz);
        await Tones.ExpectAsync(colleague, "the colleague", CallerHz);
        var history = await server.Seats.GetHistoryAsync("1049");
        Assert.That(history.Any(t => t.To == SeatState.WrapUp && t.CallId == call.CallId), Is.True, "the first seat went to wrap-up");

        await call.HangupAsync();
        var record = await server.RecordAsync(call.CallId);
        Assert.That((record.Outcome, record.AgentId), Is.EqualTo(("answered", "1050")));
        Assert.That(record.Parties, Does.Contain("agent 1049 transferred to agent 1050"));
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task An_attended_transfer_holds_the_citizen_while_the_agents_talk_then_completes()
    {
        await using var server = await CallsFixture.StartAsync();
        var (first, citizen, call, firstCall, colleague) = await TwoAgentsAsync(server, "+861802");

        var consult = await server.Calls.AskAsync(call.CallId, new ConsultTransfer("1049", new TransferTarget(TransferTargetKind.Agent, "1050"), Draft));
        Assert.That(consult.Status, Is.EqualTo(CommandStatus.Started), consult.Detail);
        var pop = await server.Pops.For("1050").ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(pop.TransferredFrom, Is.EqualTo("1049"));
        var colleagueCall = await colleague.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        await colleagueCall.NextAsync<CallEstablished>();
        await Task.Delay(500);
        await Tones.ExpectAsync(first, "the agent (consulting)", OtherHz);
        await Tones.ExpectAsync(colleague, "the colleague (consulted)", AgentHz);
        Assert.That(ToneCheck.Power(await citizen.ListenAsync(), AgentHz) < ToneCheck.Power(await first.ListenAsync(), OtherHz) / 100, Is.True,
            "the citizen on hold does not hear the agents");

        var done = await server.Calls.AskAsync(call.CallId, new CompleteTransfer("1049"));
        Assert.That(done.Status, Is.EqualTo(CommandStatus.Done), done.Detail);
        await firstCall.NextAsync<CallEnded>();
        await Task.Delay(300);
        await Tones.ExpectAsync(citizen, "the citizen (transferred)", OtherHz);
        await Tones.ExpectAsync(colleague, "the colleague (transferred)", CallerHz);
        Assert.That((await server.Seats.GetHistoryAsync("1049")).Any(t => t.To == SeatState.WrapUp && t.CallId == call.CallId), Is.True, "wrap-up for the first seat");
        Assert.That((await server.Calls.AskAsync(call.CallId, new HoldCall("1050", true))).Status, Is.EqualTo(CommandStatus.Done), "the call is the colleague's now");

        Assert.That((await server.Seats.GetSeatAsync("1050"))!.State, Is.EqualTo(SeatState.NotReady), "no other call is offered to the colleague meanwhile");

        await call.HangupAsync();
        var record = await server.RecordAsync(call.CallId);
        Assert.That((record.Outcome, record.AgentId), Is.EqualTo(("answered", "1050")));
        Assert.That(record.Parties, Does.Contain("agent 1049 transferred (attended) to seat 1050"));
        // The consulted colleague does not stay Not ready "transfer consultation": after the wrap-up time they are Ready.
        Assert.That(await server.WaitSeatAsync("1050", SeatState.Ready), Has.Property("State").EqualTo(SeatState.Ready));
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task The_agents_phone_transfers_to_a_queue_with_refer_and_the_notify_says_200()
    {
        await using var server = await CallsFixture.StartAsync(trunkOutbound: "sip:{number}@127.0.0.1:9"); // a trunk, never reached
        var first = await server.AgentAsync("1049", AgentHz);
        first.AutoAnswer();
        var (citizen, call, firstCall) = await server.ConnectEnglishCallAsync(first, CallerHz, "+861803");

        // A REFER to an outside URI not in the dial plan: 403 with the reason, nothing dialled, the call goes on.
        var outside = await firstCall.ReferAsync("sip:0085212345678@evil.example");
        Assert.That(outside.StatusCode, Is.EqualTo(403));
        Assert.That(outside.ReasonPhrase, Does.Contain("not in the directory"));
        Assert.That(server.Calls.PhaseOf(call.CallId), Is.EqualTo(CallPhase.Connected));
        // The citizen's own phone may not transfer our call.
        Assert.That((await call.ReferAsync($"sip:1050@127.0.0.1")).StatusCode, Is.EqualTo(403));

        var colleague = await server.AgentAsync("1050", OtherHz);
        colleague.AutoAnswer();
        var accepted = await firstCall.ReferAsync("sip:english@127.0.0.1");
        Assert.That(accepted.StatusCode, Is.EqualTo(202));
        var trying = await firstCall.NextAsync<TransferProgress>();
        var final = trying.Final ? trying : await firstCall.NextAsync<TransferProgress>();
        Assert.That((trying.StatusCode, final.StatusCode, final.Final), Is.EqualTo((100, 200, true)));
        await firstCall.NextAsync<CallEnded>();
        var pop = await server.Pops.For("1050").ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(pop.TransferredFrom, Is.EqualTo("1049"));
        var colleagueCall = await colleague.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        await colleagueCall.NextAsync<CallEstablished>();
        await Task.Delay(300);
        await Tones.ExpectAsync(citizen, "the citizen (via the queue)", OtherHz);
        await call.HangupAsync();
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task An_attended_transfer_on_the_agents_phone_replaces_its_consultation_with_the_citizen()
    {
        await using var server = await CallsFixture.StartAsync();
        var (first, citizen, call, firstCall, colleague) = await TwoAgentsAsync(server, "+861806");

        // The agent's phone consults the colleague's phone directly (seat-to-seat calls do not pass through the B2BUA).
        var colleaguePort = colleague.Ua.Endpoint.LocalEndPoints.First().EndPoint.Port;
        var consult = await first.Ua.CallAsync($"sip:1050@127.0.0.1:{colleaguePort}",
            "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 8 0\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n");
        await consult.NextAsync<CallEstablished>();
        var consultAtColleague = await colleague.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.That((await firstCall.ReferAsync("sip:1050@127.0.0.1", replacing: consult)).StatusCode, Is.EqualTo(202));
        var replacing = await colleague.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        Assert.That(replacing.Replaced, Is.SameAs(consultAtColleague), "our INVITE carried the REFER's Replaces (RFC 3891)");
        var trying = await firstCall.NextAsync<TransferProgress>();
        var final = trying.Final ? trying : await firstCall.NextAsync<TransferProgress>();
        Assert.That(final.StatusCode, Is.EqualTo(200));
        await firstCall.NextAsync<CallEnded>();
        await Task.Delay(500);
        await Tones.ExpectAsync(citizen, "the citizen (replaced)", OtherHz);
        await Tones.ExpectAsync(colleague, "the colleague (replaced)", CallerHz);
        Assert.That((await server.Calls.AskAsync(call.CallId, new HoldCall("1050", false))).Status, Is.EqualTo(CommandStatus.Done), "the call is the colleague's now");
        await call.HangupAsync();
        var record = await server.RecordAsync(call.CallId);
        Assert.That(record.AgentId, Is.EqualTo("1050"));
        Assert.That(record.Parties, Does.Contain("agent 1049 transferred to agent 1050"));
        Assert.That(await server.WaitSeatAsync("1050", SeatState.Ready), Has.Property("State").EqualTo(SeatState.Ready), "the colleague's seat is freed");
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task The_agent_brings_110_in_then_hands_over_and_refusals_dial_nothing()
    {
        await using var rig = await PoliceRig.StartAsync("+861804");
        var (police, server, agent, citizen, call, agentCall) = (rig.Police, rig.Server, rig.Agent, rig.Citizen, rig.Call, rig.AgentCall);

        var premium = await server.Calls.AskAsync(call.CallId, new AddPartner("1049", "16800000000"));
        Assert.That((premium.Status, premium.Detail), Is.EqualTo((CommandStatus.NotAllowed, "That number is not in the directory, and no citizen has contacted us from it.")));
        var blind = await server.Calls.AskAsync(call.CallId, new BlindTransfer("1049", new TransferTarget(TransferTargetKind.Number, "0085212345678")));
        Assert.That(blind.Status, Is.EqualTo(CommandStatus.NotAllowed));
        await Task.Delay(300);
        Assert.That(police.InvitedAt.Reader.Count, Is.Zero, "nothing dialled");

        var add = await server.Calls.AskAsync(call.CallId, new AddPartner("1049", "110"));
        Assert.That(add.Status, Is.EqualTo(CommandStatus.Started), add.Detail);
        var policeCall = await police.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(((Telephony.Sip.Messages.SipUri)policeCall.Invite.RequestUri).User, Is.EqualTo("110"), "dialled through the trunk");
        await policeCall.NextAsync<CallEstablished>();
        await Task.Delay(500);
        await Tones.ExpectAsync(citizen, "the citizen (with 110)", AgentHz, OtherHz);
        await Tones.ExpectAsync(agent, "the agent (with 110)", CallerHz, OtherHz);
        await Tones.ExpectAsync(police, "110", CallerHz, AgentHz);

        var handOver = await server.Calls.AskAsync(call.CallId, new HandOverToPartner("1049"));
        Assert.That(handOver.Status, Is.EqualTo(CommandStatus.Done), handOver.Detail);
        await agentCall.NextAsync<CallEnded>();
        await Task.Delay(300);
        await Tones.ExpectAsync(citizen, "the citizen (handed to 110)", OtherHz);
        await call.HangupAsync();
        await policeCall.NextAsync<CallEnded>();
        var record = await server.RecordAsync(call.CallId);
        Assert.That(record.Outcome, Is.EqualTo("transferred"));
        Assert.That(record.Parties, Does.Match(@"\d\d:\d\d:\d\d brought in 110").And.Match(@"\d\d:\d\d:\d\d handed over 110"));
        Assert.That(record.RecordingPath, Is.Not.Null, "recorded");
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task A_refer_to_110_is_reported_by_notify_when_110_answers()
    {
        await using var rig = await PoliceRig.StartAsync("+861805");
        var (police, server, citizen, call, agentCall) = (rig.Police, rig.Server, rig.Citizen, rig.Call, rig.AgentCall);

        Assert.That((await agentCall.ReferAsync("sip:110@127.0.0.1")).StatusCode, Is.EqualTo(202));
        var policeCall = await police.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await policeCall.NextAsync<CallEstablished>();
        var trying = await agentCall.NextAsync<TransferProgress>();
        var final = trying.Final ? trying : await agentCall.NextAsync<TransferProgress>();
        Assert.That((trying.StatusCode, final.StatusCode), Is.EqualTo((100, 200)));
        await agentCall.NextAsync<CallEnded>();
        await Task.Delay(300);
        await Tones.ExpectAsync(citizen, "the citizen (with 110)", OtherHz);
        await Tones.ExpectAsync(police, "110", CallerHz);
        await call.HangupAsync();
        Assert.That((await server.RecordAsync(call.CallId)).Parties, Does.Contain("transferred to 110"));
    }

    /// <summary>The citizen connected to agent 1049; only then agent 1050 (the colleague) is Ready, so the call went to 1049.</summary>
    private static async Task<(TestPhone First, TestPhone Citizen, SipCall Call, SipCall FirstCall, TestPhone Colleague)> TwoAgentsAsync(CallsFixture server, string citizenNumber)
    {
        var first = await server.AgentAsync("1049", AgentHz);
        first.AutoAnswer();
        var (citizen, call, firstCall) = await server.ConnectEnglishCallAsync(first, CallerHz, citizenNumber);
        var colleague = await server.AgentAsync("1050", OtherHz);
        colleague.AutoAnswer();
        return (first, citizen, call, firstCall, colleague);
    }

    /// <summary>The call side with its outbound trunk at a test phone answering as 110, and a citizen connected to agent 1049.</summary>
    private sealed class PoliceRig : IAsyncDisposable
    {
        private Telephony.Media.MediaEngine _media = null!;

        public TestPhone Police { get; private set; } = null!;
        public CallsFixture Server { get; private set; } = null!;
        public TestPhone Agent { get; private set; } = null!;
        public TestPhone Citizen { get; private set; } = null!;
        public SipCall Call { get; private set; } = null!;
        public SipCall AgentCall { get; private set; } = null!;

        public static async Task<PoliceRig> StartAsync(string citizenNumber)
        {
            var rig = new PoliceRig { _media = PhoneMedia.Start(18600, 18699) };
            rig.Police = await TestPhone.StartAsync("sip:110@127.0.0.1", OtherHz, rig._media);
            var port = rig.Police.Ua.Endpoint.LocalEndPoints.First().EndPoint.Port;
            rig.Server = await CallsFixture.StartAsync(trunkOutbound: $"sip:{{number}}@127.0.0.1:{port}");
            rig.Police.AutoAnswer();
            rig.Agent = await rig.Server.AgentAsync("1049", AgentHz);
            rig.Agent.AutoAnswer();
            (rig.Citizen, rig.Call, rig.AgentCall) = await rig.Server.ConnectEnglishCallAsync(rig.Agent, CallerHz, citizenNumber);
            return rig;
        }

        public async ValueTask DisposeAsync()
        {
            await Server.DisposeAsync();
            await Police.DisposeAsync();
            await _media.DisposeAsync();
        }
    }
}
