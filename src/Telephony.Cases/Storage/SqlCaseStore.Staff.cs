using System.Data.Common;
using System.Globalization;
using Dapper;
using Telephony.Cases.Staff;

namespace Telephony.Cases.Storage;

/// <summary>The staff tables (migration 16): users, agents, seats, queues and the one version row.</summary>
public sealed partial class SqlCaseStore : IStaffStore
{
    private const string UserColumns = "name, role, agent_id, department, password_hash, stamp, demo, roster_date";
    private const string AgentColumns = "id, name, skills";
    private const string SeatColumns = "extension, realm, ha1_md5, ha1_sha256, demo";
    private const string QueueColumns = "name, definition";

    public async Task<long> GetStaffVersionAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT version FROM staff_version WHERE id = 1", cancellationToken: ct)).ConfigureAwait(false);
    }

    public async Task<StaffSnapshot> GetStaffAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        var version = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT version FROM staff_version WHERE id = 1", transaction: tx, cancellationToken: ct)).ConfigureAwait(false);
        var users = await connection.QueryAsync<StaffUserRow>(new CommandDefinition($"SELECT {UserColumns} FROM staff_users ORDER BY name", transaction: tx, cancellationToken: ct)).ConfigureAwait(false);
        var agents = await connection.QueryAsync<StaffAgentRow>(new CommandDefinition($"SELECT {AgentColumns} FROM staff_agents ORDER BY id", transaction: tx, cancellationToken: ct)).ConfigureAwait(false);
        var seats = await connection.QueryAsync<StaffSeatRow>(new CommandDefinition($"SELECT {SeatColumns} FROM staff_seats ORDER BY extension", transaction: tx, cancellationToken: ct)).ConfigureAwait(false);
        var queues = await connection.QueryAsync<StaffQueueRow>(new CommandDefinition($"SELECT {QueueColumns} FROM staff_queues ORDER BY name", transaction: tx, cancellationToken: ct)).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return new StaffSnapshot(version,
            users.Select(u => u.ToUser()).ToList(), agents.Select(a => a.ToAgent()).ToList(),
            seats.Select(s => s.ToSeat()).ToList(), queues.Select(q => new StaffQueue(q.Name, q.Definition)).ToList());
    }

    public async Task<StaffTables> SeedStaffAsync(StaffSeed seed, DateTimeOffset at, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(seed);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        var seeded = StaffTables.None;
        var now = Ms(at);
        seeded |= await SeedTableAsync(connection, tx, "staff_users", UserColumns, "name", seed.Users.Select(u => (object)StaffUserRow.From(u, "seed", now)), StaffTables.Users, ct).ConfigureAwait(false);
        seeded |= await SeedTableAsync(connection, tx, "staff_agents", AgentColumns, "id", seed.Agents.Select(a => (object)StaffAgentRow.From(a, "seed", now)), StaffTables.Agents, ct).ConfigureAwait(false);
        seeded |= await SeedTableAsync(connection, tx, "staff_seats", SeatColumns, "extension", seed.Seats.Select(x => (object)StaffSeatRow.From(x, "seed", now)), StaffTables.Seats, ct).ConfigureAwait(false);
        seeded |= await SeedTableAsync(connection, tx, "staff_queues", QueueColumns, "name", seed.Queues.Select(q => (object)StaffQueueRow.From(q, "seed", now)), StaffTables.Queues, ct).ConfigureAwait(false);
        if (seeded != StaffTables.None)
            await BumpStaffVersionAsync(connection, tx, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return seeded;
    }

    /// <summary>Inserts <paramref name="rows"/> when <paramref name="table"/> is empty (and there are rows); <paramref name="which"/> when it did.</summary>
    private static async Task<StaffTables> SeedTableAsync(DbConnection connection, DbTransaction tx, string table, string columns, string key,
        IEnumerable<object> rows, StaffTables which, CancellationToken ct)
    {
        var list = rows.ToList();
        if (list.Count == 0 || !await IsEmptyAsync(connection, tx, table, ct).ConfigureAwait(false))
            return StaffTables.None;
        var sql = UpsertSql(table, columns, key, update: false);
        foreach (var row in list)
            await connection.ExecuteAsync(new CommandDefinition(sql, row, tx, cancellationToken: ct)).ConfigureAwait(false);
        return which;
    }

    public Task<StaffWrite> SaveUserAsync(StaffUser user, string by, DateTimeOffset at, CancellationToken ct = default) =>
        SaveStaffAsync("staff_users", UserColumns, "name", StaffUserRow.From(user, by, Ms(at)), user.Name, ct);

    public Task<StaffWrite> DeleteUserAsync(string name, CancellationToken ct = default) => DeleteStaffAsync("staff_users", "name", name, ct);

    public Task<StaffWrite> SaveAgentAsync(StaffAgent agent, string by, DateTimeOffset at, CancellationToken ct = default) =>
        SaveStaffAsync("staff_agents", AgentColumns, "id", StaffAgentRow.From(agent, by, Ms(at)), agent.Id, ct);

    public Task<StaffWrite> DeleteAgentAsync(string id, CancellationToken ct = default) => DeleteStaffAsync("staff_agents", "id", id, ct);

    public Task<StaffWrite> SaveSeatAsync(StaffSeat seat, string by, DateTimeOffset at, CancellationToken ct = default) =>
        SaveStaffAsync("staff_seats", SeatColumns, "extension", StaffSeatRow.From(seat, by, Ms(at)), seat.Extension, ct);

    public Task<StaffWrite> DeleteSeatAsync(string extension, CancellationToken ct = default) => DeleteStaffAsync("staff_seats", "extension", extension, ct);

    public Task<StaffWrite> SaveQueueAsync(StaffQueue queue, string by, DateTimeOffset at, CancellationToken ct = default) =>
        SaveStaffAsync("staff_queues", QueueColumns, "name", StaffQueueRow.From(queue, by, Ms(at)), queue.Name, ct);

    public Task<StaffWrite> DeleteQueueAsync(string name, CancellationToken ct = default) => DeleteStaffAsync("staff_queues", "name", name, ct);

    private async Task<StaffWrite> SaveStaffAsync(string table, string columns, string key, object row, string id, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        var existed = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM {table} WHERE {key} = @id", new { id }, tx, cancellationToken: ct)).ConfigureAwait(false) > 0;
        await connection.ExecuteAsync(new CommandDefinition(UpsertSql(table, columns, key, update: true), row, tx, cancellationToken: ct)).ConfigureAwait(false);
        var version = await BumpStaffVersionAsync(connection, tx, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return new StaffWrite(existed, version);
    }

    private async Task<StaffWrite> DeleteStaffAsync(string table, string key, string id, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        var deleted = await connection.ExecuteAsync(new CommandDefinition($"DELETE FROM {table} WHERE {key} = @id", new { id }, tx, cancellationToken: ct)).ConfigureAwait(false);
        if (deleted == 0)
        {
            await tx.RollbackAsync(ct).ConfigureAwait(false);
            return new StaffWrite(false, 0);
        }
        var version = await BumpStaffVersionAsync(connection, tx, ct).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return new StaffWrite(true, version);
    }

    private static Task<long> BumpStaffVersionAsync(DbConnection connection, DbTransaction tx, CancellationToken ct) =>
        connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "UPDATE staff_version SET version = version + 1 WHERE id = 1 RETURNING version", transaction: tx, cancellationToken: ct));

    private static async Task<bool> IsEmptyAsync(DbConnection connection, DbTransaction tx, string table, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition($"SELECT COUNT(*) FROM {table}", transaction: tx, cancellationToken: ct)).ConfigureAwait(false) == 0;

    // One statement for both dialects (SQLite ≥ 3.24 and PostgreSQL share ON CONFLICT ... DO UPDATE / DO NOTHING).
    private static string UpsertSql(string table, string columns, string key, bool update)
    {
        var all = columns.Split(',', StringSplitOptions.TrimEntries).Append("updated_at").Append("updated_by").ToArray();
        var values = string.Join(", ", all.Select(c => "@" + ToPascal(c)));
        var set = string.Join(", ", all.Where(c => c != key).Select(c => $"{c} = excluded.{c}"));
        return $"INSERT INTO {table} ({string.Join(", ", all)}) VALUES ({values}) ON CONFLICT ({key}) " + (update ? $"DO UPDATE SET {set}" : "DO NOTHING");
    }

    private sealed class StaffUserRow
    {
        public string Name { get; set; } = "";
        public string Role { get; set; } = "";
        public string? AgentId { get; set; }
        public string? Department { get; set; }
        public string PasswordHash { get; set; } = "";
        public string Stamp { get; set; } = "";
        public long Demo { get; set; }
        public string? RosterDate { get; set; }
        public long UpdatedAt { get; set; }
        public string UpdatedBy { get; set; } = "";

        public StaffUser ToUser() => new(Name, Role, AgentId, Department, PasswordHash, Stamp, Demo != 0,
            RosterDate is { } d ? DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null);

        public static StaffUserRow From(StaffUser u, string by, long at) => new()
        {
            Name = u.Name, Role = u.Role, AgentId = u.AgentId, Department = u.Department, PasswordHash = u.PasswordHash, Stamp = u.Stamp,
            Demo = u.Demo ? 1 : 0, RosterDate = u.RosterDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), UpdatedAt = at, UpdatedBy = by,
        };
    }

    private sealed class StaffAgentRow
    {
        public string Id { get; set; } = "";
        public string Name { get; set; } = "";
        public string Skills { get; set; } = "";
        public long UpdatedAt { get; set; }
        public string UpdatedBy { get; set; } = "";

        // Skills are lower-case tokens without spaces (SkillNames), so one space-separated column holds them.
        public StaffAgent ToAgent() => new(Id, Name, Skills.Split(' ', StringSplitOptions.RemoveEmptyEntries));

        public static StaffAgentRow From(StaffAgent a, string by, long at) =>
            new() { Id = a.Id, Name = a.Name, Skills = string.Join(' ', a.Skills), UpdatedAt = at, UpdatedBy = by };
    }

    private sealed class StaffSeatRow
    {
        public string Extension { get; set; } = "";
        public string Realm { get; set; } = "";
        public string Ha1Md5 { get; set; } = "";
        public string Ha1Sha256 { get; set; } = "";
        public long Demo { get; set; }
        public long UpdatedAt { get; set; }
        public string UpdatedBy { get; set; } = "";

        public StaffSeat ToSeat() => new(Extension, Realm, Ha1Md5, Ha1Sha256, Demo != 0);

        public static StaffSeatRow From(StaffSeat s, string by, long at) => new()
        {
            Extension = s.Extension, Realm = s.Realm, Ha1Md5 = s.Ha1Md5, Ha1Sha256 = s.Ha1Sha256, Demo = s.Demo ? 1 : 0, UpdatedAt = at, UpdatedBy = by,
        };
    }

    private sealed class StaffQueueRow
    {
        public string Name { get; set; } = "";
        public string Definition { get; set; } = "";
        public long UpdatedAt { get; set; }
        public string UpdatedBy { get; set; } = "";

        public static StaffQueueRow From(StaffQueue q, string by, long at) => new() { Name = q.Name, Definition = q.Definition, UpdatedAt = at, UpdatedBy = by };
    }
}
