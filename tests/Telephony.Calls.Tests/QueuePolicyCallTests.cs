using Telephony.ContactCenter.Queues;

namespace Telephony.Calls.Tests;

/// <summary>
/// Issue 14 with real calls: a full queue refuses politely (the caller hears the refusal, then our BYE;
/// outcome queue-full), a wait that reaches the queue's maximum ends with its words (queue-timeout),
/// and the expected wait is said with the position when it is worth saying. The end action "callback-offer" (issue 13)
/// offers the call-back at the maximum wait: a caller who does not press 1 hears the words and is hung up.
/// </summary>
[NonParallelizable]
public sealed class QueuePolicyCallTests
{
    private static readonly IReadOnlyList<QueueDefinition> SmallEnglishQueue =
    [
        new("general", ["general"], 0, TimeSpan.FromMinutes(5)),
        new("english", ["en"], 0, TimeSpan.FromMinutes(5), new QueuePolicy { MaxSize = 1, MaxWait = TimeSpan.FromSeconds(6), EndAction = QueueEndAction.CallbackOffer }),
    ];

    [Test]
    [CancelAfter(60_000)]
    public async Task A_full_queue_refuses_politely_and_a_long_wait_ends_with_the_end_action()
    {
        await using var server = await CallsFixture.StartAsync(queues: SmallEnglishQueue);
        var first = await server.CitizenAsync(500, "+861001");
        var second = await server.CitizenAsync(600, "+861002");

        var waiting = await server.DialEnglishAsync(first);
        Assert.That(await server.WaitPhaseAsync(waiting.CallId, CallPhase.Queued), Is.EqualTo(CallPhase.Queued));

        // The queue holds one caller: the second is refused with words, then our BYE.
        var refused = await server.DialEnglishAsync(second);
        second.Listening = true;
        var refusedEnd = await refused.NextAsync<Telephony.Sip.UserAgent.CallEnded>(TimeSpan.FromSeconds(20));
        second.Listening = false;
        Assert.That(refusedEnd.Reason, Is.EqualTo(Telephony.Sip.UserAgent.CallEndReason.RemoteHangup), "the server ends the call");
        var heard = second.Received();
        Assert.That(heard.Length, Is.GreaterThan(8000 * 3), "the refusal is spoken before the hangup (several seconds of words)");
        Assert.That(ToneCheck.Rms(heard), Is.GreaterThan(200));
        var refusedRecord = await server.RecordAsync(refused.CallId);
        Assert.That((refusedRecord.Outcome, refusedRecord.AnsweredAt), Is.EqualTo(("queue-full", (DateTimeOffset?)null)));

        // The first caller heard position 1 with the expected wait (5 min over no English agent), and after
        // the queue's 6 s maximum hears the end action's words and is hung up.
        Assert.That(server.Calls.AnnouncedPositions(waiting.CallId), Is.EqualTo(new[] { 1 }));
        Assert.That(server.Calls.AnnouncedWaits(waiting.CallId), Is.EqualTo(new[] { 5 }));
        var waitedEnd = await waiting.NextAsync<Telephony.Sip.UserAgent.CallEnded>(TimeSpan.FromSeconds(30));
        Assert.That(waitedEnd.Reason, Is.EqualTo(Telephony.Sip.UserAgent.CallEndReason.RemoteHangup));
        var record = await server.RecordAsync(waiting.CallId);
        Assert.That(record.Outcome, Is.EqualTo("queue-timeout"));
        Assert.That(record.EndedAt - record.QueuedAt, Is.GreaterThan(TimeSpan.FromSeconds(6)), "the maximum wait, then the words");
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task At_the_maximum_wait_the_callback_offer_keeps_the_place_of_a_caller_who_presses_1_and_calls_them_back()
    {
        const string number = "13800009999";
        await using var handsetMedia = Testing.Phones.PhoneMedia.Start(18600, 18699);
        await using var handset = await TestPhone.StartAsync($"sip:{number}@127.0.0.1", 1300, handsetMedia); // the citizen's phone behind the trunk
        var port = handset.Ua.Endpoint.LocalEndPoints.First().EndPoint.Port;
        await using var server = await CallsFixture.StartAsync(trunkOutbound: $"sip:{{number}}@127.0.0.1:{port}", ringTimeoutSeconds: 10, queues:
        [
            new("general", ["general"], 0, TimeSpan.FromMinutes(5)),
            new("english", ["en"], 0, TimeSpan.FromSeconds(20), new QueuePolicy { MaxWait = TimeSpan.FromSeconds(3), EndAction = QueueEndAction.CallbackOffer }),
        ]);
        var agent = await server.AgentAsync("1049", 700);
        Assert.That((await server.Acd.SetNotReadyAsync("1049", "1049", "break")).Succeeded, Is.True);
        agent.AutoAnswer();
        handset.AutoAnswer();
        var citizen = await server.CitizenAsync(500, number);
        var call = await server.DialEnglishAsync(citizen);
        Assert.That(await server.WaitPhaseAsync(call.CallId, CallPhase.Queued), Is.EqualTo(CallPhase.Queued));

        // The maximum wait: the caller is offered the callback and stays in the queue; 1 accepts it.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (server.Acd.WaitsEnded == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.That(server.Acd.WaitsEnded, Is.EqualTo(1), "the wait's end came");
        await Task.Delay(300);
        Assert.That(server.Calls.PhaseOf(call.CallId), Is.EqualTo(CallPhase.Queued), "the caller is still in the queue, hearing the offer");
        Assert.That((await call.SendDtmfAsync('1')).StatusCode, Is.EqualTo(200));
        await Task.Delay(5000); // past the fixture's 4-s decision window: the accepted offer does not end the call
        Assert.That(server.Calls.PhaseOf(call.CallId), Is.EqualTo(CallPhase.Queued));
        await call.HangupAsync();
        Assert.That((await server.RecordAsync(call.CallId)).Outcome, Is.EqualTo("callback-requested"));
        Assert.That(await server.Acd.GetPositionAsync(call.CallId), Has.Property("Position").EqualTo(1), "the place is kept");
        Assert.That(server.Calls.WaitingCallbacks, Is.EqualTo(1));

        // Its turn: the agent's phone, then the citizen's.
        Assert.That((await server.Acd.SetReadyAsync("1049", "1049")).Succeeded, Is.True);
        var pop = await server.Pops.For("1049").ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That((pop.CallId, pop.Purpose), Is.EqualTo((call.CallId, (string?)"callback")));
        var agentCall = await agent.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var handsetCall = await handset.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var outboundId = agentCall.Invite.GetHeader("X-Telephony-Call")!;
        await Task.Delay(500);
        await handsetCall.HangupAsync();
        await agentCall.NextAsync<Telephony.Sip.UserAgent.CallEnded>(TimeSpan.FromSeconds(10));
        var outbound = await server.RecordAsync(outboundId);
        Assert.That((outbound.Outcome, outbound.Called), Is.EqualTo(((string?)"callback", (string?)number)));
        Assert.That(server.Calls.WaitingCallbacks, Is.Zero);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task No_expected_wait_is_said_when_it_is_short()
    {
        await using var server = await CallsFixture.StartAsync(queues:
        [
            new("general", ["general"], 0, TimeSpan.FromMinutes(5)),
            new("english", ["en"], 0, TimeSpan.FromSeconds(20)),
        ]);
        var citizen = await server.CitizenAsync(500, "+861003");
        var call = await server.DialEnglishAsync(citizen);
        Assert.That(await server.WaitPhaseAsync(call.CallId, CallPhase.Queued), Is.EqualTo(CallPhase.Queued));
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (server.Calls.AnnouncedPositions(call.CallId).Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.That(server.Calls.AnnouncedPositions(call.CallId), Is.EqualTo(new[] { 1 }));
        Assert.That(server.Calls.AnnouncedWaits(call.CallId), Is.EqualTo(new[] { 0 }), "20 s is not worth saying");
        await call.HangupAsync();
        Assert.That((await server.RecordAsync(call.CallId)).Outcome, Is.EqualTo("abandoned"));
    }
}
