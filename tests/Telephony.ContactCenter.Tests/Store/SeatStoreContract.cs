namespace Telephony.ContactCenter.Tests.Store;

/// <summary>The one contract every <see cref="ISeatStore"/> keeps; run against each implementation.</summary>
public abstract class SeatStoreContract
{
    protected static readonly DateTimeOffset T0 = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
    private static readonly string[] Seats = ["1001", "1002", "1003", "1004"];

    protected ISeatStore Store { get; private set; } = null!;

    /// <summary>A fresh, empty store (its own key space).</summary>
    protected abstract Task<ISeatStore> CreateStoreAsync();

    /// <summary>A second store over the same backing state (another "node"), or the same instance.</summary>
    protected abstract ISeatStore SecondNode();

    [SetUp]
    public async Task CreateAsync()
    {
        Store = await CreateStoreAsync();
        await Store.EnsureSeatsAsync(Seats, T0);
    }

    private static DateTimeOffset At(int seconds) => T0.AddSeconds(seconds);

    private async Task<SeatSnapshot> ReadyAsync(string ext, string agent, int atSecond, params string[] skills)
    {
        Assert.That((await Store.LoginAsync(ext, agent, skills, At(atSecond))).Succeeded, Is.True);
        var ready = await Store.TransitionAsync(new SeatTransitionRequest(ext, SeatState.Ready), At(atSecond));
        Assert.That(ready.Error, Is.EqualTo(SeatError.None));
        return ready.Seat!;
    }

    private static QueueEntry Call(string id, string queue, int priority, int atSecond) =>
        new(id, queue, priority, At(atSecond), "node-a");

    [Test]
    public async Task New_seats_are_logged_out_and_listed_in_order()
    {
        await Store.EnsureSeatsAsync(["1002", "1005"], At(5));
        var seats = await Store.GetSeatsAsync();
        Assert.That(seats.Select(s => s.Extension), Is.EqualTo(new[] { "1001", "1002", "1003", "1004", "1005" }));
        Assert.That(seats.Select(s => s.State), Is.All.EqualTo(SeatState.LoggedOut));
        Assert.That(seats[0].StateSince, Is.EqualTo(T0), "existing seats are untouched");
        Assert.That(await Store.GetSeatAsync("9999"), Is.Null);
    }

    [Test]
    public async Task Login_puts_the_agent_NotReady_with_normalized_skills()
    {
        var result = await Store.LoginAsync("1001", "a17", ["ZH", " taxi ", "zh"], At(1));
        Assert.That(result.Error, Is.EqualTo(SeatError.None));
        var seat = result.Seat!;
        Assert.Multiple(() =>
        {
            Assert.That(seat.AgentId, Is.EqualTo("a17"));
            Assert.That(seat.State, Is.EqualTo(SeatState.NotReady));
            Assert.That(seat.Reason, Is.EqualTo("login"));
            Assert.That(seat.Skills, Is.EqualTo(new[] { "taxi", "zh" }));
            Assert.That(seat.StateSince, Is.EqualTo(At(1)));
        });
        Assert.That(await Store.FindSeatOfAgentAsync("a17"), Is.EqualTo("1001"));
        Assert.That((await Store.LoginAsync("1001", "a17", ["zh"], At(2))).Succeeded, Is.True, "repeat login is a no-op");
    }

    [Test]
    public async Task A_seat_holds_one_agent_and_an_agent_one_seat()
    {
        await Store.LoginAsync("1001", "a1", ["zh"], At(1));
        Assert.That((await Store.LoginAsync("1001", "a2", ["zh"], At(2))).Error, Is.EqualTo(SeatError.SeatTaken));
        Assert.That((await Store.LoginAsync("1002", "a1", ["zh"], At(2))).Error, Is.EqualTo(SeatError.AgentElsewhere));
        Assert.That((await Store.LoginAsync("7777", "a3", ["zh"], At(2))).Error, Is.EqualTo(SeatError.UnknownSeat));
        Assert.That((await Store.LogoutAsync("1001", "a2", At(3))).Error, Is.EqualTo(SeatError.WrongAgent));
        Assert.That((await Store.LogoutAsync("1001", "a1", At(3))).Succeeded, Is.True);
        Assert.That(await Store.FindSeatOfAgentAsync("a1"), Is.Null);
        Assert.That((await Store.LoginAsync("1002", "a1", ["en"], At(4))).Succeeded, Is.True, "free to log in elsewhere after logout");
    }

    [Test]
    public void Invalid_skill_names_are_refused()
    {
        Assert.That(async () => await Store.LoginAsync("1001", "a1", ["zh,en"], At(1)), Throws.ArgumentException);
    }

    [TestCase(SeatState.OnCall)]
    [TestCase(SeatState.WrapUp)]
    [TestCase(SeatState.Ringing)]
    public async Task Illegal_transitions_are_refused_and_leave_no_trace(SeatState target)
    {
        await ReadyAsync("1001", "a1", 1, "zh");
        var before = await Store.GetHistoryAsync("1001");
        var result = await Store.TransitionAsync(new SeatTransitionRequest("1001", target), At(2));
        Assert.That(result.Error, Is.EqualTo(SeatError.IllegalTransition));
        Assert.That(result.Seat!.State, Is.EqualTo(SeatState.Ready));
        Assert.That(await Store.GetHistoryAsync("1001"), Has.Count.EqualTo(before.Count));
    }

    [Test]
    public async Task A_logged_out_seat_cannot_become_ready()
    {
        var result = await Store.TransitionAsync(new SeatTransitionRequest("1001", SeatState.Ready), At(1));
        Assert.That(result.Error, Is.EqualTo(SeatError.IllegalTransition));
    }

    [Test]
    public async Task Guards_refuse_another_agent_and_a_stale_call()
    {
        await ReadyAsync("1001", "a1", 1, "zh");
        var wrongAgent = await Store.TransitionAsync(new SeatTransitionRequest("1001", SeatState.NotReady, "lunch", ExpectedAgentId: "a2"), At(2));
        Assert.That(wrongAgent.Error, Is.EqualTo(SeatError.WrongAgent));
        var reserved = await Store.TryReserveAsync(["zh"], "call-1", At(3));
        Assert.That(reserved!.CallId, Is.EqualTo("call-1"));
        var stale = await Store.TransitionAsync(new SeatTransitionRequest("1001", SeatState.Ringing, ExpectedCallId: "call-0"), At(4));
        Assert.That(stale.Error, Is.EqualTo(SeatError.WrongCall));
        var ringing = await Store.TransitionAsync(new SeatTransitionRequest("1001", SeatState.Ringing, ExpectedCallId: "call-1"), At(4));
        Assert.That(ringing.Seat!.State, Is.EqualTo(SeatState.Ringing));
        Assert.That(ringing.Seat.CallId, Is.EqualTo("call-1"));
    }

    [Test]
    public async Task A_full_call_cycle_is_recorded_in_order_with_timestamps()
    {
        await ReadyAsync("1001", "a1", 1, "zh", "taxi");
        await Store.TryReserveAsync(["zh"], "c1", At(2));
        await Store.TransitionAsync(new SeatTransitionRequest("1001", SeatState.Ringing), At(3));
        await Store.TransitionAsync(new SeatTransitionRequest("1001", SeatState.OnCall), At(5));
        await Store.TransitionAsync(new SeatTransitionRequest("1001", SeatState.WrapUp), At(65));
        var seat = (await Store.TransitionAsync(new SeatTransitionRequest("1001", SeatState.Ready), At(95))).Seat!;
        Assert.That(seat.CallId, Is.Null, "Ready detaches the call");
        await Store.TransitionAsync(new SeatTransitionRequest("1001", SeatState.NotReady, "break"), At(100));
        await Store.LogoutAsync("1001", "a1", At(110));

        var history = await Store.GetHistoryAsync("1001");
        Assert.That(history.Select(h => (h.From, h.To, h.At)), Is.EqualTo(new[]
        {
            (SeatState.LoggedOut, SeatState.NotReady, At(1)),
            (SeatState.NotReady, SeatState.Ready, At(1)),
            (SeatState.Ready, SeatState.Reserved, At(2)),
            (SeatState.Reserved, SeatState.Ringing, At(3)),
            (SeatState.Ringing, SeatState.OnCall, At(5)),
            (SeatState.OnCall, SeatState.WrapUp, At(65)),
            (SeatState.WrapUp, SeatState.Ready, At(95)),
            (SeatState.Ready, SeatState.NotReady, At(100)),
            (SeatState.NotReady, SeatState.LoggedOut, At(110)),
        }));
        Assert.That(history.Take(7).Skip(2).Select(h => h.CallId), Is.All.EqualTo("c1"));
        Assert.That(history.Select(h => h.AgentId), Is.All.EqualTo("a1"));
        Assert.That(history[7].Reason, Is.EqualTo("break"));
    }

    [Test]
    public async Task Reservation_picks_the_longest_idle_agent_having_every_skill()
    {
        await ReadyAsync("1001", "a1", 30, "zh", "taxi");
        await ReadyAsync("1002", "a2", 10, "zh", "general");
        await ReadyAsync("1003", "a3", 20, "zh", "taxi");
        await ReadyAsync("1004", "a4", 5, "en", "taxi");

        Assert.That((await Store.TryReserveAsync(["zh", "taxi"], "c1", At(40)))!.Extension, Is.EqualTo("1003"));
        Assert.That((await Store.TryReserveAsync(["zh", "taxi"], "c2", At(41)))!.Extension, Is.EqualTo("1001"));
        Assert.That(await Store.TryReserveAsync(["zh", "taxi"], "c3", At(42)), Is.Null);
        Assert.That((await Store.TryReserveAsync([], "c4", At(43)))!.Extension, Is.EqualTo("1004"), "no skill needed: longest idle of all");
        Assert.That(await Store.TryReserveAsync(["deputy"], "c5", At(44)), Is.Null);
        var reserved = await Store.GetSeatAsync("1003");
        Assert.That((reserved!.State, reserved.CallId, reserved.IdleSince), Is.EqualTo((SeatState.Reserved, "c1", (DateTimeOffset?)null)));
    }

    [Test]
    public async Task Becoming_ready_again_resets_the_idle_time()
    {
        await ReadyAsync("1001", "a1", 1, "zh");
        await ReadyAsync("1002", "a2", 2, "zh");
        await Store.TransitionAsync(new SeatTransitionRequest("1001", SeatState.NotReady, "break"), At(3));
        await Store.TransitionAsync(new SeatTransitionRequest("1001", SeatState.Ready), At(4));
        var seat = await Store.TryReserveAsync(["zh"], "c1", At(5));
        Assert.That(seat!.Extension, Is.EqualTo("1002"));
    }

    [Test]
    public async Task Queues_serve_by_priority_then_arrival_and_report_positions()
    {
        Assert.That(await Store.EnqueueAsync(Call("c1", "zh-general", 10, 1)), Is.EqualTo(1));
        Assert.That(await Store.EnqueueAsync(Call("c2", "zh-general", 10, 2)), Is.EqualTo(2));
        Assert.That(await Store.EnqueueAsync(Call("c3", "zh-general", 50, 3)), Is.EqualTo(1), "higher priority jumps ahead");
        Assert.That(await Store.EnqueueAsync(Call("c4", "zh-general", 5000, 4)), Is.EqualTo(1), "clamped, still first");
        Assert.That(await Store.EnqueueAsync(Call("c2", "zh-general", 10, 9)), Is.EqualTo(4), "enqueue is idempotent");

        var queue = await Store.GetQueueAsync("zh-general");
        Assert.That(queue.Select(e => e.CallId), Is.EqualTo(new[] { "c4", "c3", "c1", "c2" }));
        Assert.That(queue[0].Priority, Is.EqualTo(QueuePriority.Max));
        Assert.That(queue[2], Is.EqualTo(Call("c1", "zh-general", 10, 1)));

        Assert.That(await Store.RemoveFromQueueAsync("zh-general", "c3"), Is.True);
        Assert.That(await Store.RemoveFromQueueAsync("zh-general", "c3"), Is.False);
        Assert.That(await Store.RemoveFromQueueAsync("other", "c1"), Is.False);
        Assert.That(await Store.GetQueuePositionAsync("zh-general", "c2"), Is.EqualTo(3));
        Assert.That(await Store.GetQueuePositionAsync("zh-general", "c3"), Is.Null);
        Assert.That(await Store.GetQueueAsync("empty"), Is.Empty);
    }

    [Test]
    public async Task Waiting_queues_are_those_with_calls()
    {
        Assert.That(await Store.GetWaitingQueuesAsync(), Is.Empty);
        await Store.EnqueueAsync(Call("c1", "taxi+zh", 0, 1));
        await Store.EnqueueAsync(Call("c2", "general", 0, 2));
        Assert.That(await Store.GetWaitingQueuesAsync(), Is.EqualTo(new[] { "general", "taxi+zh" }));
        await Store.RemoveFromQueueAsync("general", "c2");
        Assert.That(await Store.GetWaitingQueuesAsync(), Is.EqualTo(new[] { "taxi+zh" }));
        await ReadyAsync("1001", "a1", 3, "zh", "taxi");
        await Store.TryAssignQueueHeadAsync(new QueueDefinition("taxi+zh", ["taxi", "zh"], 0, TimeSpan.FromMinutes(1)), At(4));
        Assert.That(await Store.GetWaitingQueuesAsync(), Is.Empty);
    }

    [Test]
    public async Task A_queue_with_a_limit_counts_all_its_routes_and_refuses_past_it()
    {
        Assert.That(await Store.EnqueueWithinLimitAsync(Call("c1", "general", 0, 1), "general", 3), Is.EqualTo(1));
        Assert.That(await Store.EnqueueWithinLimitAsync(Call("c2", "general+taiwan+zh", 0, 2), "general", 3), Is.EqualTo(1), "a route of the queue");
        await Store.EnqueueAsync(Call("x1", "generalist", 0, 2)); // another queue whose name merely starts alike
        await Store.EnqueueAsync(Call("x2", "taxi+general", 0, 2)); // another queue's route
        Assert.That(await Store.EnqueueWithinLimitAsync(Call("c3", "general+zh", 0, 3), "general", 3), Is.EqualTo(1));

        Assert.That(await Store.EnqueueWithinLimitAsync(Call("c4", "general", 9, 4), "general", 3), Is.Null, "three waiting: full");
        Assert.That(await Store.GetQueuePositionAsync("general", "c4"), Is.Null, "a refused call is not queued");
        Assert.That(await Store.EnqueueWithinLimitAsync(Call("c1", "general", 0, 1), "general", 3), Is.EqualTo(1), "a call already queued is never refused");

        Assert.That(await Store.RemoveFromQueueAsync("general+zh", "c3"), Is.True);
        Assert.That(await Store.EnqueueWithinLimitAsync(Call("c4", "general", 9, 4), "general", 3), Is.EqualTo(1), "room again; its priority puts it first");
        Assert.That((await Store.GetQueueAsync("general")).Select(e => e.CallId), Is.EqualTo(new[] { "c4", "c1" }));
    }

    [Test]
    public async Task Two_nodes_cannot_overfill_a_limited_queue()
    {
        var other = SecondNode();
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            (i % 2 == 0 ? Store : other).EnqueueWithinLimitAsync(Call("c" + i, i % 3 == 0 ? "q" : "q+en", 0, i), "q", 4)));
        Assert.That(results.Count(r => r is not null), Is.EqualTo(4));
        Assert.That((await Store.GetQueueAsync("q")).Count + (await Store.GetQueueAsync("q+en")).Count, Is.EqualTo(4));
    }

    [Test]
    public async Task A_call_put_back_keeps_its_place()
    {
        await Store.EnqueueAsync(Call("c1", "q", 0, 1));
        await Store.EnqueueAsync(Call("c2", "q", 0, 2));
        await Store.EnqueueAsync(Call("c3", "q", 0, 3));
        await Store.RemoveFromQueueAsync("q", "c2");
        Assert.That(await Store.EnqueueAsync(Call("c2", "q", 0, 2)), Is.EqualTo(2));
        Assert.That((await Store.GetQueueAsync("q")).Select(e => e.CallId), Is.EqualTo(new[] { "c1", "c2", "c3" }));
    }

    [Test]
    public async Task Queue_head_goes_to_the_longest_idle_skilled_agent()
    {
        var queue = new QueueDefinition("zh-taxi", ["zh", "taxi"], 0, TimeSpan.FromMinutes(3));
        await Store.EnqueueAsync(Call("c1", "zh-taxi", 0, 1));
        await Store.EnqueueAsync(Call("c2", "zh-taxi", 7, 2));
        Assert.That(await Store.TryAssignQueueHeadAsync(queue, At(3)), Is.Null, "no agent yet");

        await ReadyAsync("1001", "a1", 10, "zh");
        Assert.That(await Store.TryAssignQueueHeadAsync(queue, At(11)), Is.Null, "agent lacks the taxi skill");
        await ReadyAsync("1002", "a2", 12, "zh", "taxi");
        await ReadyAsync("1003", "a3", 11, "zh", "taxi");

        var first = await Store.TryAssignQueueHeadAsync(queue, At(13));
        Assert.That((first!.Call.CallId, first.Seat.Extension, first.Seat.State, first.Seat.CallId),
            Is.EqualTo(("c2", "1003", SeatState.Reserved, "c2")));
        Assert.That(first.Call.Node, Is.EqualTo("node-a"));
        var second = await Store.TryAssignQueueHeadAsync(queue, At(14));
        Assert.That((second!.Call.CallId, second.Seat.Extension), Is.EqualTo(("c1", "1002")));
        Assert.That(await Store.GetQueueAsync("zh-taxi"), Is.Empty);
        Assert.That(await Store.TryAssignQueueHeadAsync(queue, At(15)), Is.Null);
    }

    [Test]
    public async Task A_ready_seat_takes_the_best_call_across_its_queues()
    {
        await Store.EnqueueAsync(Call("c1", "zh-general", 0, 1));
        await Store.EnqueueAsync(Call("c2", "zh-taxi", 0, 2));
        await Store.EnqueueAsync(Call("c3", "zh-taxi", 20, 3));
        await Store.EnqueueAsync(Call("c4", "en-general", 90, 4));
        await Store.LoginAsync("1001", "a1", ["zh", "taxi", "general"], At(5));
        Assert.That(await Store.TryAssignSeatAsync("1001", ["zh-general", "zh-taxi"], At(6)), Is.Null, "not Ready");
        await Store.TransitionAsync(new SeatTransitionRequest("1001", SeatState.Ready), At(7));

        var first = await Store.TryAssignSeatAsync("1001", ["zh-general", "zh-taxi"], At(8));
        Assert.That((first!.Call.CallId, first.Call.Queue, first.Seat.State), Is.EqualTo(("c3", "zh-taxi", SeatState.Reserved)));
        Assert.That(await Store.TryAssignSeatAsync("1001", ["zh-general", "zh-taxi"], At(9)), Is.Null, "now Reserved");

        await Store.TransitionAsync(new SeatTransitionRequest("1001", SeatState.Ready), At(10));
        var second = await Store.TryAssignSeatAsync("1001", ["zh-general", "zh-taxi"], At(11));
        Assert.That(second!.Call.CallId, Is.EqualTo("c1"), "equal priority: earliest arrival wins");
        Assert.That(await Store.TryAssignSeatAsync("1001", [], At(12)), Is.Null);
    }

    [Test, CancelAfter(30_000)]
    public async Task Parallel_reservations_never_double_book_across_nodes()
    {
        var extensions = Enumerable.Range(2001, 30).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        await Store.EnsureSeatsAsync(extensions, T0);
        for (var i = 0; i < extensions.Length; i++)
        {
            await Store.LoginAsync(extensions[i], "p" + i, ["zh"], At(1));
            await Store.TransitionAsync(new SeatTransitionRequest(extensions[i], SeatState.Ready), At(1 + i));
        }
        var nodes = new[] { Store, SecondNode() };
        var attempts = Enumerable.Range(0, 120).Select(i =>
            Task.Run(() => nodes[i % 2].TryReserveAsync(["zh"], "call-" + i, At(100))));
        var reserved = (await Task.WhenAll(attempts)).Where(s => s is not null).Select(s => s!).ToList();

        Assert.That(reserved, Has.Count.EqualTo(extensions.Length));
        Assert.That(reserved.Select(s => s.Extension), Is.Unique);
        Assert.That(reserved.Select(s => s.CallId), Is.Unique);
        var seats = await Store.GetSeatsAsync();
        Assert.That(seats.Where(s => extensions.Contains(s.Extension)).Select(s => s.State), Is.All.EqualTo(SeatState.Reserved));
        foreach (var seat in reserved)
            Assert.That(await Store.GetHistoryAsync(seat.Extension), Has.Exactly(1).Matches<SeatStateTransition>(h => h.To == SeatState.Reserved));
    }

    [Test, CancelAfter(30_000)]
    public async Task Parallel_queue_and_seat_assignment_hand_each_call_to_one_agent()
    {
        var queue = new QueueDefinition("zh-general", ["zh"], 0, TimeSpan.FromMinutes(3));
        var extensions = Enumerable.Range(3001, 20).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        await Store.EnsureSeatsAsync(extensions, T0);
        for (var i = 0; i < 30; i++)
            await Store.EnqueueAsync(Call("q" + i, "zh-general", i % 3, i));
        for (var i = 0; i < extensions.Length; i++)
        {
            await Store.LoginAsync(extensions[i], "p" + i, ["zh"], At(1));
            await Store.TransitionAsync(new SeatTransitionRequest(extensions[i], SeatState.Ready), At(1 + i));
        }
        var nodes = new[] { Store, SecondNode() };
        var byQueue = Enumerable.Range(0, 40).Select(i => Task.Run(() => nodes[i % 2].TryAssignQueueHeadAsync(queue, At(100))));
        var bySeat = extensions.Select((e, i) => Task.Run(() => nodes[(i + 1) % 2].TryAssignSeatAsync(e, ["zh-general"], At(100))));
        var assignments = (await Task.WhenAll(byQueue.Concat(bySeat))).Where(a => a is not null).Select(a => a!).ToList();

        Assert.That(assignments, Has.Count.EqualTo(20));
        Assert.That(assignments.Select(a => a.Call.CallId), Is.Unique);
        Assert.That(assignments.Select(a => a.Seat.Extension), Is.Unique);
        Assert.That(await Store.GetQueueAsync("zh-general"), Has.Count.EqualTo(10));
    }

    [Test]
    public async Task The_epoch_stays_while_the_store_keeps_its_seats()
    {
        var epoch = await Store.GetEpochAsync();
        Assert.That(epoch, Is.Not.Null.And.Not.Empty);
        Assert.That(await Store.EnsureSeatsAsync(["1001", "1009"], At(3)), Is.EqualTo(epoch), "provisioning again keeps it");
        Assert.That(await SecondNode().GetEpochAsync(), Is.EqualTo(epoch), "every node reads the same one");
    }

    [Test]
    public async Task Restore_puts_an_agent_back_in_the_state_it_had()
    {
        var before = new SeatSnapshot("1001", "a1", SeatState.Ready, null, ["zh", "taxi"], T0, T0, null);
        var restored = await Store.RestoreAsync(before, At(10));
        Assert.That(restored.Error, Is.EqualTo(SeatError.None));
        Assert.That((restored.Seat!.AgentId, restored.Seat.State, restored.Seat.Skills), Is.EqualTo(("a1", SeatState.Ready, (IReadOnlyList<string>)["taxi", "zh"])));
        Assert.That(await Store.FindSeatOfAgentAsync("a1"), Is.EqualTo("1001"));
        Assert.That((await Store.TryReserveAsync(["taxi"], "c1", At(11)))?.Extension, Is.EqualTo("1001"), "a restored Ready seat takes calls");

        var notReady = await Store.RestoreAsync(new SeatSnapshot("1002", "a2", SeatState.NotReady, "training", ["zh"], T0, null, null), At(10));
        Assert.That((notReady.Seat!.State, notReady.Seat.Reason), Is.EqualTo((SeatState.NotReady, "training")));
        var onCall = await Store.RestoreAsync(new SeatSnapshot("1003", "a3", SeatState.OnCall, null, ["zh"], T0, null, "c9"), At(10));
        Assert.That((onCall.Seat!.State, onCall.Seat.CallId), Is.EqualTo((SeatState.OnCall, "c9")));
        var wrapUp = await Store.TransitionAsync(new SeatTransitionRequest("1003", SeatState.WrapUp, ExpectedCallId: "c9"), At(12));
        Assert.That(wrapUp.Succeeded, Is.True, "the restored call's end moves the seat on");
    }

    [Test]
    public async Task Restore_never_double_books_a_seat_or_an_agent()
    {
        Assert.That((await Store.LoginAsync("1001", "other", ["zh"], At(1))).Succeeded, Is.True);
        var taken = await SecondNode().RestoreAsync(new SeatSnapshot("1001", "a1", SeatState.Ready, null, ["zh"], T0, T0, null), At(2));
        Assert.That(taken.Error, Is.EqualTo(SeatError.SeatTaken));
        Assert.That(taken.Seat!.AgentId, Is.EqualTo("other"));
        var elsewhere = await Store.RestoreAsync(new SeatSnapshot("1002", "other", SeatState.Ready, null, ["zh"], T0, T0, null), At(2));
        Assert.That(elsewhere.Error, Is.EqualTo(SeatError.AgentElsewhere));
        var again = await Store.RestoreAsync(new SeatSnapshot("1001", "other", SeatState.Ready, null, ["zh"], T0, T0, null), At(3));
        Assert.That((again.Error, again.Seat!.State), Is.EqualTo((SeatError.None, SeatState.NotReady)), "already there: nothing changes");
        Assert.That((await Store.RestoreAsync(new SeatSnapshot("9999", "x", SeatState.Ready, null, [], T0, T0, null), At(3))).Error, Is.EqualTo(SeatError.UnknownSeat));
    }
}
