using System.Text.Json;
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
/// The clock is the node's (<paramref name="time"/>), not Redis's: the expiry the registrar granted and the one
/// the store applies are then the same number, and the key's TTL is only relative (never an absolute time).
/// </remarks>
public sealed class RedisLocationStore(IConnectionMultiplexer redis, string keyPrefix, TimeProvider? time = null) : ILocationStore
{
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

    private readonly string _prefix = (keyPrefix.Contains('{', StringComparison.Ordinal) ? keyPrefix : "{" + keyPrefix + "}:") + "loc:";
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<Binding>> GetBindingsAsync(string aor, CancellationToken cancellationToken = default)
    {
        var entries = await redis.GetDatabase().HashValuesAsync(Key(aor)).ConfigureAwait(false);
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
        await redis.GetDatabase().ScriptEvaluateAsync(ApplyScript, [Key(aor)], [.. args]).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask RemoveAllAsync(string aor, CancellationToken cancellationToken = default) =>
        await redis.GetDatabase().KeyDeleteAsync(Key(aor)).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<int> PurgeExpiredAsync(CancellationToken cancellationToken = default)
    {
        var db = redis.GetDatabase();
        int removed = 0;
        foreach (var endpoint in redis.GetEndPoints())
        {
            await foreach (var key in redis.GetServer(endpoint).KeysAsync(db.Database, pattern: _prefix + "*").WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var dropped = await db.ScriptEvaluateAsync(ApplyScript, [key], [Now(), 0]).ConfigureAwait(false);
                removed += (int)dropped;
            }
        }
        return removed;
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
