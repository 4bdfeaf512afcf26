using Telephony.Cases;
using Telephony.Cases.Callbacks;
using Telephony.Testing.Audio;

namespace Telephony.Calls.Tests;

/// <summary>
/// Callback tasks offered by the ACD like calls (issue 13): a due missed-call task waits in the ACD's task queue and goes
/// to a Ready agent only when no call waits for them; the pop comes first, the agent's phone rings, answering it dials the
/// citizen's phone behind the trunk (a test phone), both hear each other, and the attempt's outcome goes to the task.
/// </summary>
[NonParallelizable]
public sealed class CallbackTaskOfferTests
{
    private const double AgentHz = 700;
    private const double CitizenHz = 1300;
    private const double CallerHz = 500;

    [Test]
    [CancelAfter(90_000)]
    public async Task A_waiting_call_goes_first_then_the_task_is_offered_dialled_bridged_and_closed_as_reached()
    {
        const string number = "13800007777";
        await using var handsetMedia = Testing.Phones.PhoneMedia.Start(18600, 18699);
        await using var handset = await TestPhone.StartAsync($"sip:{number}@127.0.0.1", CitizenHz, handsetMedia); // the citizen's phone behind the trunk
        var port = handset.Ua.Endpoint.LocalEndPoints.First().EndPoint.Port;
        await using var server = await CallsFixture.StartAsync(trunkOutbound: $"sip:{{number}}@127.0.0.1:{port}", ringTimeoutSeconds: 10, offerTasks: true);
        var agent = await server.AgentAsync("1049", AgentHz);
        Assert.That((await server.Acd.SetNotReadyAsync("1049", "1049", "break")).Succeeded, Is.True);
        agent.AutoAnswer();
        handset.AutoAnswer();

        // A missed call owed a return call, and a caller waiting in the queue.
        var task = await server.Tasks.AddCallbackTaskAsync(CallbackKind.MissedCall, number, "missed-7777", DateTimeOffset.UtcNow.AddMinutes(-3));
        Assert.That(task, Is.Not.Null);
        var citizen = await server.CitizenAsync(CallerHz, "+861807");
        var call = await server.DialEnglishAsync(citizen);
        Assert.That(await server.WaitPhaseAsync(call.CallId, CallPhase.Queued, 15), Is.EqualTo(CallPhase.Queued));
        Assert.That(await Until.TrueAsync(() => server.Calls.QueuedCallbackTasks == 1), Is.True, "the node queued the due task in the ACD");
        Assert.That((await server.Tasks.GetCallbackTaskAsync(task!.Id))!.State, Is.EqualTo(CallbackTaskState.Dialling), "claimed: the list and other nodes leave it");

        // The agent is Ready: the waiting call goes first.
        Assert.That((await server.Acd.SetReadyAsync("1049", "1049")).Succeeded, Is.True);
        var first = await server.Pops.For("1049").ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That((first.CallId, first.Purpose), Is.EqualTo((call.CallId, (string?)null)), "the caller before the task");
        var agentCall = await agent.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await agentCall.NextAsync<CallEstablished>();
        Assert.That(await server.WaitPhaseAsync(call.CallId, CallPhase.Connected, 5), Is.EqualTo(CallPhase.Connected));
        await call.HangupAsync();
        await agentCall.NextAsync<CallEnded>(TimeSpan.FromSeconds(10));

        // After the wrap-up the seat is Ready and no call waits: the task's pop, the agent's phone, then the citizen's.
        var pop = await server.Pops.For("1049").ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        Assert.That((pop.CallerNumber, pop.Purpose, pop.CallbackTaskId, pop.CallbackAttempt),
            Is.EqualTo((number, (string?)"missed-call-return", (long?)task.Id, (int?)1)), "a preview of the task, with the citizen's number for the history");
        Assert.That(server.Calls.CallerOf(pop.CallId), Is.EqualTo(number), "the desk reads the citizen's history by the offer's id");
        var taskCall = await agent.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        var outboundId = taskCall.Invite.GetHeader("X-Telephony-Call")!;
        var handsetCall = await handset.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(((Telephony.Sip.Messages.SipUri)handsetCall.Invite.RequestUri).User, Is.EqualTo(number), "dialled through the trunk");
        Assert.That(await server.WaitSeatAsync("1049", SeatState.OnCall), Has.Property("CallId").EqualTo(pop.CallId), "the seat is on the task like on a call");
        await Task.Delay(300);
        agent.Listening = true;
        handset.Listening = true;
        await Task.Delay(1500);
        await handsetCall.HangupAsync();
        await taskCall.NextAsync<CallEnded>(TimeSpan.FromSeconds(10));

        Assert.That(ToneCheck.Dominates(handset.Received(), AgentHz, CitizenHz), Is.True, "the citizen hears the agent");
        Assert.That(ToneCheck.Dominates(agent.Received(), CitizenHz, AgentHz), Is.True, "the agent hears the citizen");
        CallbackTask? done = null;
        Assert.That(await Until.TrueAsync(async () => (done = await server.Tasks.GetCallbackTaskAsync(task.Id))!.State == CallbackTaskState.Done), Is.True, "the attempt is recorded");
        Assert.That((done!.LastOutcome, done.Attempts, done.LastCallId, done.ReturnedAt is not null),
            Is.EqualTo(((CallbackAttemptOutcome?)CallbackAttemptOutcome.Reached, 1, (string?)outboundId, true)));
        var record = await server.RecordAsync(outboundId);
        Assert.That((record.Direction, record.Outcome, record.CallbackTaskId, record.AgentId),
            Is.EqualTo(((string?)CallDirections.Outbound, (string?)"missed-call-return", (long?)task.Id, (string?)"1049")));
        var history = await server.Seats.GetHistoryAsync("1049");
        Assert.That(history.Any(t => t.To == SeatState.WrapUp && t.CallId == pop.CallId), Is.True, "wrap-up after the task, as after a call");
        Assert.That(await server.WaitSeatAsync("1049", SeatState.Ready), Has.Property("State").EqualTo(SeatState.Ready));
        Assert.That(server.Calls.QueuedCallbackTasks, Is.Zero);
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_busy_citizen_leaves_the_task_open_for_its_retry_and_the_seat_free()
    {
        const string number = "13800008888";
        await using var trunk = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:citizen@127.0.0.1" });
        var port = trunk.Endpoint.LocalEndPoints.First().EndPoint.Port;
        await using var server = await CallsFixture.StartAsync(trunkOutbound: $"sip:{{number}}@127.0.0.1:{port}", offerTasks: true);
        var busy = Task.Run(async () => await (await trunk.IncomingCalls.ReadAsync()).RejectAsync(486));
        var agent = await server.AgentAsync("1049", AgentHz);
        agent.AutoAnswer();

        var task = await server.Tasks.AddCallbackTaskAsync(CallbackKind.MissedCall, number, "missed-8888", DateTimeOffset.UtcNow.AddMinutes(-1));
        var pop = await server.Pops.For("1049").ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(pop.CallbackTaskId, Is.EqualTo(task!.Id), "a Ready agent with no call waiting gets the task");
        var agentCall = await agent.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await busy.WaitAsync(TimeSpan.FromSeconds(10));
        await agentCall.NextAsync<CallEnded>(TimeSpan.FromSeconds(10));

        CallbackTask? after = null;
        Assert.That(await Until.TrueAsync(async () => (after = await server.Tasks.GetCallbackTaskAsync(task.Id))!.State == CallbackTaskState.Open), Is.True);
        Assert.That((after!.LastOutcome, after.Attempts), Is.EqualTo(((CallbackAttemptOutcome?)CallbackAttemptOutcome.Busy, 1)));
        Assert.That(after.DueAt, Is.GreaterThan(DateTimeOffset.UtcNow.AddMinutes(5)), "the retry waits for the policy's interval");
        Assert.That(await server.WaitSeatAsync("1049", SeatState.Ready), Has.Property("State").EqualTo(SeatState.Ready), "wrap-up, then Ready");
        await Task.Delay(2500);
        Assert.That(server.Calls.QueuedCallbackTasks, Is.Zero, "a task not yet due again is not offered");
    }
}
