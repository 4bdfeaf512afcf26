using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace Telephony.Server.Security;

/// <summary>The hub connections open on this node, by user name, so a revoked user's can be closed at once.</summary>
public sealed class HubSessions
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, HubCallerContext>> _byUser = new(StringComparer.Ordinal);

    public void Opened(string user, HubCallerContext context) =>
        _byUser.GetOrAdd(user, _ => new(StringComparer.Ordinal))[context.ConnectionId] = context;

    public void Closed(string user, HubCallerContext context)
    {
        if (_byUser.TryGetValue(user, out var open))
        {
            open.TryRemove(context.ConnectionId, out _);
        }
    }

    /// <summary>Closes every connection of <paramref name="user"/> on this node (other nodes refuse its next call).</summary>
    public void CloseAll(string user)
    {
        if (_byUser.TryRemove(user, out var open))
        {
            foreach (var context in open.Values)
            {
                context.Abort();
            }
        }
    }
}
