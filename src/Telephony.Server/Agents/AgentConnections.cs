using System.Collections.Concurrent;

namespace Telephony.Server.Agents;

/// <summary>How many hub connections each agent has open on this node.</summary>
public sealed class AgentConnections
{
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>Counts a new connection; returns the agent's open connections.</summary>
    public int Opened(string agentId) => _open.AddOrUpdate(agentId, 1, (_, n) => n + 1);

    /// <summary>Counts a closed connection; returns the agent's connections still open.</summary>
    public int Closed(string agentId)
    {
        var left = _open.AddOrUpdate(agentId, 0, (_, n) => Math.Max(0, n - 1));
        if (left == 0)
            _open.TryRemove(new KeyValuePair<string, int>(agentId, 0));
        return left;
    }
}
