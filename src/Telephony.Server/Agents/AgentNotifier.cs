using Microsoft.AspNetCore.SignalR;
using Telephony.ContactCenter.Events;

namespace Telephony.Server.Agents;

/// <summary>
/// Pushes to one agent's desktop. The call manager awaits <see cref="PushScreenPopAsync"/> before it
/// rings the softphone, so the pop is on its way before the phone rings.
/// </summary>
public interface IAgentNotifier
{
    /// <summary>Sends the screen-pop to the agent's SignalR group; completes when SignalR (or its Redis backplane) has taken it.</summary>
    Task PushScreenPopAsync(ScreenPop pop, CancellationToken ct = default);
}

/// <summary>SignalR implementation of <see cref="IAgentNotifier"/> and of the ACD's desktop event sink.</summary>
public sealed class SignalRAgentNotifier(IHubContext<AgentHub, IAgentClient> hub) : IAgentNotifier, IDesktopEventSink
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
