namespace Telephony.ContactCenter.Tests;

/// <summary>The real redis-server the tests use (TELEPHONY_TEST_REDIS, default 127.0.0.1:6390). Missing Redis fails the test.</summary>
internal static class TestRedis
{
    public static string Endpoint =>
        Environment.GetEnvironmentVariable("TELEPHONY_TEST_REDIS") is { Length: > 0 } e ? e : "127.0.0.1:6390";

    public static async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var options = ConfigurationOptions.Parse(Endpoint);
        options.AbortOnConnectFail = true;
        options.ConnectTimeout = 5000;
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    public static string UniquePrefix() => "test:cc:" + Guid.NewGuid().ToString("N");

    /// <summary>Deletes every key the store wrote under <paramref name="prefix"/> (hash-tagged as the store does).</summary>
    public static async Task DeleteKeysAsync(ConnectionMultiplexer redis, string prefix)
    {
        var db = redis.GetDatabase();
        foreach (var endpoint in redis.GetEndPoints())
        {
            var server = redis.GetServer(endpoint);
            await foreach (var key in server.KeysAsync(pattern: "{" + prefix + "}:*"))
                await db.KeyDeleteAsync(key);
        }
    }
}
