using Microsoft.AspNetCore.SignalR;
using Telephony.Calls.WebPhone;

namespace Telephony.Server.Agents;

/// <summary>The browser phones' offer/answer over the agents' hub: offers and ends go to the agent's own group only.</summary>
public sealed class BrowserPhoneSignalling(IHubContext<AgentHub, IAgentClient> hub) : IBrowserPhoneSignalling
{
    public Task OfferAsync(BrowserPhoneOffer offer, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(offer);
        return hub.Clients.Group(AgentHub.GroupOf(offer.Page)).BrowserOffer(offer);
    }

    public Task EndAsync(string page, string callId, CancellationToken ct = default) =>
        hub.Clients.Group(AgentHub.GroupOf(page)).BrowserCallEnded(callId);
}
