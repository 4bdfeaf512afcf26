using Microsoft.AspNetCore.Hosting;
using StackExchange.Redis;

namespace Telephony.Server.Tests.Agents;

/// <summary>
/// Two server nodes on one real Redis (TELEPHONY_TEST_REDIS, default 127.0.0.1:6390): they share the
/// seats, and a pop pushed on one node reaches the agent connected to the other via the backplane.
/// </summary>
[CancelAfter(30_000)]
public sealed class TwoNodeTests
{
    private static string RedisEndpoint =>
        Environment.GetEnvironmentVariable("TELEPHONY_TEST_REDIS") is { Length: > 0 } e ? e : "127.0.0.1:6390";

    private string _prefix = "";
    private TelephonyTestServer _nodeA = null!;
    private TelephonyTestServer _nodeB = null!;

    [SetUp]
    public void StartNodes()
    {
        _prefix = "test:srv:" + Guid.NewGuid().ToString("N");
        _nodeA = Node("a");
        _nodeB = Node("b");
    }

    /// <summary>A node on the shared Redis under this test's prefix (cleaned up below, not by the fixture).</summary>
    private TelephonyTestServer Node(string name) => new(new TelephonyTestServerOptions
    {
        Settings = new Dictionary<string, string>
        {
            ["ContactCenter:Redis"] = RedisEndpoint + ",abortConnect=true",
            ["ContactCenter:KeyPrefix"] = _prefix,
            ["ContactCenter:Node"] = name,
        },
    });

    [TearDown]
    public async Task StopNodesAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
        await using var redis = await ConnectionMultiplexer.ConnectAsync(RedisEndpoint);
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        await foreach (var key in server.KeysAsync(pattern: "{" + _prefix + "}:*"))
            await redis.GetDatabase().KeyDeleteAsync(key);
    }

    [Test]
    public async Task Both_nodes_share_seats_and_a_pop_crosses_the_backplane()
    {
        await using var desk = await AgentDesk.LoginAsync(_nodeA.Factory, "1001");
        await desk.Connection.InvokeAsync<SeatSnapshot>("Login", "1001");
        await desk.Connection.InvokeAsync<SeatSnapshot>("SetReady");

        var storeB = _nodeB.Service<AutomaticCallDistributor>().Store;
        Assert.That(storeB, Is.InstanceOf<RedisSeatStore>());
        var seen = await storeB.GetSeatAsync("1001");
        Assert.That((seen!.AgentId, seen.State), Is.EqualTo(("1001", SeatState.Ready)), "node b sees node a's login");

        // The ACD on node b cannot take the agent node a's desk shows as Ready twice.
        var first = await storeB.TryReserveAsync(["zh"], "call-1", DateTimeOffset.UtcNow);
        var second = await _nodeA.Service<AutomaticCallDistributor>().Store.TryReserveAsync(["zh"], "call-2", DateTimeOffset.UtcNow);
        Assert.That(first?.Extension, Is.EqualTo("1001"));
        Assert.That(second, Is.Null);

        await _nodeB.Service<IScreenPopNotifier>().PushScreenPopAsync(new(
            "call-1", "1001", "1001", "+8613800000000", "12345", ["welcome"], "", "zh", "zh-general", TimeSpan.FromSeconds(3), DateTimeOffset.UtcNow));
        Assert.That((await desk.Pops.Reader.ReadAsync()).CallId, Is.EqualTo("call-1"));
    }
}
