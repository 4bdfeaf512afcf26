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
        var queue = (preferredQueue is not null && _queues.TryGetValue(preferredQueue, out var q) ? [q] : Array.Empty<QueueDefinition>())
            .Concat(_queues.Values)
            .FirstOrDefault(d => d.RequiredSkills.All(s => profile.Skills.Contains(s, StringComparer.Ordinal)));
        return queue is null
            ? AgentTransferRoute.Refused($"Agent {profile.Name} takes no queue's calls.")
            : new AgentTransferRoute(agentId, profile.Name, queue.Name, SkillNames.Personal(agentId), null);
    });
}

/// <summary>Where a call transferred to an agent waits (<see cref="Queue"/> needing <see cref="Skill"/>), or <see cref="Refusal"/>.</summary>
public sealed record AgentTransferRoute(string? AgentId, string? AgentName, string? Queue, string? Skill, string? Refusal)
{
    internal static AgentTransferRoute Refused(string reason) => new(null, null, null, null, reason);
}
