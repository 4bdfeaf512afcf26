using System.Collections.Concurrent;

namespace Telephony.Server.Http;

/// <summary>
/// How often each key (an address, a user name, a phone number) did something within a window that
/// starts at its first time. Memory is bounded at <c>capacity</c> keys: when full, expired keys go
/// first, then the least-counted quarter (the oldest among equals), so a flood of new keys (a spray of
/// made-up user names) evicts other one-off keys rather than the one being throttled.
/// </summary>
public sealed class RecentCounts<TKey>(TimeProvider time, TimeSpan window, int capacity) where TKey : notnull
{
    private readonly ConcurrentDictionary<TKey, Entry> _entries = new();
    private readonly Lock _evicting = new();

    /// <summary>How many keys are tracked now.</summary>
    public int Tracked => _entries.Count;

    /// <summary>The count of <paramref name="key"/> within the window (0 when none or expired).</summary>
    public int CountOf(TKey key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return 0;
        }
        if (time.GetUtcNow() - entry.First > window)
        {
            _entries.TryRemove(KeyValuePair.Create(key, entry));
            return 0;
        }
        return entry.Count;
    }

    /// <summary>Counts one more for <paramref name="key"/>; returns its count within the window.</summary>
    public int Add(TKey key)
    {
        var now = time.GetUtcNow();
        if (_entries.Count >= capacity && !_entries.ContainsKey(key))
        {
            Evict(now);
        }
        return _entries.AddOrUpdate(key, _ => new Entry(now, 1),
            (_, e) => now - e.First > window ? new Entry(now, 1) : e with { Count = e.Count + 1 }).Count;
    }

    /// <summary>Forgets <paramref name="key"/> (a successful login clears its failures).</summary>
    public void Forget(TKey key) => _entries.TryRemove(key, out _);

    private void Evict(DateTimeOffset now)
    {
        lock (_evicting)
        {
            if (_entries.Count < capacity)
            {
                return; // another thread made room meanwhile
            }
            foreach (var (key, value) in _entries)
            {
                if (now - value.First > window)
                {
                    _entries.TryRemove(KeyValuePair.Create(key, value));
                }
            }
            if (_entries.Count < capacity)
            {
                return;
            }
            foreach (var (key, value) in _entries.OrderBy(p => p.Value.Count).ThenBy(p => p.Value.First).Take(Math.Max(1, capacity / 4)).ToList())
            {
                _entries.TryRemove(KeyValuePair.Create(key, value));
            }
        }
    }

    private readonly record struct Entry(DateTimeOffset First, int Count);
}
