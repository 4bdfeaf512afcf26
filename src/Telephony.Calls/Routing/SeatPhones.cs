using Telephony.Sip.Registrar;

namespace Telephony.Calls.Routing;

/// <summary>Where a seat's phone is registered: the location store's bindings of <c>sip:{seat}@{domain}</c>.</summary>
public sealed class SeatPhones(ILocationStore locations, string domain)
{
    /// <summary>The seat's registered contacts, newest first as the store keeps them; empty when none.</summary>
    public ValueTask<IReadOnlyList<Binding>> ContactsAsync(string seat, CancellationToken ct = default) =>
        locations.GetBindingsAsync($"sip:{seat}@{domain}", ct);
}
