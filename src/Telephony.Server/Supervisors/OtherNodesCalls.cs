using Telephony.Calls;
using Telephony.Server.Calls;

namespace Telephony.Server.Supervisors;

/// <summary>
/// The other nodes' live calls as the wall last learnt them (caller, queue, since, supervision of a seat's call this
/// node does not hold). Asked of <see cref="CallCommandRouter.LiveCallsAsync"/> at most every <see cref="RefreshEvery"/>,
/// only while the floor shows such a call, and never on the push path: a look uses what is known and, when it is
/// stale, starts one ask in the background whose answer pokes the wall when it changed something. So a push costs
/// no Redis round trip to the other nodes; a remote call's details lag by up to <see cref="RefreshEvery"/> plus the ask.
/// </summary>
public sealed class OtherNodesCalls(CallCommandRouter router, FloorSignal signal, TimeProvider time)
{
    /// <summary>The shortest time between two asks of the other nodes.</summary>
    public static readonly TimeSpan RefreshEvery = TimeSpan.FromSeconds(2);

    private IReadOnlyDictionary<string, LiveCall> _known = new Dictionary<string, LiveCall>(StringComparer.Ordinal);
    private long _askedAt = long.MinValue;
    private int _asking;

    /// <summary>
    /// Every node's calls as last learnt; <paramref name="wanted"/> (the floor shows a call this node does not hold)
    /// starts a background ask when the last one is older than <see cref="RefreshEvery"/>.
    /// </summary>
    public IReadOnlyDictionary<string, LiveCall> Known(bool wanted)
    {
        var now = time.GetTimestamp();
        if (wanted && (Volatile.Read(ref _askedAt) == long.MinValue || time.GetElapsedTime(Volatile.Read(ref _askedAt), now) >= RefreshEvery)
            && Interlocked.CompareExchange(ref _asking, 1, 0) == 0)
        {
            Volatile.Write(ref _askedAt, now);
            _ = AskAsync();
        }
        return Volatile.Read(ref _known);
    }

    private async Task AskAsync()
    {
        try
        {
            // The router never throws for Redis (a node that does not answer in time is missing from the list).
            var fresh = new Dictionary<string, LiveCall>(StringComparer.Ordinal);
            foreach (var call in await router.LiveCallsAsync().ConfigureAwait(false))
            {
                fresh.TryAdd(call.CallId, call);
            }
            var old = Volatile.Read(ref _known);
            Volatile.Write(ref _known, fresh);
            if (fresh.Count != old.Count || fresh.Any(c => !old.TryGetValue(c.Key, out var was) || was != c.Value))
            {
                signal.Poke(); // the wall looks again, now with these details
            }
        }
        finally
        {
            Volatile.Write(ref _asking, 0);
        }
    }
}
