namespace Telephony.ContactCenter.Tests.Routing;

[TestFixture("in-process")]
[TestFixture("redis")]
public sealed class AcdTests(string storeKind)
{
    private static readonly TimeSpan Ring = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan WrapUp = TimeSpan.FromSeconds(30);

    private FakeTimeProvider _time = null!;
    private RecordingCallControl _calls = null!;
    private RecordingDesktops _desktops = null!;
    private AutomaticCallDistributor _acd = null!;
    private TestSeatStore _seats = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 8, 0, 0, TimeSpan.Zero));
        _calls = new RecordingCallControl();
        _desktops = new RecordingDesktops();
        _seats = await TestSeatStore.CreateAsync(storeKind);
        var agents = new AgentDirectory(
        [
            new AgentProfile("li", "Li Wei", ["zh", "taxi", "general"]),
            new AgentProfile("wang", "Wang Fang", ["zh", "taxi"]),
            new AgentProfile("chen", "Chen Jie", ["zh", "general"]),
            new AgentProfile("amy", "Amy Smith", ["en", "general"]),
            new AgentProfile("zhao", "Zhao Min", ["zh", "general", "charity"]),
        ]);
        var options = new AcdOptions
        {
            Node = "node-a",
            RingTimeout = Ring,
            WrapUpTime = WrapUp,
            Seats = AcdOptions.SeatRange(1001, 60),
            Queues =
            [
                new QueueDefinition("zh-taxi", ["zh", "taxi"], 10, TimeSpan.FromMinutes(3)),
                new QueueDefinition("zh-general", ["zh", "general"], 0, TimeSpan.FromMinutes(4)),
                new QueueDefinition("en-general", ["en", "general"], 0, TimeSpan.FromMinutes(4)),
            ],
        };
        _acd = new AutomaticCallDistributor(_seats.Store, _calls, _desktops, new SingleNodeLink(), agents, options, _time, NullLogger<AutomaticCallDistributor>.Instance);
        await _acd.InitializeAsync();
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        await _acd.DisposeAsync();
        await _seats.DisposeAsync();
    }

    private static InboundCall Call(string id, string queue, int priority = 0) =>
        new(id, "+8613800000" + id[^1], "12345", queue, priority, "zh", ["welcome", "menu", queue], "2");

    private async Task ReadyAsync(string ext, string agent)
    {
        Assert.That((await _acd.LoginAsync(ext, agent)).Succeeded, Is.True);
        Assert.That((await _acd.SetReadyAsync(ext, agent)).Succeeded, Is.True);
    }

    private async Task<SeatSnapshot> SeatAsync(string ext) => (await _acd.Store.GetSeatAsync(ext))!;

    private async Task AdvanceAsync(TimeSpan by)
    {
        _time.Advance(by);
        await _acd.IdleAsync();
    }

    [Test, CancelAfter(10_000)]
    public async Task The_longest_idle_skilled_agent_gets_the_call_with_a_screen_pop()
    {
        await ReadyAsync("1001", "li");
        await AdvanceAsync(TimeSpan.FromSeconds(5));
        await ReadyAsync("1002", "wang");
        await ReadyAsync("1003", "chen");
        await AdvanceAsync(TimeSpan.FromSeconds(5));

        var position = await _acd.EnqueueAsync(Call("c1", "zh-taxi"));

        Assert.That(position, Is.Null, "offered at once");
        var offer = _calls.Offers.Single();
        Assert.That(offer.Seat.Extension, Is.EqualTo("1001"), "li has been idle longest and has zh+taxi");
        Assert.That(offer.RingTimeout, Is.EqualTo(Ring));
        Assert.That(offer.Pop, Is.EqualTo(new ScreenPop("c1", "1001", "li", "+86138000001", "12345", offer.Pop.IvrPath, "2", "zh", "zh-taxi", TimeSpan.Zero, _time.GetUtcNow())));
        Assert.That(offer.Pop.IvrPath, Is.EqualTo(new[] { "welcome", "menu", "zh-taxi" }));
        Assert.That((await SeatAsync("1001")).State, Is.EqualTo(SeatState.Ringing));
        Assert.That(_desktops.Of<SeatStateChanged>().Where(e => e.Extension == "1001").Select(e => e.State),
            Is.EqualTo(new[] { SeatState.NotReady, SeatState.Ready, SeatState.Reserved, SeatState.Ringing }));
        Assert.That(_desktops.Of<CallOffered>().Single().CallId, Is.EqualTo("c1"));
    }

    [Test, CancelAfter(10_000)]
    public async Task Calls_wait_by_priority_then_arrival_and_see_their_position_change()
    {
        await _acd.EnqueueAsync(Call("c1", "zh-general"));
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        var second = await _acd.EnqueueAsync(Call("c2", "zh-general"));
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        var vip = await _acd.EnqueueAsync(Call("c3", "zh-general", priority: 5));

        Assert.That(second!.Position, Is.EqualTo(2));
        Assert.That(second.ExpectedWait, Is.EqualTo(TimeSpan.FromMinutes(8)), "2 x 4 min over no staffed agent (counted as one)");
        Assert.That(vip!.Position, Is.EqualTo(1));
        Assert.That(_calls.PositionsOf("c1"), Is.EqualTo(new[] { 1, 2 }));
        Assert.That(_calls.PositionsOf("c2"), Is.EqualTo(new[] { 2, 3 }));

        await ReadyAsync("1003", "chen");
        Assert.That(_calls.Offers.Single().Pop.CallId, Is.EqualTo("c3"), "the priority caller is served first");
        Assert.That(_calls.Offers.Single().Pop.WaitTime, Is.EqualTo(TimeSpan.Zero));
        Assert.That(_calls.PositionsOf("c1"), Is.EqualTo(new[] { 1, 2, 1 }));
        Assert.That(_calls.PositionsOf("c2"), Is.EqualTo(new[] { 2, 3, 2 }));
        var now = await _acd.GetPositionAsync("c2");
        Assert.That((now!.Position, now.ExpectedWait), Is.EqualTo((2, TimeSpan.FromMinutes(8))), "one staffed agent");
    }

    [Test, CancelAfter(10_000)]
    public async Task A_caller_hanging_up_in_the_queue_leaves_it_and_the_others_move_up()
    {
        await _acd.EnqueueAsync(Call("c1", "zh-general"));
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        await _acd.EnqueueAsync(Call("c2", "zh-general"));
        await _acd.CallEndedAsync("c1");

        Assert.That(await _acd.GetPositionAsync("c1"), Is.Null);
        Assert.That(_calls.PositionsOf("c2"), Is.EqualTo(new[] { 2, 1 }));
        Assert.That((await _acd.Store.GetQueueAsync("zh-general")).Select(e => e.CallId), Is.EqualTo(new[] { "c2" }));
    }

    [Test, CancelAfter(10_000)]
    public async Task Ring_timeout_sets_the_agent_NotReady_and_moves_the_call_to_the_next_agent()
    {
        await ReadyAsync("1001", "li");
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        await ReadyAsync("1002", "wang");
        await _acd.EnqueueAsync(Call("c1", "zh-taxi"));
        Assert.That(_calls.Offers.Single().Seat.Extension, Is.EqualTo("1001"));

        await AdvanceAsync(Ring - TimeSpan.FromMilliseconds(1));
        Assert.That(_calls.Withdrawn, Is.Empty);
        await AdvanceAsync(TimeSpan.FromMilliseconds(1));

        Assert.That(_calls.Withdrawn.Single(), Is.EqualTo(("c1", "1001")));
        var li = await SeatAsync("1001");
        Assert.That((li.State, li.Reason, li.CallId), Is.EqualTo((SeatState.NotReady, "no answer", (string?)null)));
        Assert.That(_calls.Offers.Select(o => o.Seat.Extension), Is.EqualTo(new[] { "1001", "1002" }));
        Assert.That((await SeatAsync("1002")).State, Is.EqualTo(SeatState.Ringing));
        Assert.That(_calls.Offers.Last().Pop.WaitTime, Is.EqualTo(Ring), "wait time counts from the first arrival");
        Assert.That(_desktops.Of<CallLeftSeat>().Single(), Is.EqualTo(new CallLeftSeat("c1", "1001", "li", CallLeftSeatReason.NoAnswer, _time.GetUtcNow())));

        var history = await _acd.Store.GetHistoryAsync("1001");
        Assert.That(history.Select(h => h.To), Is.EqualTo(new[] { SeatState.NotReady, SeatState.Ready, SeatState.Reserved, SeatState.Ringing, SeatState.NotReady }));
        Assert.That(history[^1].At - history[^2].At, Is.EqualTo(Ring));
    }

    [Test, CancelAfter(10_000)]
    public async Task A_declined_offer_sets_the_agent_NotReady_with_the_reason_and_goes_to_the_next_agent_at_once()
    {
        await ReadyAsync("1001", "li");
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        await ReadyAsync("1002", "chen");
        await _acd.EnqueueAsync(Call("c1", "zh-general"));
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        await _acd.EnqueueAsync(Call("c2", "zh-general"));
        await AdvanceAsync(TimeSpan.FromSeconds(2));
        Assert.That(_calls.Offers.Select(o => (o.Pop.CallId, o.Seat.Extension)), Is.EqualTo(new[] { ("c1", "1001"), ("c2", "1002") }));

        // Only the seat the call is offered to can decline it; a stale or foreign decline changes nothing.
        Assert.That(await _acd.OfferDeclinedAsync("c1", "1002", "busy (486)"), Is.False);
        Assert.That(await _acd.OfferDeclinedAsync("nope", "1001", "busy (486)"), Is.False);

        Assert.That(await _acd.OfferDeclinedAsync("c1", "1001", "busy (486)"), Is.True);
        var li = await SeatAsync("1001");
        Assert.That((li.State, li.Reason, li.CallId), Is.EqualTo((SeatState.NotReady, "busy (486)", (string?)null)));
        Assert.That(_calls.Withdrawn, Is.Empty, "the server knows its leg failed; nothing to withdraw");
        Assert.That(_desktops.Of<CallLeftSeat>().Single(), Is.EqualTo(new CallLeftSeat("c1", "1001", "li", CallLeftSeatReason.Declined, _time.GetUtcNow())));
        // No other agent is free: c1 is back at the head of the queue, ahead of nothing newer, with its wait time.
        Assert.That((await _acd.GetPositionAsync("c1"))!.Position, Is.EqualTo(1));

        // A third agent comes: c1 (arrived first) is offered at once, with its wait counted from its first arrival.
        await ReadyAsync("1003", "zhao");
        Assert.That(_calls.Offers.Last().Pop.CallId, Is.EqualTo("c1"));
        Assert.That(_calls.Offers.Last().Seat.Extension, Is.EqualTo("1003"));
        Assert.That(_calls.Offers.Last().Pop.WaitTime, Is.EqualTo(TimeSpan.FromSeconds(3)));

        // The old ring timer of the declined offer does nothing when it would have fired.
        await AdvanceAsync(Ring - TimeSpan.FromSeconds(3));
        Assert.That((await SeatAsync("1003")).State, Is.EqualTo(SeatState.Ringing));
        var history = await _acd.Store.GetHistoryAsync("1001");
        Assert.That(history.Select(h => h.To), Is.EqualTo(new[] { SeatState.NotReady, SeatState.Ready, SeatState.Reserved, SeatState.Ringing, SeatState.NotReady }));
    }

    [Test, CancelAfter(10_000)]
    public async Task A_declined_offer_goes_straight_to_a_free_agent_and_a_long_reason_is_cut()
    {
        await ReadyAsync("1001", "li");
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        await ReadyAsync("1002", "wang");
        await _acd.EnqueueAsync(Call("c1", "zh-taxi"));
        await AdvanceAsync(TimeSpan.FromSeconds(3));

        Assert.That(await _acd.OfferDeclinedAsync("c1", "1001", new string('r', 100)), Is.True);

        Assert.That((await SeatAsync("1001")).Reason, Has.Length.EqualTo(AutomaticCallDistributor.MaxReasonLength));
        Assert.That(_calls.Offers.Select(o => o.Seat.Extension), Is.EqualTo(new[] { "1001", "1002" }), "offered on at once, not after the ring timeout");
        Assert.That(_calls.Offers.Last().Pop.WaitTime, Is.EqualTo(TimeSpan.FromSeconds(3)));
        Assert.That((await SeatAsync("1002")).State, Is.EqualTo(SeatState.Ringing));
        Assert.That(await _acd.OfferDeclinedAsync("c1", "1001", "again"), Is.False, "a second decline from the old seat is stale");
    }

    [Test, CancelAfter(10_000)]
    public async Task With_no_other_agent_a_timed_out_call_waits_at_the_head_of_its_queue()
    {
        await ReadyAsync("1001", "li");
        await _acd.EnqueueAsync(Call("c1", "zh-taxi"));
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        await _acd.EnqueueAsync(Call("c2", "zh-taxi"));
        await AdvanceAsync(Ring);

        Assert.That((await _acd.GetPositionAsync("c1"))!.Position, Is.EqualTo(1));
        Assert.That((await _acd.GetPositionAsync("c2"))!.Position, Is.EqualTo(2));
        await _acd.SetReadyAsync("1001", "li");
        Assert.That(_calls.Offers.Select(o => o.Pop.CallId), Is.EqualTo(new[] { "c1", "c1" }));
    }

    [Test, CancelAfter(10_000)]
    public async Task A_caller_hanging_up_while_the_agent_rings_releases_the_seat()
    {
        await ReadyAsync("1001", "li");
        await _acd.EnqueueAsync(Call("c1", "zh-taxi"));
        await AdvanceAsync(TimeSpan.FromSeconds(3));
        await _acd.CallEndedAsync("c1");

        var seat = await SeatAsync("1001");
        Assert.That((seat.State, seat.CallId), Is.EqualTo((SeatState.Ready, (string?)null)));
        Assert.That(_desktops.Of<CallLeftSeat>().Single().Reason, Is.EqualTo(CallLeftSeatReason.CallerHungUp));
        await AdvanceAsync(Ring);
        Assert.That((await SeatAsync("1001")).State, Is.EqualTo(SeatState.Ready), "the ring timer was cancelled");
        Assert.That(_calls.Withdrawn, Is.Empty);
        Assert.That(await _acd.AgentAnsweredAsync("c1"), Is.False, "too late to answer");
        Assert.That((await _acd.Store.GetSeatsAsync()).Where(s => s.State == SeatState.Reserved), Is.Empty);
    }

    [Test, CancelAfter(10_000)]
    public async Task Answer_talk_wrap_up_then_ready_by_itself_and_the_next_call_is_offered()
    {
        await ReadyAsync("1001", "li");
        await _acd.EnqueueAsync(Call("c1", "zh-taxi"));
        await AdvanceAsync(TimeSpan.FromSeconds(4));
        Assert.That(await _acd.AgentAnsweredAsync("c1"), Is.True);
        Assert.That((await SeatAsync("1001")).State, Is.EqualTo(SeatState.OnCall));
        await AdvanceAsync(Ring * 3);
        Assert.That((await SeatAsync("1001")).State, Is.EqualTo(SeatState.OnCall), "no ring timeout once answered");

        await _acd.EnqueueAsync(Call("c2", "zh-general"));
        await _acd.CallEndedAsync("c1");
        Assert.That((await SeatAsync("1001")).State, Is.EqualTo(SeatState.WrapUp));
        await AdvanceAsync(WrapUp - TimeSpan.FromSeconds(1));
        Assert.That((await SeatAsync("1001")).State, Is.EqualTo(SeatState.WrapUp));
        await AdvanceAsync(TimeSpan.FromSeconds(1));

        Assert.That(_calls.Offers.Select(o => o.Pop.CallId), Is.EqualTo(new[] { "c1", "c2" }));
        Assert.That((await SeatAsync("1001")).State, Is.EqualTo(SeatState.Ringing));
        var history = await _acd.Store.GetHistoryAsync("1001");
        Assert.That(history.Select(h => h.To), Is.EqualTo(new[]
        {
            SeatState.NotReady, SeatState.Ready, SeatState.Reserved, SeatState.Ringing, SeatState.OnCall,
            SeatState.WrapUp, SeatState.Ready, SeatState.Reserved, SeatState.Ringing,
        }));
        Assert.That(history[6].At - history[5].At, Is.EqualTo(WrapUp));
        Assert.That(_desktops.Of<WrapUpEnded>().Single(), Is.EqualTo(new WrapUpEnded("c1", "1001", "li", history[6].At)), "the wrap-up time ran out");
        Assert.That(_desktops.Of<CallAnswered>().Single().CallId, Is.EqualTo("c1"));
        Assert.That(_desktops.Of<CallLeftSeat>().Single().Reason, Is.EqualTo(CallLeftSeatReason.Completed));
    }

    [Test, CancelAfter(10_000)]
    public async Task An_agent_going_NotReady_during_wrap_up_is_not_forced_back_to_Ready()
    {
        await ReadyAsync("1001", "li");
        await _acd.EnqueueAsync(Call("c1", "zh-taxi"));
        await _acd.AgentAnsweredAsync("c1");
        await _acd.CallEndedAsync("c1");
        await AdvanceAsync(TimeSpan.FromSeconds(7));
        Assert.That((await _acd.SetNotReadyAsync("1001", "li", "lunch")).Succeeded, Is.True);
        await AdvanceAsync(WrapUp);
        var seat = await SeatAsync("1001");
        Assert.That((seat.State, seat.Reason), Is.EqualTo((SeatState.NotReady, "lunch")));
        Assert.That(_desktops.Of<WrapUpEnded>().Single(), Is.EqualTo(new WrapUpEnded("c1", "1001", "li", seat.StateSince)),
            "wrap-up ended when the agent left it, once; the timer found nothing to end");
        Assert.That((await _acd.SetReadyAsync("1001", "li")).Succeeded, Is.True);
        Assert.That(_desktops.Of<WrapUpEnded>().Count(), Is.EqualTo(1), "leaving NotReady is not the end of a wrap-up");
    }

    [Test, CancelAfter(10_000)]
    public async Task Ready_by_hand_or_logging_out_during_wrap_up_ends_the_wrap_up_of_that_call()
    {
        await ReadyAsync("1001", "li");
        await ReadyAsync("1002", "chen");
        await _acd.EnqueueAsync(Call("c1", "zh-taxi"));
        await _acd.EnqueueAsync(Call("c2", "zh-general"));
        await _acd.AgentAnsweredAsync("c1");
        await _acd.AgentAnsweredAsync("c2");
        await _acd.CallEndedAsync("c1");
        await _acd.CallEndedAsync("c2");
        await AdvanceAsync(TimeSpan.FromSeconds(3));
        var readyAt = _time.GetUtcNow();
        Assert.That((await _acd.SetReadyAsync("1001", "li")).Succeeded, Is.True);
        await AdvanceAsync(TimeSpan.FromSeconds(2));
        var loggedOutAt = _time.GetUtcNow();
        Assert.That((await _acd.LogoutAsync("1002", "chen")).Succeeded, Is.True);
        await AdvanceAsync(WrapUp);
        Assert.That(_desktops.Of<WrapUpEnded>(), Is.EqualTo(new[]
        {
            new WrapUpEnded("c1", "1001", "li", readyAt),
            new WrapUpEnded("c2", "1002", "chen", loggedOutAt),
        }));
    }

    [Test, CancelAfter(10_000)]
    public async Task An_unreachable_seat_goes_NotReady_and_the_call_goes_on()
    {
        _calls.Unreachable.Add("1001");
        await ReadyAsync("1001", "li");
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        await ReadyAsync("1002", "wang");
        await _acd.EnqueueAsync(Call("c1", "zh-taxi"));

        Assert.That(_calls.Offers.Select(o => o.Seat.Extension), Is.EqualTo(new[] { "1001", "1002" }));
        var seat = await SeatAsync("1001");
        Assert.That((seat.State, seat.Reason), Is.EqualTo((SeatState.NotReady, "unreachable")));
    }

    [Test, CancelAfter(10_000)]
    public async Task Agents_act_only_on_their_own_seat_and_only_in_legal_states()
    {
        Assert.That((await _acd.LoginAsync("1001", "nobody")).Error, Is.EqualTo(SeatError.UnknownAgent));
        await ReadyAsync("1001", "li");
        Assert.That((await _acd.SetNotReadyAsync("1001", "wang", "break")).Error, Is.EqualTo(SeatError.WrongAgent));
        Assert.That((await _acd.LogoutAsync("1001", "wang")).Error, Is.EqualTo(SeatError.WrongAgent));
        await _acd.EnqueueAsync(Call("c1", "zh-taxi"));
        Assert.That((await _acd.SetNotReadyAsync("1001", "li", "break")).Error, Is.EqualTo(SeatError.IllegalTransition), "not while ringing");
        Assert.That((await _acd.SetReadyAsync("1001", "li")).Error, Is.EqualTo(SeatError.IllegalTransition));
        Assert.That((await _acd.LogoutAsync("1001", "li")).Error, Is.EqualTo(SeatError.IllegalTransition));
        Assert.That(() => _acd.SetNotReadyAsync("1001", "li", "  "), Throws.ArgumentException);
        Assert.That(() => _acd.SetNotReadyAsync("1001", "li", new string('x', 65)), Throws.ArgumentException);
        Assert.That(() => _acd.EnqueueAsync(Call("c9", "no-such-queue")), Throws.ArgumentException);
    }

    [Test, CancelAfter(10_000)]
    public async Task A_seat_left_ringing_by_a_node_that_is_gone_is_freed_by_the_sweep()
    {
        await ReadyAsync("1001", "li");
        await ReadyAsync("1002", "wang");
        // Another node reserved li for its call, rang, and died.
        await _acd.Store.TryReserveAsync(["zh"], "ghost", _time.GetUtcNow());
        await _acd.Store.TransitionAsync(new SeatTransitionRequest("1001", SeatState.Ringing), _time.GetUtcNow());
        // This node's own ringing call is left alone by the sweep.
        await _acd.EnqueueAsync(Call("c1", "zh-taxi"));
        Assert.That(_calls.Offers.Single().Seat.Extension, Is.EqualTo("1002"));
        await _acd.AgentAnsweredAsync("c1");

        await AdvanceAsync(Ring + TimeSpan.FromSeconds(10));
        Assert.That((await SeatAsync("1001")).State, Is.EqualTo(SeatState.Ringing), "not stale yet");
        await AdvanceAsync(Ring);
        var li = await SeatAsync("1001");
        Assert.That((li.State, li.Reason, li.CallId), Is.EqualTo((SeatState.NotReady, AutomaticCallDistributor.StaleReason, (string?)null)));
        Assert.That((await SeatAsync("1002")).State, Is.EqualTo(SeatState.OnCall));
    }

    [Test, CancelAfter(10_000)]
    public async Task Seats_holding_calls_lost_with_their_node_go_through_wrap_up_to_ready()
    {
        await ReadyAsync("1001", "li");
        await ReadyAsync("1002", "wang");
        // Another node's call reached li and was answered; then that node died.
        await _acd.Store.TryReserveAsync(["zh"], "ghost", _time.GetUtcNow());
        foreach (var state in new[] { SeatState.Ringing, SeatState.OnCall })
            await _acd.Store.TransitionAsync(new SeatTransitionRequest("1001", state, ExpectedCallId: "ghost"), _time.GetUtcNow());
        // This node's own call is named too (a confused sweep): it is left alone.
        await _acd.EnqueueAsync(Call("c1", "zh-taxi"));
        Assert.That(_calls.Offers.Single().Seat.Extension, Is.EqualTo("1002"));
        await _acd.AgentAnsweredAsync("c1");

        Assert.That(await _acd.ReleaseSeatsOfLostCallsAsync(["ghost", "c1", "never-seen"]), Is.EqualTo(1));
        var li = await SeatAsync("1001");
        Assert.That((li.State, li.CallId), Is.EqualTo((SeatState.WrapUp, (string?)"ghost")));
        Assert.That(_desktops.Of<CallLeftSeat>().Single(), Is.EqualTo(new CallLeftSeat("ghost", "1001", "li", CallLeftSeatReason.NodeLost, _time.GetUtcNow())));
        Assert.That((await SeatAsync("1002")).State, Is.EqualTo(SeatState.OnCall), "this node's live call keeps its seat");
        Assert.That(await _acd.ReleaseSeatsOfLostCallsAsync(["ghost"]), Is.Zero, "a second survivor finds nothing to do");

        await AdvanceAsync(WrapUp);
        Assert.That((await SeatAsync("1001")).State, Is.EqualTo(SeatState.Ready), "this node's wrap-up timer ends it");
    }

    [Test, CancelAfter(10_000)]
    public async Task A_wrap_up_whose_timer_died_with_its_node_is_ended_by_the_sweep()
    {
        await ReadyAsync("1001", "li");
        // Another node's call ended at li's seat and the seat went into wrap-up; then that node died with the timer.
        await _acd.Store.TryReserveAsync(["zh"], "ghost", _time.GetUtcNow());
        foreach (var state in new[] { SeatState.Ringing, SeatState.OnCall, SeatState.WrapUp })
            await _acd.Store.TransitionAsync(new SeatTransitionRequest("1001", state, ExpectedCallId: "ghost"), _time.GetUtcNow());

        await AdvanceAsync(Ring);
        await AdvanceAsync(Ring);
        Assert.That((await SeatAsync("1001")).State, Is.EqualTo(SeatState.WrapUp), "not past the wrap-up time and the grace yet");
        await AdvanceAsync(Ring);
        var li = await SeatAsync("1001");
        Assert.That((li.State, li.CallId), Is.EqualTo((SeatState.Ready, (string?)null)));
        Assert.That(_desktops.Of<WrapUpEnded>().Single().CallId, Is.EqualTo("ghost"), "the wrap-up's end is reported for handle time");
    }

    [Test, CancelAfter(10_000)]
    public async Task A_call_needing_extra_skills_waits_for_an_agent_who_has_them_all()
    {
        await ReadyAsync("1003", "chen");
        var charity = await _acd.EnqueueAsync(Call("c1", "zh-general") with { Skills = ["Charity"] });
        Assert.That(charity!.Queue, Is.EqualTo("zh-general+charity"), "chen lacks charity: the call waits in its route");
        Assert.That(_calls.Offers, Is.Empty);
        Assert.That(await _acd.EnqueueAsync(Call("c2", "zh-general")), Is.Null, "a plain general call goes to chen");

        await ReadyAsync("1005", "zhao");
        var offer = _calls.Offers.Last();
        Assert.That((offer.Pop.CallId, offer.Seat.Extension, offer.Pop.Queue), Is.EqualTo(("c1", "1005", "zh-general")));
        Assert.That(() => _acd.EnqueueAsync(Call("c3", "zh-general") with { Skills = ["no,comma"] }), Throws.ArgumentException);
    }

    [Test, CancelAfter(10_000)]
    public async Task The_language_is_a_required_skill()
    {
        await ReadyAsync("1004", "amy");
        await _acd.EnqueueAsync(Call("c1", "en-general") with { Language = "zh" });
        Assert.That(_calls.Offers, Is.Empty, "amy speaks no zh");
        await _acd.EnqueueAsync(Call("c2", "en-general") with { Language = "en" });
        Assert.That(_calls.Offers.Single().Pop.CallId, Is.EqualTo("c2"));
    }

    [Test, CancelAfter(10_000)]
    public async Task A_ready_agent_takes_the_best_call_across_the_queues_they_are_skilled_for()
    {
        await _acd.EnqueueAsync(Call("g1", "zh-general"));
        await AdvanceAsync(TimeSpan.FromSeconds(1));
        await _acd.EnqueueAsync(Call("t1", "zh-taxi"));
        await _acd.EnqueueAsync(Call("e1", "en-general", priority: 50));
        await ReadyAsync("1001", "li");
        Assert.That(_calls.Offers.Single().Pop.CallId, Is.EqualTo("t1"), "the taxi queue's priority outranks the earlier general call; en is not li's");
    }

    [Test, CancelAfter(10_000)]
    public async Task A_desktop_lost_mid_call_lets_the_call_end_then_parks_the_seat_and_logs_out_after_the_grace()
    {
        await ReadyAsync("1001", "li");
        await _acd.EnqueueAsync(Call("c1", "zh-taxi"));
        Assert.That(await _acd.AgentAnsweredAsync("c1"), Is.True);
        await _acd.DesktopLostAsync("li");
        Assert.That((await SeatAsync("1001")).State, Is.EqualTo(SeatState.OnCall), "the call is on the phone, not the desktop");

        await _acd.EnqueueAsync(Call("c2", "zh-taxi"));
        await _acd.CallEndedAsync("c1");
        await AdvanceAsync(WrapUp);
        var parked = await SeatAsync("1001");
        Assert.That((parked.State, parked.Reason), Is.EqualTo((SeatState.NotReady, AutomaticCallDistributor.DesktopLostReason)), "not Ready without a desktop");
        Assert.That(_calls.Offers.Select(o => o.Pop.CallId), Is.EqualTo(new[] { "c1" }), "the next call is not offered to the agent");
        Assert.That(_desktops.Of<WrapUpEnded>().Single().CallId, Is.EqualTo("c1"), "the wrap-up end is still reported");

        await AdvanceAsync(new AcdOptions().DesktopGrace);
        Assert.That((await SeatAsync("1001")).State, Is.EqualTo(SeatState.LoggedOut), "logged out: the desktop did not come back");
        Assert.That(await _acd.Store.FindSeatOfAgentAsync("li"), Is.Null);
    }

    [Test, CancelAfter(10_000)]
    public async Task A_desktop_that_comes_back_within_the_grace_keeps_the_login()
    {
        await ReadyAsync("1001", "li");
        await _acd.DesktopLostAsync("li");
        Assert.That((await SeatAsync("1001")).Reason, Is.EqualTo(AutomaticCallDistributor.DesktopLostReason));
        await AdvanceAsync(TimeSpan.FromSeconds(10));
        await _acd.DesktopBackAsync("li");
        await AdvanceAsync(new AcdOptions().DesktopGrace * 2);
        var seat = await SeatAsync("1001");
        Assert.That((seat.AgentId, seat.State), Is.EqualTo(("li", SeatState.NotReady)), "still logged in; the agent chooses Ready");
        Assert.That((await _acd.SetReadyAsync("1001", "li")).Succeeded, Is.True);
    }
}
