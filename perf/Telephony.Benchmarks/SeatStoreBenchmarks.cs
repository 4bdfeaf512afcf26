using BenchmarkDotNet.Attributes;
using StackExchange.Redis;
using Telephony.ContactCenter.Seats;
using Telephony.ContactCenter.Store;

namespace Telephony.Benchmarks;

/// <summary>
/// One ACD decision's store cost: reserve the longest-idle skilled seat out of 60 Ready seats, then
/// release it to Ready again. In-process store versus the Redis store (Lua, real redis-server at
/// TELEPHONY_TEST_REDIS, default 127.0.0.1:6390; loopback round trips included).
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class SeatStoreBenchmarks
{
    private static readonly string[] Skills = ["zh", "taxi"];
    private readonly DateTimeOffset _now = new(2026, 11, 27, 8, 0, 0, TimeSpan.Zero);
    private ConnectionMultiplexer? _redis;
    private string _prefix = "";
    private ISeatStore _inProcess = null!;
    private ISeatStore _redisStore = null!;

    [GlobalSetup]
    public async Task SetUpAsync()
    {
        var endpoint = Environment.GetEnvironmentVariable("TELEPHONY_TEST_REDIS") is { Length: > 0 } e ? e : "127.0.0.1:6390";
        _redis = await ConnectionMultiplexer.ConnectAsync(endpoint);
        _prefix = "bench:cc:" + Guid.NewGuid().ToString("N");
        _inProcess = await FillAsync(new InProcessSeatStore());
        _redisStore = await FillAsync(new RedisSeatStore(_redis, _prefix));
    }

    private async Task<ISeatStore> FillAsync(ISeatStore store)
    {
        var seats = Enumerable.Range(1001, 60).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        await store.EnsureSeatsAsync(seats, _now);
        for (var i = 0; i < seats.Length; i++)
        {
            await store.LoginAsync(seats[i], "a" + i, i % 2 == 0 ? ["zh", "taxi", "general"] : ["zh", "general"], _now);
            await store.TransitionAsync(new SeatTransitionRequest(seats[i], SeatState.Ready), _now.AddMilliseconds(i));
        }
        return store;
    }

    [GlobalCleanup]
    public async Task CleanUpAsync()
    {
        if (_redis is null)
            return;
        var server = _redis.GetServer(_redis.GetEndPoints()[0]);
        await foreach (var key in server.KeysAsync(pattern: "{" + _prefix + "}:*"))
            await _redis.GetDatabase().KeyDeleteAsync(key);
        await _redis.DisposeAsync();
    }

    private static async Task ReserveAndReleaseAsync(ISeatStore store, DateTimeOffset now)
    {
        var seat = await store.TryReserveAsync(Skills, "call", now) ?? throw new InvalidOperationException("no seat");
        await store.TransitionAsync(new SeatTransitionRequest(seat.Extension, SeatState.Ready, ExpectedCallId: "call"), now);
    }

    [Benchmark(Baseline = true)]
    public Task InProcess_reserve_and_release() => ReserveAndReleaseAsync(_inProcess, _now.AddMinutes(1));

    [Benchmark]
    public Task Redis_reserve_and_release() => ReserveAndReleaseAsync(_redisStore, _now.AddMinutes(1));
}
