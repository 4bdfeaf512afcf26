using Microsoft.AspNetCore.SignalR;
using Telephony.Calls;
using Telephony.ContactCenter.Events;

namespace Telephony.Server.Agents;

/// <summary>
/// Pushes to one agent's desktop over SignalR: the call manager's screen-pops (awaited before the seat
/// may ring, so the pop is on its way first) and the ACD's desktop events.
/// </summary>
public sealed class SignalRAgentNotifier(IHubContext<AgentHub, IAgentClient> hub) : IScreenPopNotifier, IDesktopEventSink
{
    public Task PushScreenPopAsync(ScreenPop pop, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(pop);
        if (pop.AgentId is not { Length: > 0 } agent)
            throw new ArgumentException("A screen-pop needs the agent it is for.", nameof(pop));
        return hub.Clients.Group(AgentHub.GroupOf(agent)).ScreenPop(pop);
    }

    public Task PublishAsync(DesktopEvent desktopEvent, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(desktopEvent);
        if (desktopEvent.AgentId is not { Length: > 0 } agent)
            return Task.CompletedTask;
        var client = hub.Clients.Group(AgentHub.GroupOf(agent));
        return desktopEvent switch
        {
            SeatStateChanged e => client.StateChanged(e),
            ScreenPop e => client.ScreenPop(e),
            CallOffered e => client.CallOffered(e),
            CallAnswered e => client.CallAnswered(e),
            CallLeftSeat e => client.CallEnded(e),
            _ => Task.CompletedTask,
        };
    }
}
