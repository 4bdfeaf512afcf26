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
