using System.Text;
using Dapper;

namespace Telephony.Cases.Storage;

// Recordings (search, access audit, retention) and calls' traces (migrations 10 and 11).
public sealed partial class SqlCaseStore
{
    // The case number taken on the call: at most one case per call in practice, the lowest number when several.
    private static readonly string ListingColumns =
        string.Join(", ", CallColumns.Split(", ").Select(c => "cr." + c))
        + ", 1 AS listing_part, cr.recording_expired_at, (SELECT MIN(c.number) FROM cases c WHERE c.call_id = cr.call_id) AS case_number";

    public async Task<IReadOnlyList<RecordingListing>> SearchRecordingsAsync(RecordingQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        // Only the filters given become SQL (PostgreSQL cannot type an "@p IS NULL" parameter), all as parameters.
        var sql = new StringBuilder($"SELECT {ListingColumns} FROM call_records cr WHERE cr.offered_at >= @from AND cr.offered_at < @to");
        if (query.RecordedOnly) sql.Append(" AND cr.recording_path IS NOT NULL");
        if (query.Caller is not null) sql.Append(" AND cr.caller = @caller");
        if (query.AgentId is not null) sql.Append(" AND cr.agent_id = @agent");
        if (query.Queue is not null) sql.Append(" AND cr.queue = @queue");
        if (query.Outcome is not null) sql.Append(" AND cr.outcome = @outcome");
        if (query.CaseNumber is not null) sql.Append(" AND cr.call_id IN (SELECT c.call_id FROM cases c WHERE c.number = @caseNumber)");
        sql.Append(" ORDER BY cr.offered_at DESC, cr.call_id LIMIT @limit");
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var rows = await QueryListingsAsync(connection, sql.ToString(), new
        {
            from = Ms(query.From), to = Ms(query.To), caller = query.Caller, agent = query.AgentId, queue = query.Queue,
            outcome = query.Outcome, caseNumber = query.CaseNumber, limit = Math.Clamp(query.Limit, 1, 500),
        }, ct).ConfigureAwait(false);
        return rows.ToList();
    }

    public async Task<RecordingListing?> GetRecordingAsync(string callId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var rows = await QueryListingsAsync(connection, $"SELECT {ListingColumns} FROM call_records cr WHERE cr.call_id = @callId", new { callId }, ct).ConfigureAwait(false);
        return rows.FirstOrDefault();
    }

    public async Task AddRecordingAccessAsync(RecordingAccess access, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(access);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO recording_access (call_id, user_name, user_role, action, channel, at) VALUES (@CallId, @UserName, @Role, @Action, @Channel, @at)",
            new { access.CallId, access.UserName, access.Role, access.Action, access.Channel, at = Ms(access.At) }, cancellationToken: ct)).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<RecordingAccess>> ListRecordingAccessAsync(DateTimeOffset from, DateTimeOffset to, string? callId, int limit, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var rows = await connection.QueryAsync<AccessRow>(new CommandDefinition(
            "SELECT id, call_id, user_name, user_role, action, channel, at FROM recording_access WHERE at >= @from AND at < @to"
            + (callId is null ? "" : " AND call_id = @callId") + " ORDER BY at DESC, id DESC LIMIT @limit",
            new { from = Ms(from), to = Ms(to), callId, limit = Math.Clamp(limit, 1, 1000) }, cancellationToken: ct)).ConfigureAwait(false);
        return rows.Select(r => new RecordingAccess(r.Id, r.CallId, r.UserName, r.UserRole, r.Action, r.Channel, FromMs(r.At))).ToList();
    }

    public async Task<IReadOnlyList<RecordingListing>> ListRecordingsOfferedBeforeAsync(DateTimeOffset offeredBefore, int limit, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var rows = await QueryListingsAsync(connection,
            $"SELECT {ListingColumns} FROM call_records cr WHERE cr.offered_at < @before AND cr.recording_path IS NOT NULL AND cr.recording_expired_at IS NULL ORDER BY cr.offered_at LIMIT @limit",
            new { before = Ms(offeredBefore), limit = Math.Clamp(limit, 1, 10_000) }, ct).ConfigureAwait(false);
        return rows.ToList();
    }

    public async Task MarkRecordingExpiredAsync(string callId, DateTimeOffset at, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE call_records SET recording_expired_at = @at WHERE call_id = @callId AND recording_expired_at IS NULL",
            new { callId, at = Ms(at) }, cancellationToken: ct)).ConfigureAwait(false);
    }

    private const string SaveCallTraceSql =
        "INSERT INTO call_traces (call_id, ended_at, trace) VALUES (@callId, @endedAt, @json) ON CONFLICT (call_id) DO UPDATE SET ended_at = excluded.ended_at, trace = excluded.trace";

    public Task SaveCallTraceAsync(string callId, DateTimeOffset endedAt, string json, CancellationToken ct = default) =>
        SaveCallTracesAsync([new StoredCallTrace(callId, endedAt, json)], ct);

    public async Task SaveCallTracesAsync(IReadOnlyList<StoredCallTrace> traces, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(traces);
        if (traces.Count == 0)
        {
            return;
        }
        var rows = traces.Select(t => new { callId = t.CallId, endedAt = Ms(t.EndedAt), json = t.Json }).ToList();
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(SaveCallTraceSql, rows, tx, cancellationToken: ct)).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    public async Task<string?> GetCallTraceAsync(string callId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        return await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition(
            "SELECT trace FROM call_traces WHERE call_id = @callId", new { callId }, cancellationToken: ct)).ConfigureAwait(false);
    }

    public async Task<int> DeleteCallTracesBeforeAsync(DateTimeOffset endedBefore, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM call_traces WHERE ended_at < @before", new { before = Ms(endedBefore) }, cancellationToken: ct)).ConfigureAwait(false);
    }

    // The call record's columns, then these (Dapper splits on listing_part, never null: Dapper gives no object
    // when the split column is null, and both facts may be).
    private sealed class ListingExtra
    {
        public long ListingPart { get; set; }
        public long? RecordingExpiredAt { get; set; }
        public string? CaseNumber { get; set; }
    }

    private static RecordingListing Listing(CallRow call, ListingExtra extra) =>
        new(call.ToRecord(), extra.RecordingExpiredAt is { } at ? FromMs(at) : null, extra.CaseNumber);

    private static Task<IEnumerable<RecordingListing>> QueryListingsAsync(System.Data.Common.DbConnection connection, string sql, object args, CancellationToken ct) =>
        connection.QueryAsync<CallRow, ListingExtra, RecordingListing>(new CommandDefinition(sql, args, cancellationToken: ct), Listing, splitOn: "listing_part");

    private sealed class AccessRow
    {
        public long Id { get; set; }
        public string CallId { get; set; } = "";
        public string UserName { get; set; } = "";
        public string UserRole { get; set; } = "";
        public string Action { get; set; } = "";
        public string Channel { get; set; } = "";
        public long At { get; set; }
    }
}
