namespace Telephony.ContactCenter.Tests.Store;

[TestFixture]
public sealed class InProcessSeatStoreTests : SeatStoreContract
{
    protected override Task<ISeatStore> CreateStoreAsync() => Task.FromResult<ISeatStore>(new InProcessSeatStore());

    protected override ISeatStore SecondNode() => Store;
}
