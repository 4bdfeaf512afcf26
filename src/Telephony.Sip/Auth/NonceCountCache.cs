namespace Telephony.Sip.Auth;

/// <summary>
/// Replay protection for stateless nonces: remembers the highest nc seen per nonce and rejects
/// any nc that does not increase (RFC 7616 §3.4, §5.4). Memory is bounded: entries leave when
/// their nonce expires, and when the cache is full the oldest-issued entries are dropped and a
/// watermark is raised so that every nonce issued at or before it is treated as stale (the client
/// simply re-authenticates with a fresh nonce, and a dropped entry can never be replayed).
/// Thread-safe (one small lock; this is not call logic).
/// </summary>
public sealed class NonceCountCache
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly PriorityQueue<string, DateTimeOffset> _byIssue = new();
    private readonly int _capacity;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private DateTimeOffset _watermark = DateTimeOffset.MinValue;

    /// <summary>Creates a cache holding at most <paramref name="capacity"/> nonces.</summary>
    public NonceCountCache(TimeSpan nonceLifetime, int capacity = 10_000, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _lifetime = nonceLifetime;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Number of nonces being tracked.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>The outcome of <see cref="TryUse"/>.</summary>
    public enum Result
    {
        /// <summary>The nc is higher than any seen before for this nonce.</summary>
        Accepted,
        /// <summary>The nc was seen already (or is lower): a replay.</summary>
        Replay,
        /// <summary>The nonce is older than the eviction watermark: ask for a fresh one (stale=true).</summary>
        Evicted,
    }

    /// <summary>Records <paramref name="nc"/> for <paramref name="nonce"/> if it increases.</summary>
    public Result TryUse(string nonce, DateTimeOffset issuedAt, uint nc)
    {
        lock (_gate)
        {
            if (issuedAt <= _watermark)
            {
                return Result.Evicted;
            }
            if (_entries.TryGetValue(nonce, out var entry))
            {
                if (nc <= entry.LastNc)
                {
                    return Result.Replay;
                }
                _entries[nonce] = entry with { LastNc = nc };
                return Result.Accepted;
            }
            PurgeExpired();
            while (_entries.Count >= _capacity && _byIssue.TryDequeue(out var oldest, out var oldestIssued))
            {
                _entries.Remove(oldest);
                if (oldestIssued > _watermark)
                {
                    _watermark = oldestIssued;
                }
            }
            if (issuedAt <= _watermark)
            {
                return Result.Evicted;
            }
            _entries[nonce] = new Entry(nc, issuedAt);
            _byIssue.Enqueue(nonce, issuedAt);
            return Result.Accepted;
        }
    }

    private void PurgeExpired()
    {
        var cutoff = _time.GetUtcNow() - _lifetime;
        while (_byIssue.TryPeek(out var nonce, out var issued) && issued < cutoff)
        {
            _byIssue.Dequeue();
            _entries.Remove(nonce);
        }
    }

    private readonly record struct Entry(uint LastNc, DateTimeOffset IssuedAt);
}
