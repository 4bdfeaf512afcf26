using System.Globalization;
using System.Text.Json;
using StackExchange.Redis;

namespace Telephony.ContactCenter.Store;

/// <summary>
/// Seat and queue state in Redis, shared by every server node. Each operation is one Lua script
/// (see <see cref="RedisSeatScripts"/>), so checks and writes are atomic across nodes. When Redis
/// cannot be reached every operation throws <see cref="SeatStoreUnavailableException"/> at once
/// (see <see cref="ConnectionOptions"/>), so the ACD can ride the outage out.
/// </summary>
public sealed class RedisSeatStore : ISeatStore
{
    private readonly IDatabase _db;
    private readonly string _prefix;

    /// <param name="redis">A connected multiplexer (shared; the caller owns it).</param>
    /// <param name="keyPrefix">Namespace for every key, e.g. "telephony:cc"; wrapped in a hash tag
    /// so all keys share one cluster slot, as multi-key scripts need.</param>
    public RedisSeatStore(IConnectionMultiplexer redis, string keyPrefix)
    {
        ArgumentNullException.ThrowIfNull(redis);
        ArgumentException.ThrowIfNullOrEmpty(keyPrefix);
        redis.ConnectionRestored += OnConnectionRestored;
        _db = redis.GetDatabase();
        _prefix = keyPrefix.Contains('{', StringComparison.Ordinal) ? keyPrefix : "{" + keyPrefix + "}:";
    }

    /// <summary>
    /// The client options a seat store's connection should have. <see cref="BacklogPolicy.FailFast"/>: while
    /// Redis is away a command fails at once instead of waiting in the client's backlog for the
    /// command timeout, so the ACD's one mailbox is never held for seconds per call or login during an
    /// outage. The client still reconnects by itself; <see cref="ConnectionRestored"/> says when.
    /// </summary>
    public static ConfigurationOptions ConnectionOptions(string configuration)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.BacklogPolicy = BacklogPolicy.FailFast;
        return options;
    }

    /// <inheritdoc />
    public event EventHandler? ConnectionRestored;

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e) => ConnectionRestored?.Invoke(this, EventArgs.Empty);

    /// <summary>The literal prefix of every key this store writes (for clean-up in tests and tools).</summary>
    public string KeyPrefix => _prefix;

    /// <inheritdoc />
    public async Task<string> EnsureSeatsAsync(IEnumerable<string> extensions, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(extensions);
        var args = new List<RedisValue> { _prefix, Ms(now), Guid.NewGuid().ToString("N") };
        args.AddRange(extensions.Select(e => (RedisValue)e));
        return (await Run(RedisSeatScripts.EnsureSeats, [.. args]).ConfigureAwait(false)).ToString();
    }

    /// <inheritdoc />
    public async Task<string?> GetEpochAsync(CancellationToken ct = default)
    {
        var epoch = await Guard(() => _db.StringGetAsync(_prefix + "epoch")).ConfigureAwait(false);
        return epoch.IsNullOrEmpty ? null : epoch.ToString();
    }

    /// <inheritdoc />
    public async Task<SeatResult> RestoreAsync(SeatSnapshot seat, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(seat);
        ArgumentException.ThrowIfNullOrEmpty(seat.AgentId, nameof(seat));
        if (seat.State == SeatState.LoggedOut)
            throw new ArgumentException("A logged-out seat has nothing to restore.", nameof(seat));
        var reason = seat.State == SeatState.NotReady ? seat.Reason ?? "not ready" : "";
        var call = SeatStateRules.HoldsCall(seat.State) ? seat.CallId ?? "" : "";
        var result = await Run(RedisSeatScripts.Restore, _prefix, seat.Extension, seat.AgentId, string.Join(',', SkillNames.Normalize(seat.Skills)),
            seat.State.ToString(), reason, call, Ms(now)).ConfigureAwait(false);
        return ToResult(seat.Extension, result);
    }

    /// <inheritdoc />
    public async Task<SeatSnapshot?> GetSeatAsync(string extension, CancellationToken ct = default)
    {
        var fields = await Guard(() => _db.HashGetAllAsync(_prefix + "seat:" + extension)).ConfigureAwait(false);
        return fields.Length == 0 ? null : ToSeat(extension, fields.ToDictionary(f => f.Name.ToString(), f => f.Value.ToString()));
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SeatSnapshot>> GetSeatsAsync(CancellationToken ct = default)
    {
        var extensions = await Guard(() => _db.SetMembersAsync(_prefix + "seats")).ConfigureAwait(false);
        var batch = _db.CreateBatch();
        var reads = extensions.Select(e => (Ext: e.ToString(), Read: batch.HashGetAllAsync(_prefix + "seat:" + e))).ToList();
        batch.Execute();
        var seats = new List<SeatSnapshot>(reads.Count);
        foreach (var (ext, read) in reads.OrderBy(r => r.Ext, StringComparer.Ordinal))
        {
            var fields = await Guard(() => read).ConfigureAwait(false);
            if (fields.Length > 0)
                seats.Add(ToSeat(ext, fields.ToDictionary(f => f.Name.ToString(), f => f.Value.ToString())));
        }
        return seats;
    }

    /// <inheritdoc />
    public async Task<string?> FindSeatOfAgentAsync(string agentId, CancellationToken ct = default)
    {
        var ext = await Guard(() => _db.StringGetAsync(_prefix + "agent:" + agentId)).ConfigureAwait(false);
        return ext.IsNullOrEmpty ? null : ext.ToString();
    }

    /// <inheritdoc />
    public async Task<SeatResult> LoginAsync(string extension, string agentId, IReadOnlyCollection<string> skills, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        var normalized = SkillNames.Normalize(skills);
        if (normalized.FirstOrDefault(s => !SkillNames.IsValid(s)) is { } bad)
            throw new ArgumentException($"Invalid skill name '{bad}'.", nameof(skills));
        var result = await Run(RedisSeatScripts.Login, _prefix, extension, agentId, string.Join(',', normalized), Ms(now)).ConfigureAwait(false);
        return ToResult(extension, result);
    }

    /// <inheritdoc />
    public async Task<SeatResult> LogoutAsync(string extension, string agentId, DateTimeOffset now, CancellationToken ct = default)
    {
        var result = await Run(RedisSeatScripts.Logout, _prefix, extension, agentId, Sources(SeatState.LoggedOut), Ms(now)).ConfigureAwait(false);
        return ToResult(extension, result);
    }

    /// <inheritdoc />
    public async Task<SeatResult> TransitionAsync(SeatTransitionRequest request, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.To is SeatState.LoggedOut or SeatState.Reserved)
            throw new ArgumentException("Use LogoutAsync / TryReserveAsync for this state.", nameof(request));
        var reason = request.To == SeatState.NotReady ? request.Reason ?? "not ready" : "";
        var result = await Run(RedisSeatScripts.Transition, _prefix, request.Extension, request.To.ToString(), reason,
            request.ExpectedAgentId ?? "", request.ExpectedCallId ?? "", string.Join(',', request.AllowedSources()),
            SeatStateRules.HoldsCall(request.To) ? "1" : "0", Ms(now)).ConfigureAwait(false);
        return ToResult(request.Extension, result);
    }

    /// <inheritdoc />
    public async Task<SeatSnapshot?> TryReserveAsync(IReadOnlyCollection<string> requiredSkills, string callId, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        var args = new List<RedisValue> { _prefix, callId, Ms(now) };
        args.AddRange(SkillNames.Normalize(requiredSkills).Select(s => (RedisValue)s));
        var result = (RedisResult[])(await Run(RedisSeatScripts.Reserve, [.. args]).ConfigureAwait(false))!;
        var fields = Fields((RedisResult[])result[1]!);
        return fields.Count == 0 ? null : ToSeat(fields);
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<SeatStateTransition>> GetHistoryAsync(string extension, CancellationToken ct = default)
    {
        var items = await Guard(() => _db.ListRangeAsync(_prefix + "hist:" + extension)).ConfigureAwait(false);
        return [.. items.Select(i => ToTransition(extension, i.ToString()))];
    }

    /// <inheritdoc />
    public async Task<int> EnqueueAsync(QueueEntry entry, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var result = await Run(RedisSeatScripts.Enqueue, _prefix, entry.Queue, entry.CallId,
            QueuePriority.Clamp(entry.Priority).ToString(CultureInfo.InvariantCulture), Ms(entry.EnqueuedAt), entry.Node,
            QueuePriority.ArrivalKey(entry.EnqueuedAt).ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        return (int)result;
    }

    /// <inheritdoc />
    public async Task<int?> EnqueueWithinLimitAsync(QueueEntry entry, string group, int limit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(group);
        var result = (int)await Run(RedisSeatScripts.EnqueueWithinLimit, _prefix, entry.Queue, entry.CallId,
            QueuePriority.Clamp(entry.Priority).ToString(CultureInfo.InvariantCulture), Ms(entry.EnqueuedAt), entry.Node,
            QueuePriority.ArrivalKey(entry.EnqueuedAt).ToString(CultureInfo.InvariantCulture),
            group, limit.ToString(CultureInfo.InvariantCulture)).ConfigureAwait(false);
        return result < 0 ? null : result;
    }

    /// <inheritdoc />
    public async Task<bool> RemoveFromQueueAsync(string queue, string callId, CancellationToken ct = default) =>
        (int)await Run(RedisSeatScripts.Dequeue, _prefix, queue, callId).ConfigureAwait(false) == 1;

    /// <inheritdoc />
    public async Task<IReadOnlyList<QueueEntry>> GetQueueAsync(string queue, CancellationToken ct = default)
    {
        var result = (RedisResult[])(await Run(RedisSeatScripts.ListQueue, _prefix, queue).ConfigureAwait(false))!;
        return [.. result.Select(r => ToEntry((RedisResult[])r!))];
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> GetWaitingQueuesAsync(CancellationToken ct = default)
    {
        var names = await Guard(() => _db.SetMembersAsync(_prefix + "queues")).ConfigureAwait(false);
        return [.. names.Select(n => n.ToString()).Order(StringComparer.Ordinal)];
    }

    /// <inheritdoc />
    public async Task<int?> GetQueuePositionAsync(string queue, string callId, CancellationToken ct = default)
    {
        var rank = await Guard(() => _db.SortedSetRankAsync(_prefix + "q:" + queue, callId)).ConfigureAwait(false);
        return rank is null ? null : (int)rank.Value + 1;
    }

    /// <inheritdoc />
    public async Task<Assignment?> TryAssignQueueHeadAsync(QueueDefinition queue, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var args = new List<RedisValue> { _prefix, queue.Name, Ms(now) };
        args.AddRange(SkillNames.Normalize(queue.RequiredSkills).Select(s => (RedisValue)s));
        return ToAssignment(await Run(RedisSeatScripts.AssignQueueHead, [.. args]).ConfigureAwait(false));
    }

    /// <inheritdoc />
    public async Task<Assignment?> TryAssignSeatAsync(string extension, IReadOnlyList<string> queues, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(queues);
        if (queues.Count == 0)
            return null;
        var args = new List<RedisValue> { _prefix, extension, Ms(now) };
        args.AddRange(queues.Select(q => (RedisValue)q));
        return ToAssignment(await Run(RedisSeatScripts.AssignSeat, [.. args]).ConfigureAwait(false));
    }

    private Task<RedisResult> Run(string script, params RedisValue[] args) => Guard(() => _db.ScriptEvaluateAsync(script, keys: null, values: args));

    /// <summary>Turns "Redis cannot be reached now" into the store's one outage exception; other errors pass unchanged.</summary>
    private static async Task<T> Guard<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (Exception e) when (IsOutage(e))
        {
            throw new SeatStoreUnavailableException("The seat store (Redis) is unavailable: " + e.Message, e);
        }
    }

    // LOADING: a restarted Redis still reading its data file refuses commands until it is done.
    private static bool IsOutage(Exception e) =>
        e is RedisConnectionException or RedisTimeoutException or ObjectDisposedException
        || (e is RedisServerException && e.Message.StartsWith("LOADING", StringComparison.Ordinal));

    private static string Sources(SeatState to) => string.Join(',', SeatStateRules.LegalSources(to));

    private static string Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    private static DateTimeOffset FromMs(string ms) =>
        DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(ms, NumberStyles.Integer, CultureInfo.InvariantCulture));

    private static Dictionary<string, string> Fields(RedisResult[] flat)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < flat.Length; i += 2)
            fields[flat[i].ToString()] = flat[i + 1].ToString();
        return fields;
    }

    private static SeatResult ToResult(string extension, RedisResult result)
    {
        var parts = (RedisResult[])result!;
        var error = Enum.Parse<SeatError>(parts[0].ToString());
        var fields = Fields((RedisResult[])parts[1]!);
        return new SeatResult(error, fields.Count == 0 ? null : ToSeat(extension, fields));
    }

    private static SeatSnapshot ToSeat(Dictionary<string, string> fields) => ToSeat(fields["ext"], fields);

    private static SeatSnapshot ToSeat(string extension, Dictionary<string, string> f)
    {
        string Get(string name) => f.TryGetValue(name, out var v) ? v : "";
        var state = Enum.Parse<SeatState>(Get("state"));
        var idle = Get("idle");
        return new SeatSnapshot(
            extension,
            NullIfEmpty(Get("agent")),
            state,
            NullIfEmpty(Get("reason")),
            Get("skills").Split(',', StringSplitOptions.RemoveEmptyEntries),
            FromMs(Get("since")),
            idle.Length == 0 ? null : FromMs(idle),
            NullIfEmpty(Get("call")));
    }

    private static QueueEntry ToEntry(RedisResult[] e) =>
        new(e[0].ToString(), e[1].ToString(), int.Parse(e[2].ToString(), CultureInfo.InvariantCulture), FromMs(e[3].ToString()), e[4].ToString());

    private static Assignment? ToAssignment(RedisResult result)
    {
        var parts = (RedisResult[])result!;
        if (parts.Length == 0)
            return null;
        var entry = ToEntry((RedisResult[])parts[0]!);
        var fields = Fields((RedisResult[])parts[1]!);
        return new Assignment(entry, ToSeat(fields));
    }

    private static SeatStateTransition ToTransition(string extension, string json)
    {
        var h = JsonSerializer.Deserialize<HistoryJson>(json) ?? throw new InvalidDataException("Empty history entry.");
        return new SeatStateTransition(extension, NullIfEmpty(h.agent), Enum.Parse<SeatState>(h.from), Enum.Parse<SeatState>(h.to),
            NullIfEmpty(h.reason), NullIfEmpty(h.call), FromMs(h.at));
    }

    private static string? NullIfEmpty(string? s) => string.IsNullOrEmpty(s) ? null : s;

#pragma warning disable IDE1006, CA1812 // JSON shape written by the Lua scripts
    private sealed record HistoryJson(string at, string from, string to, string reason, string call, string agent);
#pragma warning restore IDE1006, CA1812
}
