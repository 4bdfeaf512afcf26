namespace Telephony.ContactCenter.Tests.Routing;

/// <summary>Two ACD nodes on one real Redis: a call waiting on one node is served by an agent who becomes Ready through the other.</summary>
[CancelAfter(20_000)]
public sealed class CrossNodeAcdTests
{
    private static readonly TimeSpan Ring = TimeSpan.FromSeconds(20);
    private readonly List<IAsyncDisposable> _owned = [];
    private FakeTimeProvider _time = null!;
    private string _prefix = "";
    private ConnectionMultiplexer _cleanup = null!;

    [SetUp]
    public async Task SetUpAsync()
    {
        _time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 27, 10, 0, 0, TimeSpan.Zero));
        _prefix = TestRedis.UniquePrefix();
        _cleanup = await TestRedis.ConnectAsync();
    }

    [TearDown]
    public async Task TearDownAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
            await owned.DisposeAsync();
        _owned.Clear();
        await TestRedis.DeleteKeysAsync(_cleanup, _prefix);
        await _cleanup.DisposeAsync();
    }

    private async Task<(AutomaticCallDistributor Acd, RecordingCallControl Calls)> NodeAsync(string name)
    {
        var redis = await TestRedis.ConnectAsync();
        _owned.Add(redis);
        var calls = new RecordingCallControl();
        var acd = new AutomaticCallDistributor(
            new RedisSeatStore(redis, _prefix), calls, new RecordingDesktops(), new RedisAcdNodeLink(redis, _prefix),
            new AgentDirectory([new AgentProfile("li", "Li Wei", ["zh", "general"])]),
            new AcdOptions
            {
                Node = name,
                RingTimeout = Ring,
                Seats = ["1001", "1002"],
                Queues = [new QueueDefinition("zh-general", ["zh", "general"], 0, TimeSpan.FromMinutes(4))],
            },
            _time, NullLogger<AutomaticCallDistributor>.Instance);
        _owned.Add(acd);
        await acd.InitializeAsync();
        return (acd, calls);
    }

    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        // Pub/sub delivery is real network I/O: poll briefly (bounded by the test's CancelAfter).
        while (!await condition())
            await Task.Delay(10);
    }

    [Test]
    public async Task An_agent_ready_on_one_node_gets_the_call_waiting_on_the_other()
    {
        var (a, callsA) = await NodeAsync("node-a");
        var (b, callsB) = await NodeAsync("node-b");
        var position = await a.EnqueueAsync(new InboundCall("c1", "+8613900000001", "12345", "zh-general", 0, "zh", ["welcome"], "1"));
        Assert.That(position!.Position, Is.EqualTo(1));

        await b.LoginAsync("1001", "li");
        await b.SetReadyAsync("1001", "li");

        await EventuallyAsync(async () => (await a.Store.GetSeatAsync("1001"))!.State == SeatState.Ringing);
        await a.IdleAsync();
        Assert.That(callsA.Offers.Single().Pop.CallId, Is.EqualTo("c1"), "offered by the node that owns the call");
        Assert.That(callsB.Offers, Is.Empty);
        Assert.That(await a.GetPositionAsync("c1"), Is.Null);

        _time.Advance(Ring);
        await a.IdleAsync();
        await b.IdleAsync();
        Assert.That(callsA.Withdrawn.Single(), Is.EqualTo(("c1", "1001")), "the owner's ring timer ran");
        Assert.That((await a.Store.GetSeatAsync("1001"))!.Reason, Is.EqualTo("no answer"));
        Assert.That((await a.GetPositionAsync("c1"))!.Position, Is.EqualTo(1), "back in the queue");
    }

    [Test]
    public async Task A_call_of_a_node_that_is_gone_frees_the_seat_again()
    {
        var (b, callsB) = await NodeAsync("node-b");
        await b.Store.EnqueueAsync(new QueueEntry("orphan", "zh-general", 0, _time.GetUtcNow(), "node-z"));
        await b.LoginAsync("1001", "li");
        await b.SetReadyAsync("1001", "li");

        var seat = await b.Store.GetSeatAsync("1001");
        Assert.That((seat!.State, seat.CallId), Is.EqualTo((SeatState.Ready, (string?)null)));
        Assert.That(await b.Store.GetQueueAsync("zh-general"), Is.Empty);
        Assert.That(callsB.Offers, Is.Empty);
    }
}
