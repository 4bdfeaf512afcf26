using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Telephony.Sip.Registrar;

namespace Telephony.Server.Sip;

/// <summary>
/// The location service (RFC 3261 §10) in Redis, shared by every node behind the dispatcher: a seat that registered
/// through any node can be rung by the node that holds the call, and a node's restart loses no registration.
/// One hash per address-of-record (field: the contact URI in lower case, value: the binding as JSON with its
/// expiry in Unix milliseconds). Expiry is kept per binding (§10.3 step 7: each contact has its own); each write
/// drops the address-of-record's expired bindings and sets the key's TTL to its last binding's expiry, so an
/// abandoned address-of-record disappears by itself. Reads never return an expired binding.
/// </summary>
/// <remarks>
/// The clock is the node's (<c>time</c>), not Redis's: the expiry the registrar granted and the one the store applies
/// are then the same number, and the key's TTL is only relative (never an absolute time).
/// A Redis restarted without persistence comes back empty, and the phones would be unreachable until each registers
/// again (up to its expiry, often an hour). So each node keeps the bindings it wrote (<see cref="WrittenBindings"/>)
/// and, when the client reconnects and the store's epoch (a key written with the first registration) is gone or new,
/// puts back those still unexpired, contact by contact where missing (<see cref="RestoreIfEmptiedAsync"/>): the union
/// of the nodes' copies is the store again, and a contact another node wrote since is never overwritten.
/// </remarks>
public sealed class RedisLocationStore : ILocationStore
{
    // The tail of both scripts: drops the AOR's expired bindings and sets the key's TTL to its last binding's expiry.
    private const string ExpireTail = """
        local dropped = 0
        local latest = 0
        local all = redis.call('HGETALL', KEYS[1])
        for j = 1, #all, 2 do
          local exp = tonumber(cjson.decode(all[j + 1])['exp'])
          if exp <= now then
            redis.call('HDEL', KEYS[1], all[j])
            dropped = dropped + 1
          elseif exp > latest then
            latest = exp
          end
        end
        if latest > 0 then redis.call('PEXPIRE', KEYS[1], latest - now + 1000) end
        return dropped
        """;

    // KEYS[1] the AOR's hash; ARGV[1] now (ms), ARGV[2] how many contacts to remove, then those fields, then
    // field/value pairs to upsert. Returns how many expired bindings were dropped.
    private const string ApplyScript = """
        local now = tonumber(ARGV[1])
        local removes = tonumber(ARGV[2])
        for i = 3, 2 + removes do redis.call('HDEL', KEYS[1], ARGV[i]) end
        local i = 3 + removes
        while i <= #ARGV do
          redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
          i = i + 2
        end

        """ + ExpireTail;

    // KEYS[1] the AOR's hash; ARGV[1] now (ms), then field/value pairs, each put back only where the field is missing.
    private const string RestoreScript = """
        local now = tonumber(ARGV[1])
        local i = 2
        while i <= #ARGV do
          redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[i + 1])
          i = i + 2
        end

        """ + ExpireTail;

    private readonly IConnectionMultiplexer _redis;
    private readonly string _prefix;
    private readonly RedisKey _epochKey;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly WrittenBindings _written = new();
    private readonly SemaphoreSlim _restoring = new(1, 1);
    private string? _epoch; // the store's epoch as this node last saw it with its bindings in it

    /// <param name="redis">A connected multiplexer (shared; the caller owns it).</param>
    /// <param name="keyPrefix">The deployment's key prefix (hash-tagged here, as the seat store's).</param>
    /// <param name="time">The node's clock (the bindings' expiry).</param>
    /// <param name="logger">Where a restore after an emptied store is logged.</param>
    public RedisLocationStore(IConnectionMultiplexer redis, string keyPrefix, TimeProvider? time = null, ILogger<RedisLocationStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentException.ThrowIfNullOrEmpty(keyPrefix);
        _redis = redis;
        var tagged = keyPrefix.Contains('{', StringComparison.Ordinal) ? keyPrefix : "{" + keyPrefix + "}:";
        _prefix = tagged + "loc:";
        _epochKey = tagged + "loc-epoch"; // not under _prefix: PurgeExpiredAsync takes every key there for an AOR's hash
        _time = time ?? TimeProvider.System;
        _log = logger ?? (ILogger)NullLogger.Instance;
        redis.ConnectionRestored += (_, _) => _ = RestoreIfEmptiedAsync();
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<Binding>> GetBindingsAsync(string aor, CancellationToken cancellationToken = default)
    {
        var entries = await _redis.GetDatabase().HashValuesAsync(Key(aor)).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        return entries.Select(e => JsonSerializer.Deserialize<StoredBinding>((string)e!)!.ToBinding())
            .Where(b => b.ExpiresAt > now)
            .OrderBy(b => b.ExpiresAt) // as the in-memory store: older registrations first
            .ToList();
    }

    /// <inheritdoc />
    public async ValueTask ApplyAsync(string aor, IReadOnlyList<Binding> upsert, IReadOnlyList<string> remove, CancellationToken cancellationToken = default)
    {
        var args = new List<RedisValue> { Now(), remove.Count };
        args.AddRange(remove.Select(r => (RedisValue)Field(r)));
        foreach (var binding in upsert)
        {
            args.Add(Field(binding.ContactUri));
            args.Add(JsonSerializer.Serialize(StoredBinding.From(binding)));
        }
        await _redis.GetDatabase().ScriptEvaluateAsync(ApplyScript, [Key(aor)], [.. args]).ConfigureAwait(false);
        _written.Apply(aor.ToLowerInvariant(), upsert, remove, _time.GetUtcNow());
        if (_epoch is null && upsert.Count > 0)
        {
            await TakeEpochAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask RemoveAllAsync(string aor, CancellationToken cancellationToken = default)
    {
        await _redis.GetDatabase().KeyDeleteAsync(Key(aor)).ConfigureAwait(false);
        _written.Forget(aor.ToLowerInvariant());
    }

    /// <inheritdoc />
    public async ValueTask<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        var db = _redis.GetDatabase();
        int removed = 0;
        foreach (var endpoint in _redis.GetEndPoints())
        {
            await foreach (var key in _redis.GetServer(endpoint).KeysAsync(db.Database, pattern: _prefix + "*").WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var dropped = await db.ScriptEvaluateAsync(ApplyScript, [key], [Now(), 0]).ConfigureAwait(false);
                removed += (int)dropped;
            }
        }
        return removed;
    }

    /// <summary>
    /// Run when the client reconnects: when the store's epoch is gone or not the one this node saw (Redis came back
    /// empty, and perhaps another node put its bindings back already), puts back this node's unexpired bindings where
    /// missing and takes the epoch again. A reconnect to a store that kept its data changes nothing. Returns how many
    /// bindings were put back.
    /// </summary>
    public async Task<int> RestoreIfEmptiedAsync()
    {
        await _restoring.WaitAsync().ConfigureAwait(false);
        try
        {
            var epoch = await _redis.GetDatabase().StringGetAsync(_epochKey).ConfigureAwait(false);
            if (_epoch is null || (epoch.HasValue && epoch == _epoch))
            {
                return 0; // nothing written yet, or nothing lost
            }
            var aors = _written.Unexpired(_time.GetUtcNow());
            var restored = 0;
            foreach (var (aor, bindings) in aors)
            {
                var args = new List<RedisValue> { Now() };
                foreach (var binding in bindings)
                {
                    args.Add(Field(binding.ContactUri));
                    args.Add(JsonSerializer.Serialize(StoredBinding.From(binding)));
                }
                await _redis.GetDatabase().ScriptEvaluateAsync(RestoreScript, [Key(aor)], [.. args]).ConfigureAwait(false);
                restored += bindings.Count;
            }
            await TakeEpochAsync().ConfigureAwait(false);
            LocationLog.Restored(_log, restored, aors.Count);
            return restored;
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LocationLog.RestoreFailed(_log, e.Message); // still away: the next reconnect tries again
            return 0;
        }
        finally
        {
            _restoring.Release();
        }
    }

    /// <summary>Creates the epoch when there is none, and remembers the store's.</summary>
    private async Task TakeEpochAsync()
    {
        var db = _redis.GetDatabase();
        await db.StringSetAsync(_epochKey, Guid.NewGuid().ToString("N"), when: When.NotExists).ConfigureAwait(false);
        _epoch = await db.StringGetAsync(_epochKey).ConfigureAwait(false);
    }

    private RedisKey Key(string aor) => _prefix + aor.ToLowerInvariant();

    private static string Field(string contact) => contact.ToLowerInvariant();

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>A binding as stored: <c>exp</c> is read by the script, so it is a plain number.</summary>
    private sealed record StoredBinding(
        string Aor, string Contact, string CallId, uint CSeq, long exp, string? Q, string? Instance, string? Source, IReadOnlyList<string>? Path)
    {
        public static StoredBinding From(Binding b) =>
            new(b.Aor, b.ContactUri, b.CallId, b.CSeq, b.ExpiresAt.ToUnixTimeMilliseconds(), b.Q, b.InstanceId, b.Source, b.Path);

        public Binding ToBinding() =>
            new(Aor, Contact, CallId, CSeq, DateTimeOffset.FromUnixTimeMilliseconds(exp), Q, Instance, Source, Path);
    }
}
