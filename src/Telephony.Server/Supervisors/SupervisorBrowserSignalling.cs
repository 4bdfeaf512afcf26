using Microsoft.AspNetCore.SignalR;
using Telephony.Calls.WebPhone;

namespace Telephony.Server.Supervisors;

/// <summary>
/// A supervisor's listening offers over the supervisors' hub: each goes to the one page that asked (its connection,
/// <see cref="BrowserPhoneOffer.Page"/>), never to the supervisor's other tabs. With the Redis backplane the node
/// that holds the call reaches a page connected to any node.
/// </summary>
public sealed class SupervisorBrowserSignalling(IHubContext<SupervisorHub, ISupervisorClient> hub) : IBrowserPhoneSignalling
{
    public Task OfferAsync(BrowserPhoneOffer offer, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(offer);
        return hub.Clients.Client(offer.Page).ListenOffer(offer);
    }

    public Task EndAsync(string page, string callId, CancellationToken ct = default) =>
        hub.Clients.Client(page).ListenEnded(callId);
}
