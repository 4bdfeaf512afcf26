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
}
