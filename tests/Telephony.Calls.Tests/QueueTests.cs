namespace Telephony.Calls.Tests;

/// <summary>Queueing with real calls: music and position while waiting, the first free agent, no-answer agents, abandoned calls.</summary>
[NonParallelizable]
public sealed class QueueTests
{
    [Test]
    [CancelAfter(90_000)]
    public async Task Two_agents_three_callers_the_third_hears_music_and_position_and_gets_the_first_agent_free()
    {
        await using var server = await CallsFixture.StartAsync(useRedis: true, wrapUpSeconds: 1);
        var agent1 = await server.AgentAsync("1049", 1200);
        var agent2 = await server.AgentAsync("1050", 1400);
        agent1.AutoAnswer();
        agent2.AutoAnswer();
        var c1 = await server.CitizenAsync(500, "+861001");
        var c2 = await server.CitizenAsync(600, "+861002");
        var c3 = await server.CitizenAsync(700, "+861003");

        var call1 = await server.DialEnglishAsync(c1);
        Assert.That(await server.WaitPhaseAsync(call1.CallId, CallPhase.Connected), Is.EqualTo(CallPhase.Connected));
        var call2 = await server.DialEnglishAsync(c2);
        Assert.That(await server.WaitPhaseAsync(call2.CallId, CallPhase.Connected), Is.EqualTo(CallPhase.Connected));
        var firstPop = await server.Pops.For("1049").ReadAsync();
        Assert.That(firstPop.CallId, Is.EqualTo(call1.CallId), "longest-idle agent (1049, Ready first) takes the first call");

        var call3 = await server.DialEnglishAsync(c3);
        Assert.That(await server.WaitPhaseAsync(call3.CallId, CallPhase.Queued), Is.EqualTo(CallPhase.Queued));
        var position = await server.Acd.GetPositionAsync(call3.CallId);
        Assert.That(position?.Position, Is.EqualTo(1));
        await Task.Delay(500); // "connecting" ends; position announcement, then music
        c3.Listening = true;
        await Task.Delay(2500);
        c3.Listening = false;
        var waiting = c3.Received();
        Assert.That(waiting.Length, Is.GreaterThan(16000), "the waiting caller receives audio");
        Assert.That(ToneCheck.Rms(waiting), Is.GreaterThan(200), "and it is not silence (position announcement and music on hold)");
        Assert.That(server.Calls.AnnouncedPositions(call3.CallId), Is.EqualTo(new[] { 1 }));

        // The first agent to come free (1049: its caller hangs up, 1 s wrap-up) takes the third call.
        await call1.HangupAsync();
        Assert.That(await server.WaitPhaseAsync(call3.CallId, CallPhase.Connected, 20), Is.EqualTo(CallPhase.Connected));
        var pop = await server.Pops.For("1049").ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That((pop.CallId, pop.Extension), Is.EqualTo((call3.CallId, "1049")));
        Assert.That(server.Pops.For("1050").TryRead(out var other) ? other.CallId : null, Is.EqualTo(call2.CallId));

        await call2.HangupAsync();
        await call3.HangupAsync();
        var record3 = await server.RecordAsync(call3.CallId);
        Assert.That((record3.Outcome, record3.AgentId), Is.EqualTo(("answered", "1049")));
        Assert.That(record3.QueuedAt, Is.LessThan(record3.AnsweredAt!.Value));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task An_agent_who_does_not_answer_is_skipped_and_set_NotReady()
    {
        await using var server = await CallsFixture.StartAsync(useRedis: true, ringTimeoutSeconds: 2);
        var silent = await server.AgentAsync("1049", 1200); // Ready first: longest idle, offered first
        var answering = await server.AgentAsync("1050", 1400);
        answering.AutoAnswer();
        var citizen = await server.CitizenAsync(500);

        var call = await server.DialEnglishAsync(citizen);
        var unanswered = await silent.Ua.IncomingCalls.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        Assert.That((await server.Pops.For("1049").ReadAsync()).CallId, Is.EqualTo(call.CallId));
        var cancelled = await unanswered.NextAsync<Telephony.Sip.UserAgent.CallEnded>(TimeSpan.FromSeconds(10));
        Assert.That(cancelled.Reason, Is.EqualTo(Telephony.Sip.UserAgent.CallEndReason.RemoteCancelled));

        Assert.That(await server.WaitPhaseAsync(call.CallId, CallPhase.Connected), Is.EqualTo(CallPhase.Connected));
        Assert.That((await server.Pops.For("1050").ReadAsync()).CallId, Is.EqualTo(call.CallId));
        var skipped = await server.Seats.GetSeatAsync("1049");
        Assert.That((skipped!.State, skipped.Reason), Is.EqualTo((SeatState.NotReady, "no answer")));

        await call.HangupAsync();
        var record = await server.RecordAsync(call.CallId);
        Assert.That((record.Outcome, record.AgentId), Is.EqualTo(("answered", "1050")));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_caller_hanging_up_while_queued_or_while_the_agent_rings_leaves_no_seat_reserved()
    {
        await using var server = await CallsFixture.StartAsync(useRedis: true, ringTimeoutSeconds: 20);
        var agent = await server.AgentAsync("1049", 1200);
        Assert.That((await server.Acd.SetNotReadyAsync("1049", "1049", "break")).Succeeded, Is.True);

        // Queued: nobody Ready.
        var c1 = await server.CitizenAsync(500);
        var queued = await server.DialEnglishAsync(c1);
        Assert.That(await server.WaitPhaseAsync(queued.CallId, CallPhase.Queued), Is.EqualTo(CallPhase.Queued));
        await queued.HangupAsync();
        var abandoned = await server.RecordAsync(queued.CallId);
        Assert.That((abandoned.Outcome, abandoned.AnsweredAt), Is.EqualTo(("abandoned", (DateTimeOffset?)null)));
        Assert.That(await server.Seats.GetQueueAsync("english"), Is.Empty);

        // Ringing: the agent is Ready but does not answer; the caller gives up.
        Assert.That((await server.Acd.SetReadyAsync("1049", "1049")).Succeeded, Is.True);
        var c2 = await server.CitizenAsync(600);
        var ringing = await server.DialEnglishAsync(c2);
        var agentLeg = await agent.Ua.IncomingCalls.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        Assert.That((await server.Seats.GetSeatAsync("1049"))!.State, Is.EqualTo(SeatState.Ringing));
        await ringing.HangupAsync();
        var cancelled = await agentLeg.NextAsync<Telephony.Sip.UserAgent.CallEnded>();
        Assert.That(cancelled.Reason, Is.EqualTo(Telephony.Sip.UserAgent.CallEndReason.RemoteCancelled));
        var seat = await server.WaitSeatAsync("1049", SeatState.Ready);
        Assert.That((seat!.State, seat.CallId), Is.EqualTo((SeatState.Ready, (string?)null)));
        Assert.That((await server.RecordAsync(ringing.CallId)).Outcome, Is.EqualTo("abandoned"));
        Assert.That(server.Calls.ActiveCalls, Is.Zero);
    }
}
