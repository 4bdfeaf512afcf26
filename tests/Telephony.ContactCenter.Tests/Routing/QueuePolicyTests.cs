namespace Telephony.ContactCenter.Tests.Routing;

/// <summary>
/// Issue 14: queues that never strand a caller. Overflow to another queue or to the same queue with
/// relaxed skills after the configured time, a maximum wait ending in the configured end action, a
/// size limit refusing politely, priorities kept across an overflow; with both seat stores.
/// </summary>
[TestFixture("in-process")]
[TestFixture("redis")]
public sealed class QueuePolicyTests(string storeKind)
{
    private FakeTimeProvider _time = null!;
    private RecordingCallControl _calls = null!;
    private AutomaticCallDistributor _acd = null!;
    private TestSeatStore _seats = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 2, 0, 0, TimeSpan.Zero));
        _calls = new RecordingCallControl();
        _seats = await TestSeatStore.CreateAsync(storeKind);
        var agents = new AgentDirectory(
        [
            new AgentProfile("chen", "Chen Jie", ["zh", "general"]),
            new AgentProfile("lin", "Lin Tai", ["zh", "general", "taiwan"]),
            new AgentProfile("wu", "Wu Dai", ["zh", "deputies", "general"]),
        ]);
        var options = new AcdOptions
        {
            Node = "node-a",
            RingTimeout = TimeSpan.FromSeconds(20),
            WrapUpTime = TimeSpan.FromSeconds(30),
            Seats = AcdOptions.SeatRange(1001, 10),
            TaskQueue = AcdOptions.CallbackTasks,
            Queues =
            [
                new QueueDefinition("general", ["general"], 0, TimeSpan.FromMinutes(4), new QueuePolicy
                {
                    MaxWait = TimeSpan.FromMinutes(15),
                    Overflows = [new QueueOverflow(TimeSpan.FromSeconds(60), null, ["taiwan"])],
                }),
                new QueueDefinition("english", ["en"], 0, TimeSpan.FromMinutes(5), new QueuePolicy
                {
                    MaxWait = TimeSpan.FromSeconds(120),
                    EndAction = QueueEndAction.CallbackOffer,
                }),
                new QueueDefinition("deputies", ["deputies"], 0, TimeSpan.FromMinutes(5), new QueuePolicy
                {
                    Overflows = [new QueueOverflow(TimeSpan.FromSeconds(30), "general", [])],
                }),
                new QueueDefinition("small", ["general"], 0, TimeSpan.FromMinutes(4), new QueuePolicy { MaxSize = 2 }),
            ],
        };
        _acd = new AutomaticCallDistributor(_seats.Store, _calls, new RecordingDesktops(), new SingleNodeLink(), agents, options, _time, NullLogger<AutomaticCallDistributor>.Instance);
        await _acd.InitializeAsync();
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        await _acd.DisposeAsync();
        await _seats.DisposeAsync();
    }

    private static InboundCall Call(string id, string queue, string language = "zh", int priority = 0, params string[] skills) =>
        new(id, "+86138000000" + id[^1], "12345", queue, priority, language, [queue], "", skills);

    private async Task ReadyAsync(string ext, string agent)
    {
        Assert.That((await _acd.LoginAsync(ext, agent)).Succeeded, Is.True);
        Assert.That((await _acd.SetReadyAsync(ext, agent)).Succeeded, Is.True);
    }

    private async Task AdvanceAsync(TimeSpan by)
    {
        _time.Advance(by);
        await _acd.IdleAsync();
        await _acd.IdleAsync(); // work the first one posted
    }

    [Test, CancelAfter(10_000)]
    public async Task A_Taiwan_call_with_no_Taiwan_agent_reaches_a_general_agent_after_the_configured_time()
    {
        await ReadyAsync("1001", "chen");
        var position = await _acd.EnqueueAsync(Call("tw1", "general", skills: "taiwan"));
        Assert.That(position!.Queue, Is.EqualTo("general+taiwan+zh"), "waits for a Taiwan-trained agent first");
        Assert.That(_calls.Offers, Is.Empty, "chen lacks the taiwan skill");

        await AdvanceAsync(TimeSpan.FromSeconds(59));
        Assert.That(_calls.Offers, Is.Empty, "not before the configured 60 s");

        await AdvanceAsync(TimeSpan.FromSeconds(1));
        var offer = _calls.Offers.Single();
        Assert.That((offer.Pop.CallId, offer.Seat.AgentId), Is.EqualTo(("tw1", "chen")));
        Assert.That(offer.Pop.WaitTime, Is.EqualTo(TimeSpan.FromSeconds(60)), "the wait counts from the first queue");
    }

    [Test, CancelAfter(10_000)]
    public async Task A_Taiwan_agent_still_gets_the_call_first_when_one_is_there()
    {
        await ReadyAsync("1001", "chen");
        await _acd.EnqueueAsync(Call("tw1", "general", skills: "taiwan"));
        await AdvanceAsync(TimeSpan.FromSeconds(10));
        await ReadyAsync("1002", "lin");
        Assert.That(_calls.Offers.Single().Seat.AgentId, Is.EqualTo("lin"));
    }

    [Test, CancelAfter(10_000)]
    public async Task An_English_call_with_no_English_agent_gets_the_configured_fallback()
    {
        await ReadyAsync("1001", "chen");
        await _acd.EnqueueAsync(Call("en1", "english", language: "en"));
        await AdvanceAsync(TimeSpan.FromSeconds(119));
        Assert.That(_calls.Exits, Is.Empty);

        await AdvanceAsync(TimeSpan.FromSeconds(1));
        Assert.That(_calls.Exits.Single(), Is.EqualTo(new QueueExit("en1", "english", QueueExitReason.MaxWait, QueueEndAction.CallbackOffer)));
        Assert.That(_calls.Offers, Is.Empty);
        // The call-back offer (issue 13) keeps the caller's place: one who presses 1 waits on as a callback.
        Assert.That(await _acd.GetPositionAsync("en1"), Has.Property("Position").EqualTo(1), "the call keeps its place for the offer");
        Assert.That(_acd.WaitsEnded, Is.EqualTo(1));
        await AdvanceAsync(TimeSpan.FromSeconds(600));
        Assert.That(_calls.Exits, Has.Count.EqualTo(1), "the wait's end is offered once");
        await _acd.CallEndedAsync("en1"); // a caller who did not take it: the call's end removes it
        Assert.That(await _acd.GetPositionAsync("en1"), Is.Null, "the call has left the ACD");
        Assert.That(await _acd.Store.GetWaitingQueuesAsync(), Is.Empty);
    }

    [Test, CancelAfter(10_000)]
    public async Task A_callback_task_goes_to_a_Ready_agent_only_when_no_call_waits_for_them()
    {
        Assert.That(_acd.Queues.Select(q => q.Name), Does.Not.Contain("callback-tasks"), "not a queue calls can be sent to");
        // The task was queued before the caller arrived, and its entry waits longer: the caller still goes first.
        await _acd.EnqueueAsync(new InboundCall("task-1-1@node-a", "13800001234", "missed-call", "callback-tasks", 0, "", ["callback-task"], ""));
        await AdvanceAsync(TimeSpan.FromSeconds(5));
        await _acd.EnqueueAsync(Call("g1", "general"));
        await ReadyAsync("1001", "chen");
        Assert.That(_calls.Offers.Single().Pop.CallId, Is.EqualTo("g1"), "calls waiting always go before tasks");

        Assert.That(await _acd.AgentAnsweredAsync("g1"), Is.True);
        await _acd.CallEndedAsync("g1");
        await AdvanceAsync(TimeSpan.FromSeconds(30)); // wrap-up over: Ready, and no call waits
        Assert.That(_calls.Offers.Select(o => o.Pop.CallId), Is.EqualTo(new[] { "g1", "task-1-1@node-a" }));
        Assert.That(_calls.Offers.ElementAt(1).Pop.CallerNumber, Is.EqualTo("13800001234"));

        // A Ready agent gets a task queued while they wait.
        await ReadyAsync("1002", "lin");
        await _acd.EnqueueAsync(new InboundCall("task-2-1@node-a", "13800005678", "missed-call", "callback-tasks", 0, "", ["callback-task"], ""));
        Assert.That(_calls.Offers.Last().Seat.AgentId, Is.EqualTo("lin"));
    }

    [Test, CancelAfter(10_000)]
    public async Task A_full_queue_refuses_politely_and_counts_it()
    {
        Assert.That(await _acd.EnqueueAsync(Call("s1", "small")), Is.Not.Null);
        Assert.That(await _acd.EnqueueAsync(Call("s2", "small", skills: "charity")), Is.Not.Null, "a route of the queue counts too");
        Assert.That(await _acd.EnqueueAsync(Call("s3", "small")), Is.Null);

        Assert.That(_calls.Exits.Single(), Is.EqualTo(new QueueExit("s3", "small", QueueExitReason.Full, QueueEndAction.Message)));
        Assert.That(_acd.RefusedFull, Is.EqualTo(1));
        Assert.That(await _acd.GetPositionAsync("s3"), Is.Null);

        await _acd.CallEndedAsync("s1");
        Assert.That(await _acd.EnqueueAsync(Call("s4", "small")), Is.Not.Null, "room again once a caller left");
    }

    [Test, CancelAfter(10_000)]
    public async Task Priorities_are_kept_across_an_overflow()
    {
        await _acd.EnqueueAsync(Call("g1", "general"));
        await AdvanceAsync(TimeSpan.FromSeconds(5));
        await _acd.EnqueueAsync(Call("d1", "deputies", priority: 8));
        await AdvanceAsync(TimeSpan.FromSeconds(5));
        await _acd.EnqueueAsync(Call("g2", "general"));
        await AdvanceAsync(TimeSpan.FromSeconds(30));

        var general = await _acd.Store.GetQueueAsync("general+zh");
        Assert.That(general.Select(e => e.CallId), Is.EqualTo(new[] { "d1", "g1", "g2" }), "the deputy overflowed ahead of earlier general callers");
        Assert.That(_calls.PositionsOf("g1").Last(), Is.EqualTo(2));

        await ReadyAsync("1001", "chen");
        Assert.That(_calls.Offers.Single().Pop.CallId, Is.EqualTo("d1"));
    }

    [Test, CancelAfter(10_000)]
    public async Task An_overflow_due_while_the_call_rings_is_taken_when_it_comes_back()
    {
        await ReadyAsync("1002", "lin");
        await _acd.EnqueueAsync(Call("tw1", "general", skills: "taiwan"));
        Assert.That(_calls.Offers.Single().Seat.AgentId, Is.EqualTo("lin"));
        await ReadyAsync("1001", "chen");
        await AdvanceAsync(TimeSpan.FromSeconds(50));
        await _acd.OfferDeclinedAsync("tw1", "1002", "busy (486)");
        await _acd.IdleAsync();
        Assert.That(_calls.Offers.Count, Is.EqualTo(1), "50 s: still waiting for a Taiwan agent");

        await AdvanceAsync(TimeSpan.FromSeconds(10));
        Assert.That(_calls.Offers.Last().Seat.AgentId, Is.EqualTo("chen"));
    }

    [Test]
    public void The_expected_wait_is_said_only_when_it_is_worth_saying()
    {
        Assert.That(new QueuePosition("c", "q", 1, TimeSpan.FromSeconds(29)).WaitWorthSaying, Is.False);
        Assert.That(new QueuePosition("c", "q", 1, TimeSpan.Zero).WaitWorthSaying, Is.False, "an agent is Ready: nothing to say");
        var later = new QueuePosition("c", "q", 3, TimeSpan.FromSeconds(150));
        Assert.That((later.WaitWorthSaying, later.WaitMinutes), Is.EqualTo((true, 3)));
    }
}
