
namespace Telephony.ContactCenter.Agents;

/// <summary>An agent as configured: id (matches the `agent` claim of their login), display name, skills.</summary>
public sealed record AgentProfile(string Id, string Name, IReadOnlyList<string> Skills);

/// <summary>
/// The configured agents, looked up by id. The whole table is replaced at once when an administrator changes it
/// (<see cref="Replace"/>): readers see the old table or the new one, never half of one.
/// </summary>
public sealed class AgentDirectory
{
    private Dictionary<string, AgentProfile> _agents;

    public AgentDirectory(IEnumerable<AgentProfile> agents) => _agents = Build(agents);

    public IReadOnlyCollection<AgentProfile> All => Volatile.Read(ref _agents).Values;

    public AgentProfile? Find(string agentId) => Volatile.Read(ref _agents).GetValueOrDefault(agentId);

    /// <summary>Validates <paramref name="agents"/> (skills, duplicate ids; throws <see cref="ArgumentException"/>) and makes them the table.</summary>
    public void Replace(IEnumerable<AgentProfile> agents) => Volatile.Write(ref _agents, Build(agents));

    /// <summary>Throws <see cref="ArgumentException"/> naming the first agent that is not valid.</summary>
    public static void Validate(IEnumerable<AgentProfile> agents) => _ = Build(agents);

    private static Dictionary<string, AgentProfile> Build(IEnumerable<AgentProfile> agents)
    {
        ArgumentNullException.ThrowIfNull(agents);
        var table = new Dictionary<string, AgentProfile>(StringComparer.Ordinal);
        foreach (var agent in agents)
        {
            if (string.IsNullOrWhiteSpace(agent.Id))
                throw new ArgumentException("An agent without an id.", nameof(agents));
            var skills = SkillNames.Normalize(agent.Skills);
            if (skills.FirstOrDefault(s => !SkillNames.IsValid(s)) is { } bad)
                throw new ArgumentException($"Agent '{agent.Id}': invalid skill '{bad}'.", nameof(agents));
            if (!table.TryAdd(agent.Id, agent with { Skills = skills }))
                throw new ArgumentException($"Agent '{agent.Id}' is configured twice.", nameof(agents));
        }
        return table;
    }
}
