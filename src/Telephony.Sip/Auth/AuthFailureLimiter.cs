namespace Telephony.Sip.Auth;

/// <summary>
/// Brute-force protection: a source address that fails authentication <see cref="MaxFailures"/>
/// times within <see cref="Window"/> is banned for <see cref="BanTime"/>; the SIP host drops
/// requests from banned sources without answering (so a password guesser learns nothing and
/// slows to its timeout). Memory is bounded by <c>capacity</c> tracked addresses plus as many
/// tracked networks.
/// </summary>
/// <remarks>
/// A full table must not forget offenders, or an attacker first fills it with forged one-off failures
/// (12,000 packets in 1.5 s did it) and then guesses unbanned. So when the table is full, stale entries
/// go first, then the least-failing address; its failures are not dropped but folded into its network
/// (/24 for IPv4, /64 for IPv6), whose count bans the whole network at the same threshold. A source that
/// keeps guessing climbs above the one-off forgeries and keeps its own entry; one that is evicted anyway
/// is still caught by its network.
/// </remarks>
public sealed class AuthFailureLimiter
{
    private readonly Dictionary<IPAddress, Entry> _sources = [];
    private readonly Dictionary<NetworkKey, Entry> _networks = [];
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

    /// <summary>True while <paramref name="source"/>, or the network it belongs to, is banned.</summary>
    public bool IsBanned(IPAddress source)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_sources.TryGetValue(source, out var s) && s.BannedUntil > now)
            {
                return true;
            }
            return _networks.Count > 0 && _networks.TryGetValue(NetworkKey.Of(source), out var n) && n.BannedUntil > now;
        }
    }

    /// <summary>Counts a failed attempt; returns true when this failure started a ban (of the address or of its network).</summary>
    public bool RecordFailure(IPAddress source)
    {
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!_sources.TryGetValue(source, out var entry))
            {
                if (_sources.Count >= _capacity)
                {
                    MakeRoom(now);
                }
                entry = new Entry(now);
                _sources[source] = entry;
            }
            return Count(entry, 1, now);
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

    /// <summary>Adds <paramref name="failures"/> to an entry's window; true when that started a ban.</summary>
    private bool Count(Entry entry, int failures, DateTimeOffset now)
    {
        if (now - entry.WindowStart > Window)
        {
            entry.WindowStart = now;
            entry.Failures = 0;
        }
        entry.Failures += failures;
        if (entry.Failures < MaxFailures || entry.BannedUntil > now)
        {
            return false;
        }
        entry.BannedUntil = now + BanTime;
        entry.Failures = 0;
        entry.WindowStart = now;
        return true;
    }

    /// <summary>The table is full: drop what is stale; if nothing is, fold the least-failing address into its network.</summary>
    private void MakeRoom(DateTimeOffset now)
    {
        if (Sweep(_sources, now) > 0)
        {
            return;
        }
        IPAddress? least = null;
        int fewest = int.MaxValue;
        foreach (var (address, s) in _sources)
        {
            if (s.BannedUntil <= now && s.Failures < fewest)
            {
                (least, fewest) = (address, s.Failures);
                if (fewest <= 1)
                {
                    break; // nothing fails less than once: stop the scan early (the usual case under a forged flood)
                }
            }
        }
        if (least is null)
        {
            least = _sources.Keys.First(); // every entry is banned: the oldest ban goes (its network still counts it)
            fewest = Math.Max(1, _sources[least].Failures);
        }
        _sources.Remove(least);
        FoldIntoNetwork(least, fewest, now);
    }

    private void FoldIntoNetwork(IPAddress address, int failures, DateTimeOffset now)
    {
        var key = NetworkKey.Of(address);
        if (!_networks.TryGetValue(key, out var network))
        {
            if (_networks.Count >= _capacity && Sweep(_networks, now) == 0)
            {
                return; // both tables full of live offenders: this one-off is the one forgotten
            }
            network = new Entry(now);
            _networks[key] = network;
        }
        Count(network, failures, now);
    }

    /// <summary>Removes entries that are neither banned nor inside their window; returns how many.</summary>
    private int Sweep<TKey>(Dictionary<TKey, Entry> table, DateTimeOffset now)
        where TKey : notnull
    {
        int removed = 0;
        foreach (var (key, s) in table)
        {
            if (s.BannedUntil <= now && now - s.WindowStart > Window)
            {
                table.Remove(key); // allowed while enumerating a Dictionary since .NET Core 3.0
                removed++;
            }
        }
        return removed;
    }

    private sealed class Entry(DateTimeOffset windowStart)
    {
        public DateTimeOffset WindowStart { get; set; } = windowStart;

        public int Failures { get; set; }

        public DateTimeOffset BannedUntil { get; set; } = DateTimeOffset.MinValue;
    }

    /// <summary>The network an address is aggregated into: its /24 (IPv4, also IPv4-mapped IPv6) or its /64 (IPv6).</summary>
    private readonly record struct NetworkKey(bool IsV6, ulong Prefix)
    {
        public static NetworkKey Of(IPAddress address)
        {
            if (address.IsIPv4MappedToIPv6)
            {
                address = address.MapToIPv4();
            }
            Span<byte> bytes = stackalloc byte[16];
            address.TryWriteBytes(bytes, out int written);
            return written == 4
                ? new NetworkKey(false, ((ulong)bytes[0] << 16) | ((ulong)bytes[1] << 8) | bytes[2])
                : new NetworkKey(true, System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(bytes));
        }
    }
}
