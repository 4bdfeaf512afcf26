namespace Telephony.ContactCenter.Tests.Store;

/// <summary>The contract against the real redis-server at TELEPHONY_TEST_REDIS; each test gets its own key prefix, deleted afterwards.</summary>
[TestFixture]
public sealed class RedisSeatStoreTests : SeatStoreContract
{
    private ConnectionMultiplexer _first = null!;
    private ConnectionMultiplexer _second = null!;
    private string _prefix = "";

    [OneTimeSetUp]
    public async Task ConnectAsync()
    {
        _first = await TestRedis.ConnectAsync();
        _second = await TestRedis.ConnectAsync();
    }

    [OneTimeTearDown]
    public async Task DisconnectAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    protected override Task<ISeatStore> CreateStoreAsync()
    {
        _prefix = TestRedis.UniquePrefix();
        return Task.FromResult<ISeatStore>(new RedisSeatStore(_first, _prefix));
    }

    protected override ISeatStore SecondNode() => new RedisSeatStore(_second, _prefix);

    [TearDown]
    public Task CleanUpAsync() => TestRedis.DeleteKeysAsync(_first, _prefix);

    [Test, CancelAfter(20_000)]
    public async Task An_unreachable_Redis_is_one_exception_and_it_comes_at_once()
    {
        // Port 6409 (the range kept for this project's own test servers) with nothing listening.
        var options = RedisSeatStore.ConnectionOptions("127.0.0.1:6409,abortConnect=false,connectTimeout=500");
        await using var nowhere = await ConnectionMultiplexer.ConnectAsync(options);
        var store = new RedisSeatStore(nowhere, TestRedis.UniquePrefix());
        var started = DateTime.UtcNow;
        Assert.ThrowsAsync<SeatStoreUnavailableException>(() => store.GetSeatAsync("1001"));
        Assert.ThrowsAsync<SeatStoreUnavailableException>(() => store.LoginAsync("1001", "a1", ["zh"], T0));
        Assert.ThrowsAsync<SeatStoreUnavailableException>(() => store.GetEpochAsync());
        Assert.ThrowsAsync<SeatStoreUnavailableException>(() => store.GetSeatsAsync());
        Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(3)), "no waiting in the client's backlog for the command timeout");
    }
}
