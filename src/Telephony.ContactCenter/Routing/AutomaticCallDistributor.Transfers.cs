using Microsoft.Extensions.Logging;
using Telephony.ContactCenter.Agents;

namespace Telephony.ContactCenter.Routing;

/// <summary>
/// Transfers between agents: a call transferred to a named agent is queued again, needing that agent's personal
/// skill (<see cref="SkillNames.Personal"/>, given at login), so it waits for them alone and reaches them by the
/// ordinary path (pop first, then ring, ring timeout, wrap-up), on whichever node they sit.
/// </summary>
public sealed partial class AutomaticCallDistributor
{
    /// <summary>The seats this centre has (configured extensions).</summary>
    public IReadOnlyList<string> SeatExtensions => _options.Seats;

    /// <summary>The skills a seat gets at login: the agent's configured ones and their personal skill.</summary>
    private static IReadOnlyList<string> SkillsAtLogin(AgentProfile profile) => SkillNames.Normalize([.. profile.Skills, SkillNames.Personal(profile.Id)]);

    /// <summary>
    /// Where a call for <paramref name="agentOrSeat"/> (an agent id, or the extension of a seat someone is logged in
    /// to) waits: a queue whose skills the agent has (<paramref name="preferredQueue"/> when they have its skills)
    /// and the agent's personal skill; or why it cannot (no such agent, not logged in).
    /// </summary>
    public Task<AgentTransferRoute> RouteToAgentAsync(string agentOrSeat, string? preferredQueue) => Post(async () =>
    {
        var agentId = _agents.Find(agentOrSeat)?.Id;
        if (agentId is null)
        {
            var seat = await _store.GetSeatAsync(agentOrSeat).ConfigureAwait(false);
            agentId = seat?.AgentId;
            if (agentId is null)
            {
                return AgentTransferRoute.Refused(seat is null ? $"No agent or seat '{agentOrSeat}'." : $"Nobody is logged in at seat {agentOrSeat}.");
            }
        }
        if (_agents.Find(agentId) is not { } profile)
        {
            return AgentTransferRoute.Refused($"Agent {agentId} is not configured.");
        }
        if (await _store.FindSeatOfAgentAsync(agentId).ConfigureAwait(false) is null)
        {
            return AgentTransferRoute.Refused($"Agent {profile.Name} is not logged in.");
        }
        var queue = (preferredQueue is not null && preferredQueue != TaskQueue && _queues.TryGetValue(preferredQueue, out var q) ? [q] : Array.Empty<QueueDefinition>())
            .Concat(_callQueues)
            .FirstOrDefault(d => d.RequiredSkills.All(s => profile.Skills.Contains(s, StringComparer.Ordinal)));
        return queue is null
            ? AgentTransferRoute.Refused($"Agent {profile.Name} takes no queue's calls.")
            : new AgentTransferRoute(agentId, profile.Name, queue.Name, SkillNames.Personal(agentId), null);
    });

    /// <summary>
    /// A seat set Not ready for a call the ACD did not offer it (a consulted colleague who took an attended transfer,
    /// or a seat whose phone swapped its consultation for the citizen) is free again: the call it took is over, or
    /// went on elsewhere. After the wrap-up time (the agent's after-call work, as for a call the ACD offered), a seat
    /// still Not ready with <paramref name="reason"/> for <paramref name="agentId"/> goes Ready and is offered the next
    /// call; an agent who chose another state meanwhile keeps it. Without this the seat stayed Not ready for good.
    /// </summary>
    public Task ReleaseNotReadyAfterWrapUpAsync(string extension, string agentId, string reason)
    {
        ArgumentException.ThrowIfNullOrEmpty(extension);
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        return Post(() =>
        {
            _timers.Schedule(_options.WrapUpTime, () => PostFromTimer(() => ReleaseNotReadyAsync(extension, agentId, reason)));
            return Task.FromResult(true);
        });
    }

    private async Task ReleaseNotReadyAsync(string extension, string agentId, string reason)
    {
        var seat = await _store.GetSeatAsync(extension).ConfigureAwait(false);
        if (seat is not { State: SeatState.NotReady } || !string.Equals(seat.AgentId, agentId, StringComparison.Ordinal)
            || !string.Equals(seat.Reason, reason, StringComparison.Ordinal))
            return;
        var ready = await _store.TransitionAsync(new SeatTransitionRequest(extension, SeatState.Ready, ExpectedAgentId: agentId, OnlyFrom: [SeatState.NotReady]),
            _time.GetUtcNow()).ConfigureAwait(false);
        if (!ready.Succeeded)
            return;
        LogSeatReleased(extension, agentId, reason);
        await PublishStateAsync(ready.Seat!, agentId).ConfigureAwait(false);
        await DispatchSeatAsync(extension).ConfigureAwait(false);
    }

    // Log events 4120-4139 (issue 13's callbacks and transfers). Next free id: 4121.
    [LoggerMessage(EventId = 4120, Level = LogLevel.Information, Message = "Seat {Extension} of agent {Agent} is Ready again: the call it was set Not ready for ({Reason}) is over")]
    private partial void LogSeatReleased(string extension, string agent, string reason);
}

/// <summary>Where a call transferred to an agent waits (<see cref="Queue"/> needing <see cref="Skill"/>), or <see cref="Refusal"/>.</summary>
public sealed record AgentTransferRoute(string? AgentId, string? AgentName, string? Queue, string? Skill, string? Refusal)
{
    internal static AgentTransferRoute Refused(string reason) => new(null, null, null, null, reason);
}
