
namespace Telephony.ContactCenter.Agents;

/// <summary>An agent as configured: id (matches the `agent` claim of their login), display name, skills.</summary>
public sealed record AgentProfile(string Id, string Name, IReadOnlyList<string> Skills);

/// <summary>The configured agents, looked up by id.</summary>
public sealed class AgentDirectory
{
    private readonly Dictionary<string, AgentProfile> _agents;

    public AgentDirectory(IEnumerable<AgentProfile> agents)
    {
        ArgumentNullException.ThrowIfNull(agents);
        _agents = new(StringComparer.Ordinal);
        foreach (var agent in agents)
        {
            if (string.IsNullOrWhiteSpace(agent.Id))
                throw new ArgumentException("An agent without an id.", nameof(agents));
            var skills = SkillNames.Normalize(agent.Skills);
            if (skills.FirstOrDefault(s => !SkillNames.IsValid(s)) is { } bad)
                throw new ArgumentException($"Agent '{agent.Id}': invalid skill '{bad}'.", nameof(agents));
            if (!_agents.TryAdd(agent.Id, agent with { Skills = skills }))
                throw new ArgumentException($"Agent '{agent.Id}' is configured twice.", nameof(agents));
        }
    }

    public IReadOnlyCollection<AgentProfile> All => _agents.Values;

    public AgentProfile? Find(string agentId) => _agents.GetValueOrDefault(agentId);
}
