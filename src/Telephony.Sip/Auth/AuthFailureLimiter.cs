using System.Net;

namespace Telephony.Sip.Auth;

/// <summary>
/// Brute-force protection: a source address that fails authentication <see cref="MaxFailures"/>
/// times within <see cref="Window"/> is banned for <see cref="BanTime"/>; the SIP host drops
/// requests from banned sources without answering (so a password guesser learns nothing and
/// slows to its timeout). Memory is bounded by <c>capacity</c> tracked addresses.
/// </summary>
public sealed class AuthFailureLimiter
{
    private readonly Dictionary<IPAddress, State> _sources = [];
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    /// <summary>Creates a limiter.</summary>
    public AuthFailureLimiter(int maxFailures = 5, TimeSpan? window = null, TimeSpan? banTime = null, int capacity = 10_000, TimeProvider? time = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxFailures, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        MaxFailures = maxFailures;
        Window = window ?? TimeSpan.FromMinutes(1);
        BanTime = banTime ?? TimeSpan.FromMinutes(5);
        _capacity = capacity;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Failures allowed within the window before a ban.</summary>
    public int MaxFailures { get; }

    /// <summary>The counting window.</summary>
    public TimeSpan Window { get; }

    /// <summary>How long a ban lasts.</summary>
    public TimeSpan BanTime { get; }

    /// <summary>True while <paramref name="source"/> is banned.</summary>
    public bool IsBanned(IPAddress source)
    {
        lock (_gate)
        {
            return _sources.TryGetValue(source, out var s) && s.BannedUntil > _time.GetUtcNow();
        }
    }

    /// <summary>Counts a failed attempt; returns true when this failure started a ban.</summary>
    public bool RecordFailure(IPAddress source)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!_sources.TryGetValue(source, out var s) || now - s.WindowStart > Window)
            {
                if (_sources.Count >= _capacity && !_sources.ContainsKey(source))
                {
                    Purge(now);
                }
                s = new State(now, 0, s?.BannedUntil ?? DateTimeOffset.MinValue);
            }
            s = s with { Failures = s.Failures + 1 };
            bool banned = false;
            if (s.Failures >= MaxFailures && s.BannedUntil <= now)
            {
                s = s with { BannedUntil = now + BanTime, Failures = 0, WindowStart = now };
                banned = true;
            }
            if (_sources.Count < _capacity || _sources.ContainsKey(source))
            {
                _sources[source] = s;
            }
            return banned;
        }
    }

    /// <summary>A success clears the failure count (not an active ban).</summary>
    public void RecordSuccess(IPAddress source)
    {
        lock (_gate)
        {
            if (_sources.TryGetValue(source, out var s) && s.BannedUntil <= _time.GetUtcNow())
            {
                _sources.Remove(source);
            }
        }
    }

    private void Purge(DateTimeOffset now)
    {
        List<IPAddress>? stale = null;
        foreach (var (address, s) in _sources)
        {
            if (s.BannedUntil <= now && now - s.WindowStart > Window)
            {
                (stale ??= []).Add(address);
            }
        }
        stale?.ForEach(a => _sources.Remove(a));
    }

    private sealed record State(DateTimeOffset WindowStart, int Failures, DateTimeOffset BannedUntil);
}
