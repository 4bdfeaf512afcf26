using Telephony.Sip.Registrar;

namespace Telephony.Sip.Tests.Registrar;

/// <summary>The location store contract over the single node's in-memory store.</summary>
public sealed class InMemoryLocationStoreTests : LocationStoreContract
{
    protected override Task<ILocationStore> CreateStoreAsync(TimeProvider time) => Task.FromResult<ILocationStore>(new InMemoryLocationStore(time));
}
