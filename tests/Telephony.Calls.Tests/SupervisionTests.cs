using static Telephony.Testing.Audio.ThreePartyTones;
using Telephony.Calls.Commands;

namespace Telephony.Calls.Tests;

/// <summary>
/// Supervision through the command path (<c>Supervise</c> via <see cref="CallManager.AskAsync"/>): the
/// supervisor's seat phone rings and joins the mix; hanging up returns to the relay, and the call's end
/// ends the supervisor's leg. Citizen 500 Hz, agent 1200 Hz, supervisor 1700 Hz. (The REST endpoints'
/// monitor/whisper/barge test stays in Server.Tests.)
/// </summary>
[NonParallelizable]
public sealed class SupervisionTests
{

    [Test]
    [CancelAfter(60_000)]
    public async Task A_supervisor_who_hangs_up_leaves_the_call_relayed_and_the_caller_hanging_up_ends_the_supervisor_leg_too()
    {
        await using var server = await CallsFixture.StartAsync();
        var agent = await server.AgentAsync("1049", AgentHz);
        agent.AutoAnswer();
        var supervisor = await server.PhoneAsync("sip:1051@test.local", SupervisorHz);
        await server.RegisterAsync("1051", supervisor); // no login: the ACD never routes to it
        supervisor.AutoAnswer();
        var (citizen, call, agentCall) = await server.ConnectEnglishCallAsync(agent, CallerHz, "+861602");

        Assert.That((await server.Calls.AskAsync(call.CallId, new Supervise("1051", SupervisionMode.Barge))).Status, Is.EqualTo(CommandStatus.Started));
        var first = await supervisor.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await first.NextAsync<CallEstablished>();
        await Task.Delay(500);
        await Tones.ExpectAsync(citizen, "the citizen (barge)", AgentHz, SupervisorHz);

        // A re-INVITE from the agent while supervised rebuilds the mix on the new offer; nothing is lost.
        Assert.That((await agentCall.ReInviteAsync(agent.ReOffer(Telephony.Media.Sdp.MediaDirection.SendRecv))).StatusCode, Is.EqualTo(200));
        await Task.Delay(300);
        await Tones.ExpectAsync(citizen, "the citizen (barge, after the agent's re-INVITE)", AgentHz, SupervisorHz);
        await Tones.ExpectAsync(agent, "the agent (barge, after its re-INVITE)", CallerHz, SupervisorHz);

        // The supervisor hangs up: back to the plain relay.
        await first.HangupAsync();
        await Task.Delay(500);
        Assert.That(server.Calls.LiveCalls().Single(c => c.CallId == call.CallId).Supervision, Is.Null);
        await Tones.ExpectAsync(citizen, "the citizen (supervisor gone)", AgentHz);
        await Tones.ExpectAsync(agent, "the agent (supervisor gone)", CallerHz);

        // Again, and this time the citizen hangs up: the supervisor's leg ends with the call.
        Assert.That((await server.Calls.AskAsync(call.CallId, new Supervise("1051", SupervisionMode.Monitor))).Status, Is.EqualTo(CommandStatus.Started));
        var second = await supervisor.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await second.NextAsync<CallEstablished>();
        await Task.Delay(300);
        await call.HangupAsync();
        await second.NextAsync<Telephony.Sip.UserAgent.CallEnded>();
        Assert.That((await server.RecordAsync(call.CallId)).Outcome, Is.EqualTo("answered"));
    }
}
