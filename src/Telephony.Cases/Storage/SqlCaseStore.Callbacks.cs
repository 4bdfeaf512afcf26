using System.Data.Common;
using System.Globalization;
using Dapper;
using Telephony.Cases.Callbacks;

namespace Telephony.Cases.Storage;

// Callback tasks: the calls the centre owes citizens. The missed-call rules run inside the call-record saves.
public sealed partial class SqlCaseStore : ICallbackTaskStore
{
    private const string TaskColumns =
        "id, kind, number, day, source_call_id, created_at, state, attempts, due_at, agent_id, last_outcome, last_call_id, returned_at, closed_at";

    // SQLite needs the WHERE on INSERT ... SELECT before ON CONFLICT (its upsert parsing); ON CONFLICT without a
    // target is any unique violation in both databases, here the partial index of open tasks per kind, number and day.
    private const string AddTaskSql = """
        INSERT INTO callback_tasks (kind, number, day, source_call_id, created_at, state, attempts, due_at)
        SELECT @kind, @number, @day, @sourceCallId, @at, 'open', 0, @at
        WHERE NOT EXISTS (SELECT 1 FROM callback_tasks t WHERE t.source_call_id = @sourceCallId AND t.kind = @kind)
        ON CONFLICT DO NOTHING
        """;

    // A missed call is owed a call only when the number has not got through since (a later answered inbound call).
    private const string AddMissedCallTaskSql = """
        INSERT INTO callback_tasks (kind, number, day, source_call_id, created_at, state, attempts, due_at)
        SELECT 'missed-call', @number, @day, @sourceCallId, @at, 'open', 0, @at
        WHERE NOT EXISTS (SELECT 1 FROM callback_tasks t WHERE t.source_call_id = @sourceCallId AND t.kind = 'missed-call')
          AND NOT EXISTS (SELECT 1 FROM call_records r WHERE r.caller = @number AND r.answered_at IS NOT NULL AND r.answered_at >= @at
                          AND COALESCE(r.direction, 'inbound') = 'inbound')
        ON CONFLICT DO NOTHING
        """;

    private const string DropGotThroughSql = """
        UPDATE callback_tasks SET state = 'dropped', closed_at = @answeredAt
        WHERE number = @number AND kind = 'missed-call' AND state = 'open' AND created_at <= @answeredAt
        """;

    /// <summary>The missed-call rules for saved records, in the save's transaction (see <see cref="ICallbackTaskStore"/>).</summary>
    private async Task ApplyMissedCallRulesAsync(DbConnection connection, DbTransaction? tx, IReadOnlyList<CallRecord> records, CancellationToken ct)
    {
        List<object>? missed = null;
        List<object>? through = null;
        foreach (var r in records)
        {
            bool inbound = r.Direction is null or CallDirections.Inbound;
            if (!inbound || !CallbackNumbers.IsDiallable(r.Caller))
            {
                continue;
            }
            if (r.AnsweredAt is { } answered)
            {
                (through ??= []).Add(new { number = r.Caller, answeredAt = Ms(answered) });
            }
            else if (!r.Live && (r.Outcome == CallOutcome.Abandoned.ToText() || r.AbandonedInIvr))
            {
                var at = r.EndedAt ?? r.OfferedAt;
                (missed ??= []).Add(new { number = r.Caller, day = LocalDay(at), sourceCallId = r.CallId, at = Ms(at) });
            }
        }
        if (through is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(DropGotThroughSql, through, tx, cancellationToken: ct)).ConfigureAwait(false);
        }
        if (missed is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition(AddMissedCallTaskSql, missed, tx, cancellationToken: ct)).ConfigureAwait(false);
        }
    }

    private string LocalDay(DateTimeOffset at) => at.ToOffset(_localOffset).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public async Task<CallbackTask?> AddCallbackTaskAsync(CallbackKind kind, string number, string? sourceCallId, DateTimeOffset at, CancellationToken ct = default)
    {
        if (!CallbackNumbers.IsDiallable(number))
        {
            return null;
        }
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var added = await connection.ExecuteAsync(new CommandDefinition(AddTaskSql,
            new { kind = kind.ToText(), number, day = LocalDay(at), sourceCallId, at = Ms(at) }, cancellationToken: ct)).ConfigureAwait(false);
        if (added == 0)
        {
            return null;
        }
        var row = await connection.QuerySingleAsync<TaskRow>(new CommandDefinition(
            $"SELECT {TaskColumns} FROM callback_tasks WHERE kind = @kind AND number = @number AND state = 'open' ORDER BY id DESC LIMIT 1",
            new { kind = kind.ToText(), number }, cancellationToken: ct)).ConfigureAwait(false);
        return row.ToTask();
    }

    public async Task<CallbackTask?> GetCallbackTaskAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        return await GetTaskAsync(connection, id, ct).ConfigureAwait(false);
    }

    private static async Task<CallbackTask?> GetTaskAsync(DbConnection connection, long id, CancellationToken ct) =>
        (await connection.QuerySingleOrDefaultAsync<TaskRow>(new CommandDefinition(
            $"SELECT {TaskColumns} FROM callback_tasks WHERE id = @id", new { id }, cancellationToken: ct)).ConfigureAwait(false))?.ToTask();

    public async Task<IReadOnlyList<CallbackTask>> ListCallbackTasksAsync(CallbackTaskState? state, int limit, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var rows = await connection.QueryAsync<TaskRow>(new CommandDefinition(
            $"SELECT {TaskColumns} FROM callback_tasks WHERE @state IS NULL OR state = @state ORDER BY due_at, id LIMIT @limit",
            new { state = state?.ToText(), limit = Math.Clamp(limit, 1, 500) }, cancellationToken: ct)).ConfigureAwait(false);
        return rows.Select(r => r.ToTask()).ToList();
    }

    public async Task<CallbackTask?> ClaimCallbackTaskAsync(long? id, string agentId, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var candidates = id is { } one
            ? [one]
            : (await connection.QueryAsync<long>(new CommandDefinition(
                "SELECT id FROM callback_tasks WHERE state = 'open' AND due_at <= @now ORDER BY due_at, id LIMIT 8",
                new { now = Ms(now) }, cancellationToken: ct)).ConfigureAwait(false)).AsList();
        foreach (var candidate in candidates)
        {
            // The state check in the UPDATE is the claim: of two agents racing for one task, one changes a row.
            var claimed = await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE callback_tasks SET state = 'dialling', agent_id = @agentId, attempts = attempts + 1 WHERE id = @id AND state = 'open'",
                new { id = candidate, agentId }, cancellationToken: ct)).ConfigureAwait(false);
            if (claimed == 1)
            {
                return await GetTaskAsync(connection, candidate, ct).ConfigureAwait(false);
            }
        }
        return null;
    }

    public async Task<CallbackTask?> RecordCallbackAttemptAsync(long id, CallbackAttemptOutcome outcome, string? callId, DateTimeOffset at, CallbackRetryPolicy policy, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var finished = outcome is CallbackAttemptOutcome.Reached or CallbackAttemptOutcome.WrongNumber;
        var sql = finished
            ? """
              UPDATE callback_tasks SET state = 'done', last_outcome = @outcome, last_call_id = @callId, closed_at = @at,
                returned_at = CASE WHEN @reached = 1 THEN @at ELSE returned_at END
              WHERE id = @id AND state = 'dialling'
              """
            : """
              UPDATE callback_tasks SET last_outcome = @outcome, last_call_id = @callId,
                state = CASE WHEN attempts >= @maxAttempts THEN 'failed' ELSE 'open' END,
                closed_at = CASE WHEN attempts >= @maxAttempts THEN @at ELSE NULL END,
                due_at = @retryAt
              WHERE id = @id AND state = 'dialling'
              """;
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var changed = await connection.ExecuteAsync(new CommandDefinition(sql, new
        {
            id, outcome = outcome.ToText(), callId, at = Ms(at), reached = outcome == CallbackAttemptOutcome.Reached ? 1 : 0,
            maxAttempts = Math.Max(1, policy.MaxAttempts), retryAt = Ms(at + policy.RetryInterval),
        }, cancellationToken: ct)).ConfigureAwait(false);
        return changed == 0 ? null : await GetTaskAsync(connection, id, ct).ConfigureAwait(false);
    }

    public async Task<bool> ReleaseCallbackTaskAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE callback_tasks SET state = 'open', attempts = attempts - 1 WHERE id = @id AND state = 'dialling'",
            new { id }, cancellationToken: ct)).ConfigureAwait(false) == 1;
    }

    // Missed-call tasks made in the range, by when they were made; "returned within" counts from then to the reach.
    private const string CallbackKpiSql = """
        SELECT COUNT(*) AS tasks,
          CAST(COALESCE(SUM(CASE WHEN state = 'dropped' THEN 1 ELSE 0 END), 0) AS BIGINT) AS dropped,
          CAST(COALESCE(SUM(CASE WHEN returned_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS returned,
          CAST(COALESCE(SUM(CASE WHEN returned_at IS NOT NULL AND returned_at - created_at <= @withinMs THEN 1 ELSE 0 END), 0) AS BIGINT) AS returned_within,
          CAST(COALESCE(SUM(attempts), 0) AS BIGINT) AS attempts
        FROM callback_tasks
        WHERE kind = 'missed-call' AND created_at >= @from AND created_at < @to
        """;

    private async Task<CallbackKpiRow> CallbackTotalsAsync(long from, long to, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        return await connection.QuerySingleAsync<CallbackKpiRow>(new CommandDefinition(CallbackKpiSql,
            new { from, to, withinMs = (long)TimeSpan.FromMinutes(KpiReport.ReturnWithinMinutes).TotalMilliseconds }, cancellationToken: ct)).ConfigureAwait(false);
    }

    private sealed class CallbackKpiRow
    {
        public long Tasks { get; set; }
        public long Dropped { get; set; }
        public long Returned { get; set; }
        public long ReturnedWithin { get; set; }
        public long Attempts { get; set; }
    }

    private sealed class TaskRow
    {
        public long Id { get; set; }
        public string Kind { get; set; } = "";
        public string Number { get; set; } = "";
        public string Day { get; set; } = "";
        public string? SourceCallId { get; set; }
        public long CreatedAt { get; set; }
        public string State { get; set; } = "";
        public int Attempts { get; set; }
        public long DueAt { get; set; }
        public string? AgentId { get; set; }
        public string? LastOutcome { get; set; }
        public string? LastCallId { get; set; }
        public long? ReturnedAt { get; set; }
        public long? ClosedAt { get; set; }

        public CallbackTask ToTask() => new()
        {
            Id = Id, Kind = CallbackTexts.KindFromText(Kind), Number = Number, Day = Day, SourceCallId = SourceCallId,
            CreatedAt = FromMs(CreatedAt), State = CallbackTexts.StateFromText(State), Attempts = Attempts, DueAt = FromMs(DueAt),
            AgentId = AgentId, LastOutcome = CallbackTexts.TryParseOutcome(LastOutcome, out var o) ? o : null, LastCallId = LastCallId,
            ReturnedAt = FromMs(ReturnedAt), ClosedAt = FromMs(ClosedAt),
        };
    }
}
