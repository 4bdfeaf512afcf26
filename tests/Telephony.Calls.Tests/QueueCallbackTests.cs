using Telephony.Calls.Outbound;
using Telephony.Cases;

namespace Telephony.Calls.Tests;

/// <summary>
/// Callback in the queue with the shipped script (its general queue offers a callback over two minutes of expected
/// wait; the fixture's queues plan five minutes per call): press 1, hang up, the entry keeps its place; when an agent
/// is free the pop comes first, the agent's phone rings, then the citizen's phone behind the trunk.
/// </summary>
[NonParallelizable]
public sealed class QueueCallbackTests
{
    private const double AgentHz = 700;
    private const double CitizenHz = 1300;
    private const string Number = "13800003333";

    [Test]
    [CancelAfter(90_000)]
    public async Task Press_1_hang_up_and_when_the_agent_frees_the_pop_comes_then_the_citizen_is_called_back_and_both_hear_each_other()
    {
        await using var handsetMedia = Testing.Phones.PhoneMedia.Start(18600, 18699);
        await using var handset = await TestPhone.StartAsync($"sip:{Number}@127.0.0.1", CitizenHz, handsetMedia); // the citizen's phone behind the trunk
        var port = handset.Ua.Endpoint.LocalEndPoints.First().EndPoint.Port;
        await using var server = await CallsFixture.StartAsync(trunkOutbound: $"sip:{{number}}@127.0.0.1:{port}", ringTimeoutSeconds: 10);
        var agent = await server.AgentAsync("1049", AgentHz);
        Assert.That((await server.Acd.SetNotReadyAsync("1049", "1049", "break")).Succeeded, Is.True);
        agent.AutoAnswer();
        handset.AutoAnswer();

        var citizen = await server.CitizenAsync(CitizenHz, Number);
        var call = await citizen.Ua.CallAsync(server.Uri("12345"), citizen.Offer());
        citizen.ApplyAnswer((await call.NextAsync<CallEstablished>()).RemoteSdp);
        Assert.That(await server.WaitPhaseAsync(call.CallId, CallPhase.Queued, 15), Is.EqualTo(CallPhase.Queued));
        await Task.Delay(500); // the offer follows the queueing
        Assert.That((await call.SendDtmfAsync('1')).StatusCode, Is.EqualTo(200));
        await Task.Delay(300);
        await call.HangupAsync();
        var inbound = await server.RecordAsync(call.CallId);
        Assert.That(inbound.Outcome, Is.EqualTo("callback-requested"));
        Assert.That(await server.Acd.GetPositionAsync(call.CallId), Has.Property("Position").EqualTo(1), "the entry keeps its place in the seat store");

        Assert.That((await server.Acd.SetReadyAsync("1049", "1049")).Succeeded, Is.True);
        var pop = await server.Pops.For("1049").ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That((pop.CallId, pop.CallerNumber), Is.EqualTo((call.CallId, Number)), "the pop first, with the citizen's number");
        var agentCall = await agent.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var outboundId = agentCall.Invite.GetHeader("X-Telephony-Call")!;
        var handsetCall = await handset.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(((Telephony.Sip.Messages.SipUri)handsetCall.Invite.RequestUri).User, Is.EqualTo(Number), "the citizen's phone rings through the trunk");
        Assert.That(await server.WaitSeatAsync("1049", SeatState.OnCall), Has.Property("State").EqualTo(SeatState.OnCall));
        await Task.Delay(300);
        agent.Listening = true;
        handset.Listening = true;
        await Task.Delay(1500);
        await handsetCall.HangupAsync();
        await agentCall.NextAsync<CallEnded>(TimeSpan.FromSeconds(10));

        Assert.That(ToneCheck.Dominates(handset.Received(), AgentHz, CitizenHz), Is.True, "the citizen hears the agent");
        Assert.That(ToneCheck.Dominates(agent.Received(), CitizenHz, AgentHz), Is.True, "the agent hears the citizen");
        var outbound = await server.RecordAsync(outboundId);
        Assert.That((outbound.Direction, outbound.Outcome, outbound.Called, outbound.AgentId),
            Is.EqualTo(((string?)CallDirections.Outbound, (string?)"callback", (string?)Number, (string?)"1049")));
        Assert.That(outbound.AnsweredAt, Is.Not.Null);
        Assert.That(await server.Acd.GetPositionAsync(call.CallId), Is.Null, "served once");
        Assert.That(server.Calls.WaitingCallbacks, Is.Zero);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task An_anonymous_caller_is_not_offered_a_callback_and_a_1_changes_nothing()
    {
        await using var server = await CallsFixture.StartAsync(trunkOutbound: "sip:{number}@127.0.0.1:9");
        await server.AgentAsync("1049", AgentHz);
        Assert.That((await server.Acd.SetNotReadyAsync("1049", "1049", "break")).Succeeded, Is.True);
        var citizen = await server.CitizenAsync(CitizenHz, "anonymous");
        var call = await citizen.Ua.CallAsync(server.Uri("12345"), citizen.Offer());
        citizen.ApplyAnswer((await call.NextAsync<CallEstablished>()).RemoteSdp);
        Assert.That(await server.WaitPhaseAsync(call.CallId, CallPhase.Queued, 15), Is.EqualTo(CallPhase.Queued));
        await Task.Delay(500);
        Assert.That((await call.SendDtmfAsync('1')).StatusCode, Is.EqualTo(200));
        await Task.Delay(300);
        await call.HangupAsync();
        var record = await server.RecordAsync(call.CallId);
        Assert.That(record.Outcome, Is.EqualTo("abandoned"), "no callback: an ordinary abandoned call");
        Assert.That(server.Calls.WaitingCallbacks, Is.Zero);
        Assert.That(await server.Acd.GetPositionAsync(call.CallId), Is.Null, "left the queue");
    }
}
