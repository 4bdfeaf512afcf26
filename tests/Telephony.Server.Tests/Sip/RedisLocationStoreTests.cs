using StackExchange.Redis;
using Telephony.Sip.Registrar;
using Telephony.Tests.Shared;

namespace Telephony.Server.Tests.Sip;

/// <summary>
/// The location store contract over Redis (TELEPHONY_TEST_REDIS, default 127.0.0.1:6390), under a prefix of the test's
/// own; a second store on its own connection plays another node.
/// </summary>
[CancelAfter(30_000)]
public sealed class RedisLocationStoreTests : LocationStoreContract
{
    private static string RedisEndpoint =>
        Environment.GetEnvironmentVariable("TELEPHONY_TEST_REDIS") is { Length: > 0 } e ? e : "127.0.0.1:6390";

    private readonly List<ConnectionMultiplexer> _connections = [];
    private string _prefix = "";

    protected override async Task<ILocationStore> CreateStoreAsync(TimeProvider time)
    {
        _prefix = "test:loc:" + Guid.NewGuid().ToString("N");
        return new RedisLocationStore(await ConnectAsync(), _prefix, time);
    }

    protected override async Task<ILocationStore?> SecondViewAsync(TimeProvider time) => new RedisLocationStore(await ConnectAsync(), _prefix, time);

    [Test]
    public async Task The_key_lives_as_long_as_its_last_binding_and_no_longer()
    {
        var redis = await ConnectAsync();
        var store = new RedisLocationStore(redis, _prefix, TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        await store.ApplyAsync("sip:1001@test.local", [new Binding("sip:1001@test.local", "sip:a@1", "c", 1, now.AddSeconds(120))], []);
        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync("{" + _prefix + "}:loc:sip:1001@test.local");
        Assert.That(ttl!.Value.TotalSeconds, Is.InRange(115, 125), "an abandoned registration leaves nothing behind in Redis");
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task Registrations_come_back_after_a_redis_restart_without_persistence_and_newer_ones_are_kept()
    {
        // A redis-server of this test's own (43000-43009, the multi-node drills' ports), restarted with SHUTDOWN NOSAVE.
        await using var server = await RedisServerProcess.StartAsync(43000, 43009);
        await using var redisA = await ConnectionMultiplexer.ConnectAsync(RedisSeatStore.ConnectionOptions(server.EndPoint));
        await using var redisB = await ConnectionMultiplexer.ConnectAsync(RedisSeatStore.ConnectionOptions(server.EndPoint));
        var nodeA = new RedisLocationStore(redisA, "test:loc-restart", TimeProvider.System);
        var nodeB = new RedisLocationStore(redisB, "test:loc-restart", TimeProvider.System);
        var now = DateTimeOffset.UtcNow;
        await nodeA.ApplyAsync("sip:1001@test.local", [new Binding("sip:1001@test.local", "sip:1001@10.0.0.1", "c1", 1, now.AddMinutes(10))], []);
        await nodeA.ApplyAsync("sip:1002@test.local", [new Binding("sip:1002@test.local", "sip:1002@10.0.0.2", "c2", 1, now.AddSeconds(2))], []);
        await nodeB.ApplyAsync("sip:1003@test.local", [new Binding("sip:1003@test.local", "sip:1003@10.0.0.3", "c3", 1, now.AddMinutes(10))], []);
        await nodeB.ApplyAsync("sip:1001@test.local", [new Binding("sip:1001@test.local", "sip:1001@10.0.0.9", "c9", 1, now.AddMinutes(10))], []);

        await server.StopAsync();
        await Task.Delay(2500); // 1002's binding expires while Redis is away
        await server.StartAgainAsync();
        // A phone registers through node b again before the nodes notice: that binding is newer than node a's copy.
        var newer = new Binding("sip:1001@test.local", "sip:1001@10.0.0.1", "c1", 2, DateTimeOffset.UtcNow.AddMinutes(30));
        await RetryAsync(() => nodeB.ApplyAsync("sip:1001@test.local", [newer], []).AsTask());

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while ((await TryBindingsAsync(nodeB, "sip:1003@test.local")).Count == 0 || (await TryBindingsAsync(nodeB, "sip:1001@test.local")).Count < 2)
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "both nodes put their registrations back once they reconnected");
            await Task.Delay(200);
        }
        var seat1001 = await nodeA.GetBindingsAsync("sip:1001@test.local");
        Assert.That(seat1001.Select(b => (b.ContactUri, b.CSeq)), Is.EquivalentTo(new[] { ("sip:1001@10.0.0.1", 2u), ("sip:1001@10.0.0.9", 1u) }),
            "both nodes' contacts of the seat, and the one registered since the restart is not overwritten by the older copy");
        Assert.That(await nodeA.GetBindingsAsync("sip:1002@test.local"), Is.Empty, "an expired registration is not put back");
        Assert.That(await nodeA.RestoreIfEmptiedAsync(), Is.Zero, "a reconnect to a store that kept its data puts back nothing");
    }

    private static async Task<IReadOnlyList<Binding>> TryBindingsAsync(ILocationStore store, string aor)
    {
        try
        {
            return await store.GetBindingsAsync(aor);
        }
        catch (RedisException)
        {
            return [];
        }
    }

    private static async Task RetryAsync(Func<Task> write)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await write();
                return;
            }
            catch (RedisException) when (attempt < 100)
            {
                await Task.Delay(100);
            }
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(RedisEndpoint + ",abortConnect=true");
        _connections.Add(redis);
        return redis;
    }

    [TearDown]
    public async Task DeleteKeysAsync()
    {
        if (_connections.Count > 0)
        {
            var redis = _connections[0];
            var server = redis.GetServer(redis.GetEndPoints()[0]);
            await foreach (var key in server.KeysAsync(pattern: "{" + _prefix + "}:*"))
                await redis.GetDatabase().KeyDeleteAsync(key);
        }
        foreach (var c in _connections)
        {
            await c.DisposeAsync();
        }
        _connections.Clear();
    }
}
