using Telephony.Cases.Staff;
using Telephony.Cases.Storage;
using Telephony.ContactCenter.Agents;
using Telephony.ContactCenter.Queues;
using Telephony.Server.Agents;
using Telephony.Server.Security;
using Telephony.Server.Sip;

namespace Telephony.Server.Administration;

/// <summary>What a reload changed that the ACD must act on (agents removed, the queues replaced).</summary>
/// <param name="RemovedAgents">Agents that were configured before and are not now.</param>
/// <param name="Queues">The new queues, or null when they did not change.</param>
public sealed record StaffReload(IReadOnlyList<string> RemovedAgents, IReadOnlyList<QueueDefinition>? Queues);

/// <summary>
/// Users, agents, seats and queues as this node knows them, read from the staff tables of the cases database
/// (issue 14: live administration). At the first start each empty table is seeded from its JSON file (users file,
/// seats file, agents file); afterwards the files are not read. The catalog owns the in-memory views the server
/// reads on its hot paths (<see cref="UserDirectory"/> for tokens, <see cref="SeatDirectory"/> for digest
/// authentication, <see cref="AgentDirectory"/> for the ACD, <see cref="Queues"/>) and replaces each whole, in one
/// step, when it reloads: after a write on this node, on another node's change notice (<see cref="StaffNotices"/>),
/// or when the version check (<see cref="StaffSync"/>) finds a newer version.
/// </summary>
public sealed class StaffCatalog
{
    private readonly IStaffStore _store;
    private readonly StaffNotices _notices;
    private readonly ILogger _log;
    private readonly SemaphoreSlim _reload = new(1, 1);
    private long _version;
    private IReadOnlyList<StaffQueue> _storedQueues;
    private IReadOnlyList<QueueDefinition> _queues;

    private StaffCatalog(StaffSnapshot snapshot, IStaffStore store, StaffNotices notices, string realm, TimeProvider time, TimeSpan localOffset, ILogger log)
    {
        _store = store;
        _notices = notices;
        _log = log;
        Realm = realm;
        _version = snapshot.Version;
        _storedQueues = snapshot.Queues;
        _queues = ParseQueues(snapshot.Queues);
        Users = new UserDirectory(snapshot.Users, store, AfterWriteAsync, time, localOffset);
        Seats = new SeatDirectory(UsableSeats(snapshot.Seats, warn: true));
        Agents = new AgentDirectory(snapshot.Agents.Select(ProfileOf));
    }

    /// <summary>The users (tokens, logins).</summary>
    public UserDirectory Users { get; }

    /// <summary>The seats' digest credentials (the registrar's credential store).</summary>
    public SeatDirectory Seats { get; }

    /// <summary>The agents (the ACD's logins).</summary>
    public AgentDirectory Agents { get; }

    /// <summary>The queues as last read.</summary>
    public IReadOnlyList<QueueDefinition> Queues => Volatile.Read(ref _queues);

    /// <summary>The queues as stored (the agents file's JSON form of each).</summary>
    public IReadOnlyList<StaffQueue> StoredQueues => Volatile.Read(ref _storedQueues);

    /// <summary>The staff version this node has applied.</summary>
    public long Version => Volatile.Read(ref _version);

    /// <summary>The digest realm (<c>Sip:Domain</c>) seats' HA1s are computed for.</summary>
    public string Realm { get; }

    /// <summary>The store the administration endpoints write to.</summary>
    public IStaffStore Store => _store;

    /// <summary>Raised after a reload that removed agents or changed the queues (the ACD acts on it: <see cref="StaffSync"/>).</summary>
    public event Func<StaffReload, Task>? Reloaded;

    /// <summary>
    /// Migrates the database, seeds each empty staff table from its file and reads the tables. Runs once, when the
    /// first service that needs users, seats or agents is made (before the server takes a request or a REGISTER).
    /// </summary>
    public static StaffCatalog Open(SqlCaseStore store, StaffSeedFiles files, StaffNotices notices, string realm, TimeProvider time, TimeSpan localOffset, ILogger log)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(files);
        return Task.Run(async () =>
        {
            await store.MigrateAsync().ConfigureAwait(false);
            var snapshot = await store.GetStaffAsync().ConfigureAwait(false);
            var seed = files.Read(snapshot, realm);
            if (seed is not null)
            {
                var seeded = await store.SeedStaffAsync(seed, time.GetUtcNow()).ConfigureAwait(false);
                if (seeded != StaffTables.None)
                    AdminLog.Seeded(log, seeded.ToString());
                snapshot = await store.GetStaffAsync().ConfigureAwait(false);
            }
            return new StaffCatalog(snapshot, store, notices, realm, time, localOffset, log);
        }).GetAwaiter().GetResult();
    }

    /// <summary>
    /// Reads the tables again when their version is not the one applied (or always, with <paramref name="force"/>) and
    /// replaces the views. A database that does not answer leaves the views as they are (logged by the caller).
    /// </summary>
    public async Task RefreshAsync(bool force = false, CancellationToken ct = default)
    {
        await _reload.WaitAsync(ct).ConfigureAwait(false);
        StaffReload? changed;
        try
        {
            if (!force && await _store.GetStaffVersionAsync(ct).ConfigureAwait(false) == Version)
                return;
            var snapshot = await _store.GetStaffAsync(ct).ConfigureAwait(false);
            changed = Apply(snapshot);
        }
        finally
        {
            _reload.Release();
        }
        if (changed is not null && Reloaded is { } handlers)
            await handlers(changed).ConfigureAwait(false);
    }

    /// <summary>After a write on this node: applied here at once, then the other nodes are told.</summary>
    public async Task AfterWriteAsync()
    {
        await RefreshAsync(force: true).ConfigureAwait(false);
        try
        {
            await _notices.PublishAsync(Version).ConfigureAwait(false);
        }
        catch (Exception e) when (e is StackExchange.Redis.RedisException or TimeoutException)
        {
            AdminLog.NoticeFailed(_log, e.Message);
        }
    }

    private StaffReload? Apply(StaffSnapshot snapshot)
    {
        Users.Replace(snapshot.Users);
        Seats.Replace(UsableSeats(snapshot.Seats, warn: false));
        var before = Agents.All.Select(a => a.Id).ToList();
        Agents.Replace(snapshot.Agents.Select(ProfileOf));
        var removed = before.Where(id => Agents.Find(id) is null).ToList();
        IReadOnlyList<QueueDefinition>? queues = null;
        if (!SameQueues(StoredQueues, snapshot.Queues))
        {
            try
            {
                queues = ParseQueues(snapshot.Queues);
                Volatile.Write(ref _queues, queues);
                Volatile.Write(ref _storedQueues, snapshot.Queues);
            }
            catch (InvalidOperationException e)
            {
                AdminLog.StoredQueueInvalid(_log, "?", e.Message);
            }
        }
        Volatile.Write(ref _version, snapshot.Version);
        AdminLog.Reloaded(_log, snapshot.Version, snapshot.Users.Count, snapshot.Agents.Count, snapshot.Seats.Count, snapshot.Queues.Count);
        return removed.Count > 0 || queues is not null ? new StaffReload(removed, queues) : null;
    }

    private IEnumerable<StaffSeat> UsableSeats(IReadOnlyList<StaffSeat> seats, bool warn)
    {
        foreach (var seat in seats)
        {
            if (seat.Realm == Realm)
                yield return seat;
            else if (warn)
                AdminLog.SeatOtherRealm(_log, seat.Extension, seat.Realm, Realm);
        }
    }

    private static bool SameQueues(IReadOnlyList<StaffQueue> a, IReadOnlyList<StaffQueue> b) => a.SequenceEqual(b);

    /// <summary>Parses stored queues (each in the agents file's form) and checks them as a set; throws <see cref="InvalidOperationException"/>.</summary>
    public static IReadOnlyList<QueueDefinition> ParseQueues(IReadOnlyList<StaffQueue> stored)
    {
        var queues = new List<QueueDefinition>();
        foreach (var queue in stored)
        {
            var json = AgentsFile.ReadQueueJson(queue.Definition) ?? throw new InvalidOperationException($"queue '{queue.Name}': empty definition");
            queues.Add(AgentsFile.ParseQueue(json with { Name = queue.Name }, $"queue '{queue.Name}'"));
        }
        AgentsFile.CheckOverflowTargets(queues, "queues");
        return queues;
    }

    private static AgentProfile ProfileOf(StaffAgent agent) => new(agent.Id, agent.Name, agent.Skills);
}
