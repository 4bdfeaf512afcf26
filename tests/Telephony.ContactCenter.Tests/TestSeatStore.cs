namespace Telephony.ContactCenter.Tests;

/// <summary>
/// The seat store a fixture runs against, by the fixture's argument: "redis" (the real redis-server, keys under a
/// unique prefix, deleted on dispose) or "in-process".
/// </summary>
internal sealed class TestSeatStore : IAsyncDisposable
{
    private readonly ConnectionMultiplexer? _redis;
    private readonly string _prefix;

    private TestSeatStore(ISeatStore store, ConnectionMultiplexer? redis, string prefix)
    {
        Store = store;
        _redis = redis;
        _prefix = prefix;
    }

    public ISeatStore Store { get; }

    public static async Task<TestSeatStore> CreateAsync(string kind)
    {
        if (kind != "redis")
        {
            return new TestSeatStore(new InProcessSeatStore(), null, "");
        }
        var redis = await TestRedis.ConnectAsync();
        var prefix = TestRedis.UniquePrefix();
        return new TestSeatStore(new RedisSeatStore(redis, prefix), redis, prefix);
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await TestRedis.DeleteKeysAsync(_redis, _prefix);
            await _redis.DisposeAsync();
        }
    }
}
