using System.Collections.Concurrent;
using System.Net;

namespace Telephony.Server.Security;

/// <summary>
/// Slows password guessing: after <see cref="MaxFailures"/> failed logins from one address
/// within the window, that address is refused until the window has passed. Memory is
/// bounded: at most <see cref="MaxTrackedAddresses"/> addresses are tracked, expired ones
/// are dropped first.
/// </summary>
public sealed class LoginThrottle(TimeProvider time)
{
    public const int MaxFailures = 5;
    public const int MaxTrackedAddresses = 10_000;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<IPAddress, Entry> _failures = new();

    public bool IsBlocked(IPAddress address)
    {
        if (!_failures.TryGetValue(address, out var entry)) return false;
        if (time.GetUtcNow() - entry.FirstFailure > Window)
        {
            _failures.TryRemove(address, out _);
            return false;
        }

        return entry.Count >= MaxFailures;
    }

    public void RecordFailure(IPAddress address)
    {
        var now = time.GetUtcNow();
        if (_failures.Count >= MaxTrackedAddresses) Prune(now);
        _failures.AddOrUpdate(address, _ => new Entry(now, 1),
            (_, e) => now - e.FirstFailure > Window ? new Entry(now, 1) : e with { Count = e.Count + 1 });
    }

    public void RecordSuccess(IPAddress address) => _failures.TryRemove(address, out _);

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, value) in _failures)
        {
            if (now - value.FirstFailure > Window) _failures.TryRemove(key, out _);
        }

        // Still full of live entries (a wide attack): forget the oldest half rather than grow.
        if (_failures.Count >= MaxTrackedAddresses)
        {
            foreach (var key in _failures.OrderBy(p => p.Value.FirstFailure).Take(MaxTrackedAddresses / 2).Select(p => p.Key))
            {
                _failures.TryRemove(key, out _);
            }
        }
    }

    private sealed record Entry(DateTimeOffset FirstFailure, int Count);
}
