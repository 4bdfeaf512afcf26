using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Telephony.Cases;

namespace Telephony.Calls.Recording;

/// <summary>
/// Counts the calls to each service number that the SIP user agent refused for capacity (stateless 503 at
/// <c>Sip:MaxCalls</c>). A flood can bring a thousand of them a second, so none gets a record of its own: each
/// is one atomic increment on the receive thread, and the counts go to the database as one row per minute,
/// service number and node (<see cref="CallRefusalCount"/>), which the KPI report counts as offered and not connected.
/// </summary>
public sealed class RefusalTally
{
    // A caller whose 503 was lost retransmits the INVITE (RFC 3261 §17.1.1.2) and is refused again: the same
    // Call-ID within a few seconds is one call. A direct-mapped table of recent Call-ID hashes catches that without
    // a set that grows with the flood; a collision merely counts a retransmission once more.
    private const int RecentSlots = 8192;
    private readonly long[] _recent = new long[RecentSlots];
    private readonly ConcurrentDictionary<string, StrongBox<long>> _counts = new(StringComparer.Ordinal);
    private long _total;

    /// <summary>Refusals counted since start (retransmissions not included).</summary>
    public long Total => Interlocked.Read(ref _total);

    /// <summary>Counts one refused call to <paramref name="serviceNumber"/> (any thread, no allocation once the number was seen).</summary>
    public void Count(string serviceNumber, string? callId)
    {
        ArgumentNullException.ThrowIfNull(serviceNumber);
        if (callId is not null)
        {
            long hash = ((long)string.GetHashCode(callId.AsSpan(), StringComparison.Ordinal) << 32) | (uint)callId.Length;
            hash |= 1; // 0 marks an empty slot
            ref long slot = ref _recent[(uint)hash.GetHashCode() % RecentSlots];
            if (Interlocked.Exchange(ref slot, hash) == hash)
            {
                return;
            }
        }
        var box = _counts.GetOrAdd(serviceNumber, static _ => new StrongBox<long>());
        Interlocked.Increment(ref box.Value);
        Interlocked.Increment(ref _total);
    }

    /// <summary>Takes the counts gathered since the last call, as rows of <paramref name="minute"/> for <paramref name="nodeId"/>.</summary>
    internal List<CallRefusalCount> Take(DateTimeOffset minute, string nodeId)
    {
        var taken = new List<CallRefusalCount>();
        foreach (var (number, box) in _counts)
        {
            if (Interlocked.Exchange(ref box.Value, 0) is var n and > 0)
            {
                taken.Add(new CallRefusalCount(minute, number, nodeId, n));
            }
        }
        return taken;
    }

    /// <summary>Puts counts back that could not be written (they are added to whatever came in meanwhile).</summary>
    internal void Return(IEnumerable<CallRefusalCount> counts)
    {
        foreach (var c in counts)
        {
            Interlocked.Add(ref _counts.GetOrAdd(c.ServiceNumber, static _ => new StrongBox<long>()).Value, c.Count);
        }
    }
}
