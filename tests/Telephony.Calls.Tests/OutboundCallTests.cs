using Telephony.Calls.Outbound;
using Telephony.Cases;
using Telephony.Testing.Audio;

namespace Telephony.Calls.Tests;

/// <summary>
/// Calls the centre places to citizens (return visits, missed-call returns): the agent's seat rings first, then the
/// citizen through the outbound trunk (a test phone plays the citizen's phone behind it), both bridged and recorded.
/// </summary>
[NonParallelizable]
public sealed class OutboundCallTests
{
    private const double AgentHz = 700;
    private const double CitizenHz = 1300;

    [Test]
    [CancelAfter(60_000)]
    public async Task A_return_visit_rings_the_agent_then_the_citizen_and_both_hear_each_other_on_an_outbound_record()
    {
        await using var citizenMedia = Testing.Phones.PhoneMedia.Start(18600, 18699);
        await using var citizen = await TestPhone.StartAsync("sip:13800001111@127.0.0.1", CitizenHz, citizenMedia);
        var port = citizen.Ua.Endpoint.LocalEndPoints.First().EndPoint.Port;
        await using var server = await CallsFixture.StartAsync(trunkOutbound: $"sip:{{number}}@127.0.0.1:{port}");
        var agent = await server.AgentAsync("1049", AgentHz);
        agent.AutoAnswer();
        citizen.AutoAnswer();

        var dial = await server.Calls.DialCitizenAsync(new OutboundCallRequest("13800001111", "1049", "1049", CallOutcome.ReturnVisit, CaseId: 42));
        Assert.That(dial.Started, Is.True, dial.Refusal);
        var agentCall = await agent.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(agentCall.Invite.GetHeader("X-Telephony-Call"), Is.EqualTo(dial.CallId), "the agent's leg carries the call id");
        var citizenCall = await citizen.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(((Telephony.Sip.Messages.SipUri)citizenCall.Invite.RequestUri).User, Is.EqualTo("13800001111"), "dialled through the trunk");
        Assert.That(await dial.Settled.WaitAsync(TimeSpan.FromSeconds(10)), Is.EqualTo(OutboundCallResult.Reached));
        await Task.Delay(300);
        agent.Listening = true;
        citizen.Listening = true;
        await Task.Delay(1500);
        await citizenCall.HangupAsync();
        await agentCall.NextAsync<Telephony.Sip.UserAgent.CallEnded>(TimeSpan.FromSeconds(10));

        Assert.That(ToneCheck.Dominates(citizen.Received(), AgentHz, CitizenHz), Is.True, "the citizen hears the agent");
        Assert.That(ToneCheck.Dominates(agent.Received(), CitizenHz, AgentHz), Is.True, "the agent hears the citizen");
        var record = await server.RecordAsync(dial.CallId!);
        Assert.That((record.Direction, record.Outcome, record.Called, record.AgentId, record.CaseId),
            Is.EqualTo(((string?)CallDirections.Outbound, (string?)"return-visit", (string?)"13800001111", (string?)"1049", (long?)42)));
        Assert.That(record.AnsweredAt, Is.Not.Null, "the citizen answered");
        Assert.That(File.Exists(record.RecordingPath), Is.True, "recorded");
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_busy_citizen_settles_the_attempt_as_busy_and_hangs_up_the_agent()
    {
        await using var trunk = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:citizen@127.0.0.1" });
        var port = trunk.Endpoint.LocalEndPoints.First().EndPoint.Port;
        await using var server = await CallsFixture.StartAsync(trunkOutbound: $"sip:{{number}}@127.0.0.1:{port}");
        var agent = await server.AgentAsync("1049", AgentHz);
        agent.AutoAnswer();
        var busy = Task.Run(async () => await (await trunk.IncomingCalls.ReadAsync()).RejectAsync(486));

        var dial = await server.Calls.DialCitizenAsync(new OutboundCallRequest("13800002222", "1049", "1049", CallOutcome.MissedCallReturn, CallbackTaskId: 7));
        var agentCall = await agent.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await busy.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(await dial.Settled.WaitAsync(TimeSpan.FromSeconds(10)), Is.EqualTo(OutboundCallResult.Busy));
        await agentCall.NextAsync<Telephony.Sip.UserAgent.CallEnded>(TimeSpan.FromSeconds(10));
        var record = await server.RecordAsync(dial.CallId!);
        Assert.That((record.Outcome, record.AnsweredAt, record.CallbackTaskId), Is.EqualTo(((string?)"missed-call-return", (DateTimeOffset?)null, (long?)7)));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task An_anonymous_number_is_refused_and_nothing_is_dialled()
    {
        await using var server = await CallsFixture.StartAsync(trunkOutbound: "sip:{number}@127.0.0.1:9");
        var agent = await server.AgentAsync("1049", AgentHz);
        var dial = await server.Calls.DialCitizenAsync(new OutboundCallRequest("anonymous", "1049", "1049", CallOutcome.Callback));
        Assert.That((dial.Started, dial.CallId), Is.EqualTo((false, (string?)null)));
        Assert.That(dial.Refusal, Does.Contain("anonymous"));
        Assert.That(agent.Answered.Reader.TryRead(out _), Is.False, "the seat did not ring");
    }
}
