using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Dapper;
using Microsoft.Extensions.Logging;

namespace Telephony.Cases.Storage;

/// <summary>
/// The case, directory and call-record store over Dapper, one implementation for SQLite and
/// PostgreSQL (the dialect supplies the few differences). Opens a pooled connection per call.
/// </summary>
public sealed partial class SqlCaseStore : ICaseStore, IDirectoryStore, ICallRecordStore, IRecordingStore, ICallTraceStore
{
    private readonly SqlDialect _dialect;
    private readonly string _connectionString;
    private readonly ILogger _logger;
    private readonly TimeSpan _localOffset;
    private readonly int _maxCountedTotal;

    static SqlCaseStore() => DefaultTypeMap.MatchNamesWithUnderscores = true;

    /// <param name="localOffset">The hotline's UTC offset; used only to date case numbers (default +08:00).</param>
    /// <param name="maxCountedTotal">Searches count matches exactly up to this many (see <see cref="CasePage"/>).</param>
    public SqlCaseStore(SqlDialect dialect, string connectionString, ILogger<SqlCaseStore> logger, TimeSpan? localOffset = null, int maxCountedTotal = 10_000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCountedTotal, 1);
        _maxCountedTotal = maxCountedTotal;
        _dialect = dialect ?? throw new ArgumentNullException(nameof(dialect));
        _connectionString = connectionString ?? throw new ArgumentNullException(nameof(connectionString));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _localOffset = localOffset ?? TimeSpan.FromHours(8);
    }

    public SqlDialect Dialect => _dialect;

    /// <summary>A contact is a repeat when the same phone number opened another case this long before.</summary>
    public static readonly TimeSpan RepeatWindow = TimeSpan.FromDays(30);

    /// <summary>Applies pending migrations (idempotent; safe to call at every start).</summary>
    public Task<IReadOnlyList<int>> MigrateAsync(CancellationToken ct = default) =>
        Migrator.MigrateAsync(_dialect, _connectionString, _logger, ct);

    /// <inheritdoc />
    public void ResetConnections() => _dialect.ClearPool(_connectionString);

    private async Task<DbConnection> OpenAsync(CancellationToken ct)
    {
        var connection = _dialect.CreateConnection(_connectionString);
        await connection.OpenAsync(ct).ConfigureAwait(false);
        return connection;
    }

    // ---------------------------------------------------------------- cases

    private const string CaseColumns = """
        id, number, channel, category, status, description, citizen_name, citizen_phone, location, district_id,
        confidential, call_id, recording_path, department_id, created_at, updated_at, due_at, dispatched_at,
        sign_due_at, signed_at, completed_at, replied_at, reply_text, direct_answer, return_count,
        last_return_reason, pending_extension_days, extension_count, escalated, supervision_count, callback_at,
        satisfaction, reopen_count, closed_at, archived_at, merged_into, ack_sent_at, repeat_contact, version
        """;

    public async Task<Case> CreateAsync(Case draft, string actor, string? note, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        if (draft.CitizenPhone is { } phone)
        {
            // Decided once, at intake, so the KPI report needs no per-phone grouping over its range.
            var earlier = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
                SELECT COUNT(*) FROM (SELECT 1 AS one FROM cases
                    WHERE citizen_phone = @phone AND created_at >= @since AND created_at <= @at AND status <> 'Merged' LIMIT 1) prior
                """, new { phone, since = Ms(draft.CreatedAt - RepeatWindow), at = Ms(draft.CreatedAt) }, tx, cancellationToken: ct)).ConfigureAwait(false);
            draft = draft with { RepeatContact = earlier > 0 };
        }
        var row = CaseRow.From(draft with { Version = 1 });
        row.Number = "pending-" + Guid.NewGuid().ToString("N");
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition($"""
            INSERT INTO cases ({CaseColumnsWithoutId})
            VALUES ({ParameterList(CaseColumnsWithoutId)})
            RETURNING id
            """, row, tx, cancellationToken: ct)).ConfigureAwait(false);
        var number = string.Create(CultureInfo.InvariantCulture, $"{draft.CreatedAt.ToOffset(_localOffset):yyyyMMdd}-{id:D6}");
        await connection.ExecuteAsync(new CommandDefinition("UPDATE cases SET number = @number WHERE id = @id", new { number, id }, tx, cancellationToken: ct)).ConfigureAwait(false);
        await InsertAuditAsync(connection, tx, new AuditEntry(id, draft.CreatedAt, actor, "Create", draft.Status, draft.Status, note), ct).ConfigureAwait(false);
        try
        {
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
        catch (DbException e)
        {
            throw new CaseCommitUncertainException(e); // stored or not, nobody can tell here: never tried again
        }
        return draft with { Id = id, Number = number, Version = 1 };
    }

    private static readonly string CaseColumnsWithoutId = CaseColumns.Replace("id, number", "number", StringComparison.Ordinal);

    private static string ParameterList(string columns) =>
        string.Join(", ", columns.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(c => "@" + ToPascal(c)));

    private static string ToPascal(string snake) =>
        string.Concat(snake.Split('_').Select(p => char.ToUpperInvariant(p[0]) + p[1..]));

    public async Task<Case?> GetAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<CaseRow>(new CommandDefinition(
            $"SELECT {CaseColumns} FROM cases WHERE id = @id", new { id }, cancellationToken: ct)).ConfigureAwait(false);
        return row?.ToCase();
    }

    private static readonly string UpdateSql = $"""
        UPDATE cases SET {string.Join(", ", CaseColumnsWithoutId.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Where(c => c is not ("number" or "created_at" or "ack_sent_at" or "repeat_contact"))
            .Select(c => $"{c} = @{ToPascal(c)}"))}
        WHERE id = @Id AND version = @ExpectedVersion
        """;

    public async Task UpdateAsync(IReadOnlyList<CaseChange> changes, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(changes);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        foreach (var change in changes)
        {
            var row = CaseRow.From(change.Next);
            var parameters = new DynamicParameters(row);
            parameters.Add("ExpectedVersion", change.ExpectedVersion);
            var n = await connection.ExecuteAsync(new CommandDefinition(UpdateSql, parameters, tx, cancellationToken: ct)).ConfigureAwait(false);
            if (n != 1)
            {
                // Rolled back by disposal: none of the changes land.
                throw new ConcurrencyConflictException(change.Next.Id, change.ExpectedVersion);
            }
            await InsertAuditAsync(connection, tx, change.Audit, ct).ConfigureAwait(false);
            if (change.Order is { } order)
            {
                await connection.ExecuteAsync(new CommandDefinition("""
                    INSERT INTO supervision_orders (case_id, issued_at, issued_by, department_id, note)
                    VALUES (@CaseId, @IssuedAt, @IssuedBy, @DepartmentId, @Note)
                    """, new { order.CaseId, IssuedAt = Ms(order.IssuedAt), order.IssuedBy, order.DepartmentId, order.Note }, tx, cancellationToken: ct)).ConfigureAwait(false);
            }
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    private static Task InsertAuditAsync(DbConnection connection, DbTransaction tx, AuditEntry a, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO case_audit (case_id, at, actor, action, from_status, to_status, note)
            VALUES (@CaseId, @At, @Actor, @Action, @From, @To, @Note)
            """, new { a.CaseId, At = Ms(a.At), a.Actor, a.Action, From = a.From.ToString(), To = a.To.ToString(), a.Note }, tx, cancellationToken: ct));

    public async Task<CasePage> SearchAsync(CaseQuery query, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (where, parameters) = BuildWhere(query, now);
        var page = Math.Max(1, query.Page);
        var size = Math.Clamp(query.PageSize, 1, 500);
        parameters.Add("limit", size);
        parameters.Add("offset", (long)(page - 1) * size);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        parameters.Add("countCap", _maxCountedTotal + 1);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            $"SELECT COUNT(*) FROM (SELECT 1 AS one FROM cases {where} LIMIT @countCap) capped", parameters, cancellationToken: ct)).ConfigureAwait(false);
        var rows = await connection.QueryAsync<CaseRow>(new CommandDefinition(
            $"SELECT {CaseColumns} FROM cases {where} ORDER BY created_at DESC, id DESC LIMIT @limit OFFSET @offset", parameters, cancellationToken: ct)).ConfigureAwait(false);
        var capped = total > _maxCountedTotal;
        return new CasePage(rows.Select(r => r.ToCase()).ToList(), capped ? _maxCountedTotal : total, page, size, capped);
    }

    public async IAsyncEnumerable<Case> ExportAsync(CaseQuery query, DateTimeOffset now, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var (where, parameters) = BuildWhere(query, now);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var rows = connection.QueryUnbufferedAsync<CaseRow>($"SELECT {CaseColumns} FROM cases {where} ORDER BY created_at DESC, id DESC", parameters);
        await foreach (var row in rows.WithCancellation(ct).ConfigureAwait(false))
        {
            yield return row.ToCase();
        }
    }

    private (string Where, DynamicParameters Parameters) BuildWhere(CaseQuery q, DateTimeOffset now)
    {
        var clauses = new List<string>();
        var p = new DynamicParameters();
        if (q.Status is { } status) { clauses.Add("status = @status"); p.Add("status", status.ToString()); }
        if (q.Channel is { } channel) { clauses.Add("channel = @channel"); p.Add("channel", channel.ToString()); }
        if (q.Category is { } category) { clauses.Add("category = @category"); p.Add("category", category.ToString()); }
        if (q.DepartmentId is { } dept) { clauses.Add("department_id = @dept"); p.Add("dept", dept); }
        if (q.CreatedFrom is { } from) { clauses.Add("created_at >= @from"); p.Add("from", Ms(from)); }
        if (q.CreatedTo is { } to) { clauses.Add("created_at < @to"); p.Add("to", Ms(to)); }
        if (!string.IsNullOrWhiteSpace(q.Text))
        {
            var text = q.Text.Trim();
            clauses.Add($"(description {_dialect.LikeOperator} @pattern ESCAPE '\\' OR number = @text OR citizen_phone = @text)");
            p.Add("pattern", "%" + EscapeLike(text) + "%");
            p.Add("text", text);
        }
        if (!string.IsNullOrWhiteSpace(q.CitizenPhone)) { clauses.Add("citizen_phone = @phone"); p.Add("phone", q.CitizenPhone.Trim()); }
        if (q.Overdue is { } overdue)
        {
            const string open = "completed_at IS NULL AND status NOT IN ('Closed', 'Archived', 'Merged') AND due_at < @now";
            clauses.Add(overdue ? $"({open})" : $"NOT ({open})");
            p.Add("now", Ms(now));
        }
        return (clauses.Count == 0 ? "" : "WHERE " + string.Join(" AND ", clauses), p);
    }

    private static string EscapeLike(string text)
    {
        var sb = new StringBuilder(text.Length + 4);
        foreach (var ch in text)
        {
            if (ch is '%' or '_' or '\\')
            {
                sb.Append('\\');
            }
            sb.Append(ch);
        }
        return sb.ToString();
    }

    public async Task<IReadOnlyList<AuditEntry>> GetAuditAsync(long caseId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var rows = await connection.QueryAsync<AuditRow>(new CommandDefinition(
            "SELECT case_id, at, actor, action, from_status, to_status, note FROM case_audit WHERE case_id = @caseId ORDER BY id",
            new { caseId }, cancellationToken: ct)).ConfigureAwait(false);
        return rows.Select(r => new AuditEntry(r.CaseId, FromMs(r.At), r.Actor, r.Action,
            Enum.Parse<CaseStatus>(r.FromStatus), Enum.Parse<CaseStatus>(r.ToStatus), r.Note)).ToList();
    }

    public async Task<IReadOnlyList<SupervisionOrder>> GetSupervisionOrdersAsync(long caseId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var rows = await connection.QueryAsync<SupervisionRow>(new CommandDefinition(
            "SELECT id, case_id, issued_at, issued_by, department_id, note FROM supervision_orders WHERE case_id = @caseId ORDER BY id",
            new { caseId }, cancellationToken: ct)).ConfigureAwait(false);
        return rows.Select(r => new SupervisionOrder(r.Id, r.CaseId, FromMs(r.IssuedAt), r.IssuedBy, r.DepartmentId, r.Note)).ToList();
    }

    public async Task<OutboundMessage> RecordOutboundAsync(OutboundMessage message, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        var id = await connection.ExecuteScalarAsync<long>(new CommandDefinition("""
            INSERT INTO outbound_messages (case_id, to_number, body, kind, sent_at)
            VALUES (@CaseId, @To, @Body, @Kind, @SentAt) RETURNING id
            """, new { message.CaseId, message.To, message.Body, message.Kind, SentAt = Ms(message.SentAt) }, tx, cancellationToken: ct)).ConfigureAwait(false);
        if (message.Kind == OutboundKinds.Acknowledgement && message.CaseId is { } caseId)
        {
            // Not a workflow transition: the version is left alone so no editor is disturbed.
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE cases SET ack_sent_at = @at WHERE id = @caseId AND ack_sent_at IS NULL",
                new { at = Ms(message.SentAt), caseId }, tx, cancellationToken: ct)).ConfigureAwait(false);
        }
        await tx.CommitAsync(ct).ConfigureAwait(false);
        return message with { Id = id };
    }

    public async Task<IReadOnlyList<OutboundMessage>> GetOutboundAsync(long caseId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var rows = await connection.QueryAsync<OutboundRow>(new CommandDefinition(
            "SELECT id, case_id, to_number, body, kind, sent_at FROM outbound_messages WHERE case_id = @caseId ORDER BY id",
            new { caseId }, cancellationToken: ct)).ConfigureAwait(false);
        return rows.Select(r => new OutboundMessage(r.Id, r.CaseId, r.ToNumber, r.Body, r.Kind, FromMs(r.SentAt))).ToList();
    }

    // ---------------------------------------------------------------- KPIs

    // One pass over the range's cases, grouped finely enough that the three breakdowns and every
    // case KPI can be summed up from its rows. The definitions are documented on KpiReport.
    private const string CaseKpiSql = """
        SELECT channel, category, department_id,
          COUNT(*) AS total,
          CAST(SUM(CASE WHEN dispatched_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS dispatched,
          CAST(SUM(CASE WHEN signed_at IS NOT NULL AND signed_at <= sign_due_at THEN 1 ELSE 0 END) AS BIGINT) AS signed_on_time,
          CAST(SUM(CASE WHEN completed_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS completed,
          CAST(SUM(CASE WHEN completed_at IS NOT NULL AND completed_at <= due_at THEN 1 ELSE 0 END) AS BIGINT) AS completed_on_time,
          CAST(SUM(CASE WHEN completed_at IS NOT NULL OR reopen_count > 0 THEN 1 ELSE 0 END) AS BIGINT) AS answered_once,
          CAST(SUM(CASE WHEN callback_at IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS called_back,
          CAST(SUM(CASE WHEN callback_at IS NOT NULL AND satisfaction IN ('Satisfied', 'BasicallySatisfied') THEN 1 ELSE 0 END) AS BIGINT) AS satisfied,
          CAST(SUM(CASE WHEN direct_answer = 1 THEN 1 ELSE 0 END) AS BIGINT) AS direct_answers,
          CAST(SUM(CASE WHEN dispatched_at IS NOT NULL AND return_count > 0 THEN 1 ELSE 0 END) AS BIGINT) AS returned,
          CAST(SUM(CASE WHEN citizen_phone IS NOT NULL THEN 1 ELSE 0 END) AS BIGINT) AS with_phone,
          CAST(SUM(CASE WHEN citizen_phone IS NOT NULL AND repeat_contact = 1 THEN 1 ELSE 0 END) AS BIGINT) AS repeat_contacts
        FROM cases
        WHERE created_at >= @from AND created_at < @to AND status <> 'Merged'
        GROUP BY channel, category, department_id
        """;

    // Calls we placed (callbacks, missed-call returns, return visits): counted apart, never as offered.
    private const string OutboundKpiSql = """
        SELECT COUNT(*) AS placed, CAST(COALESCE(SUM(CASE WHEN answered_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS reached
        FROM call_records WHERE offered_at >= @from AND offered_at < @to AND direction = 'outbound'
        """;

    /// <inheritdoc />
    public async Task<CallFigures> GetCallFiguresAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        return await CallFigureQuery.RunAsync(connection, _dialect.ReportSessionSetup, Ms(from), Ms(to), from, to, ct).ConfigureAwait(false);
    }

    public async Task<KpiReport> GetKpisAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default)
    {
        var range = new { from = Ms(from), to = Ms(to) };
        // The two passes are independent: run them on two connections at once.
        async Task<List<KpiGroupRow>> CaseGroups()
        {
            await using var connection = await OpenAsync(ct).ConfigureAwait(false);
            return (await connection.QueryAsync<KpiGroupRow>(new CommandDefinition(_dialect.ReportSessionSetup + CaseKpiSql, range, cancellationToken: ct)).ConfigureAwait(false)).AsList();
        }
        async Task<(long Placed, long Reached)> Outbound()
        {
            await using var connection = await OpenAsync(ct).ConfigureAwait(false);
            return await connection.QuerySingleAsync<(long, long)>(new CommandDefinition(OutboundKpiSql, range, cancellationToken: ct)).ConfigureAwait(false);
        }
        var groupsTask = CaseGroups();
        var callsTask = GetCallFiguresAsync(from, to, ct);
        var callbacksTask = CallbackTotalsAsync(range.from, range.to, ct);
        var outboundTask = Outbound();
        await Task.WhenAll(groupsTask, callsTask, callbacksTask, outboundTask).ConfigureAwait(false);
        var callbacks = await callbacksTask.ConfigureAwait(false);
        var outbound = await outboundTask.ConfigureAwait(false);
        var groups = await groupsTask.ConfigureAwait(false);
        var calls = await callsTask.ConfigureAwait(false);

        long Sum(Func<KpiGroupRow, long> f) => groups.Sum(f);
        static Dictionary<string, long> By(IEnumerable<KpiGroupRow> rows, Func<KpiGroupRow, string> key) =>
            rows.GroupBy(key).ToDictionary(g => g.Key, g => g.Sum(r => r.Total), StringComparer.Ordinal);

        var total = Sum(g => g.Total);
        var dispatched = Sum(g => g.Dispatched);
        return new KpiReport
        {
            From = from,
            To = to,
            Cases = total,
            ByChannel = By(groups, g => g.Channel),
            ByCategory = By(groups, g => g.Category),
            ByDepartment = By(groups, g => g.DepartmentId?.ToString(CultureInfo.InvariantCulture) ?? "none"),
            OnTimeSignFor = new Ratio(Sum(g => g.SignedOnTime), dispatched),
            OnTimeCompletion = new Ratio(Sum(g => g.CompletedOnTime), total),
            ReplyRate = new Ratio(Sum(g => g.Completed), total),
            CallbackRate = new Ratio(Sum(g => g.CalledBack), Sum(g => g.AnsweredOnce)),
            SatisfactionRate = new Ratio(Sum(g => g.Satisfied), Sum(g => g.CalledBack)),
            DirectResolution = new Ratio(Sum(g => g.DirectAnswers), total),
            ReturnRate = new Ratio(Sum(g => g.Returned), dispatched),
            RepeatCallerRate = new Ratio(Sum(g => g.RepeatContacts), Sum(g => g.WithPhone)),
            Calls = calls,
            OutboundCalls = outbound.Placed,
            OutboundCallsReached = outbound.Reached,
            MissedCallTasks = callbacks.Tasks,
            MissedCallTasksDropped = callbacks.Dropped,
            MissedCallsReturned = callbacks.Returned,
            MissedCallAttempts = callbacks.Attempts,
            ReturnedWithin = new Ratio(callbacks.ReturnedWithin, callbacks.Tasks - callbacks.Dropped),
        };
    }

    // ---------------------------------------------------------------- directory

    public async Task<IReadOnlyList<Department>> ListDepartmentsAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var rows = await connection.QueryAsync<DepartmentRow>(new CommandDefinition("SELECT id, code, name, active, phone, hours FROM departments ORDER BY id", cancellationToken: ct)).ConfigureAwait(false);
        return rows.Select(r => r.ToDepartment()).ToList();
    }

    public async Task<Department?> GetDepartmentAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<DepartmentRow>(new CommandDefinition("SELECT id, code, name, active, phone, hours FROM departments WHERE id = @id", new { id }, cancellationToken: ct)).ConfigureAwait(false);
        return row?.ToDepartment();
    }

    public async Task<Department> SaveDepartmentAsync(Department department, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(department);
        var args = new { department.Id, department.Code, department.Name, Active = department.Active ? 1 : 0, department.Phone, department.Hours };
        return department with { Id = await SaveDirectoryRowAsync("departments", "code, name, active, phone, hours", department.Id, args, "department", ct).ConfigureAwait(false) };
    }

    /// <summary>
    /// Inserts a directory row when <paramref name="id"/> is 0 (returning the new id) or updates the row
    /// with that id; an update of a row that does not exist throws <see cref="KeyNotFoundException"/>.
    /// <paramref name="args"/> carries <c>Id</c> and one property per column (snake_case column = PascalCase property).
    /// </summary>
    private async Task<long> SaveDirectoryRowAsync(string table, string columns, long id, object args, string what, CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        if (id == 0)
        {
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                $"INSERT INTO {table} ({columns}) VALUES ({ParameterList(columns)}) RETURNING id", args, cancellationToken: ct)).ConfigureAwait(false);
        }
        var assignments = string.Join(", ", columns.Split(", ").Select(c => $"{c} = @{ToPascal(c)}"));
        var n = await connection.ExecuteAsync(new CommandDefinition(
            $"UPDATE {table} SET {assignments} WHERE id = @Id", args, cancellationToken: ct)).ConfigureAwait(false);
        return n == 1 ? id : throw new KeyNotFoundException($"{what} {id} not found");
    }

    public async Task<IReadOnlyList<District>> ListDistrictsAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var rows = await connection.QueryAsync<District>(new CommandDefinition("SELECT id, code, name FROM districts ORDER BY id", cancellationToken: ct)).ConfigureAwait(false);
        return rows.AsList();
    }

    public async Task<District?> GetDistrictAsync(long id, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        return await connection.QuerySingleOrDefaultAsync<District>(new CommandDefinition("SELECT id, code, name FROM districts WHERE id = @id", new { id }, cancellationToken: ct)).ConfigureAwait(false);
    }

    public async Task<District> SaveDistrictAsync(District district, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(district);
        return district with { Id = await SaveDirectoryRowAsync("districts", "code, name", district.Id, district, "district", ct).ConfigureAwait(false) };
    }

    public async Task<IReadOnlyList<PartnerHotline>> ListPartnerHotlinesAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var rows = await connection.QueryAsync<PartnerHotline>(new CommandDefinition("SELECT id, number, name, description, hours, kind FROM partner_hotlines ORDER BY id", cancellationToken: ct)).ConfigureAwait(false);
        return rows.AsList();
    }

    public async Task<PartnerHotline> SavePartnerHotlineAsync(PartnerHotline hotline, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(hotline);
        return hotline with { Id = await SaveDirectoryRowAsync("partner_hotlines", "number, name, description, hours, kind", hotline.Id, hotline, "partner hotline", ct).ConfigureAwait(false) };
    }

    public async Task<IReadOnlyList<CalendarDay>> ListCalendarAsync(CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var rows = await connection.QueryAsync<CalendarRow>(new CommandDefinition(
            "SELECT calendar_date, is_working_day, note FROM calendar_days ORDER BY calendar_date", cancellationToken: ct)).ConfigureAwait(false);
        return rows.Select(r => new CalendarDay(DateOnly.ParseExact(r.CalendarDate, "yyyy-MM-dd", CultureInfo.InvariantCulture), r.IsWorkingDay != 0, r.Note)).ToList();
    }

    public async Task SetCalendarDayAsync(CalendarDay day, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(day);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO calendar_days (calendar_date, is_working_day, note) VALUES (@d, @w, @n)
            ON CONFLICT (calendar_date) DO UPDATE SET is_working_day = excluded.is_working_day, note = excluded.note
            """, new { d = day.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), w = day.IsWorkingDay ? 1 : 0, n = day.Note }, cancellationToken: ct)).ConfigureAwait(false);
    }

    public async Task<bool> DeleteCalendarDayAsync(DateOnly date, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        return await connection.ExecuteAsync(new CommandDefinition("DELETE FROM calendar_days WHERE calendar_date = @d",
            new { d = date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) }, cancellationToken: ct)).ConfigureAwait(false) > 0;
    }

    // ---------------------------------------------------------------- call records

    private const string CallColumns = "call_id, caller, called, offered_at, ivr_ended_at, queued_at, agent_ringing_at, answered_at, ended_at, wrap_up_ended_at, ivr_path, queue, agent_id, outcome, recording_path, survey_score, caller_packets_received, caller_packets_lost, caller_jitter_ms, agent_packets_received, agent_packets_lost, agent_jitter_ms, node_id, state, direction, case_id, callback_task_id, abandoned_in_ivr, parties";

    // A save without a wrap-up end keeps the one stored (the seat may leave wrap-up between two saves).
    // A live snapshot never replaces an ended record: once ended (by the call or a node-lost sweep), it stays ended.
    private static readonly string SaveCallRecordSql = $"""
        INSERT INTO call_records ({CallColumns}) VALUES ({ParameterList(CallColumns)})
        ON CONFLICT (call_id) DO UPDATE SET {string.Join(", ", CallColumns.Split(", ").Skip(1).Select(c => c == "wrap_up_ended_at"
            ? $"{c} = COALESCE(excluded.{c}, call_records.{c})"
            : $"{c} = excluded.{c}"))}
        WHERE excluded.state <> 'live' OR COALESCE(call_records.state, 'ended') = 'live'
        """;

    // The same move for every waiting end at once (after a batch of saves).
    private const string MergeAllPendingWrapUpsSql = """
        UPDATE call_records SET wrap_up_ended_at = (SELECT p.wrap_up_ended_at FROM pending_wrap_up_ends p WHERE p.call_id = call_records.call_id)
        WHERE wrap_up_ended_at IS NULL AND call_id IN (SELECT call_id FROM pending_wrap_up_ends);
        DELETE FROM pending_wrap_up_ends
        WHERE EXISTS (SELECT 1 FROM call_records r WHERE r.call_id = pending_wrap_up_ends.call_id AND r.wrap_up_ended_at IS NOT NULL);
        """;

    // Moves a wrap-up end that arrived before its record into the record. Run as its own statement after
    // each side's write has committed, so whichever of the save and the wrap-up end commits second sees
    // the other's row (READ COMMITTED in PostgreSQL; SQLite serialises writers anyway).
    private const string MergePendingWrapUpSql = """
        UPDATE call_records SET wrap_up_ended_at = (SELECT p.wrap_up_ended_at FROM pending_wrap_up_ends p WHERE p.call_id = @callId)
        WHERE call_id = @callId AND wrap_up_ended_at IS NULL
          AND EXISTS (SELECT 1 FROM pending_wrap_up_ends p WHERE p.call_id = @callId);
        DELETE FROM pending_wrap_up_ends WHERE call_id = @callId
          AND EXISTS (SELECT 1 FROM call_records r WHERE r.call_id = @callId AND r.wrap_up_ended_at IS NOT NULL);
        """;

    public async Task SaveCallRecordAsync(CallRecord record, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        var row = CallRow.From(record);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using (var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false))
        {
            await connection.ExecuteAsync(new CommandDefinition(SaveCallRecordSql, row, tx, cancellationToken: ct)).ConfigureAwait(false);
            await ApplyMissedCallRulesAsync(connection, tx, [record], ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
        await connection.ExecuteAsync(new CommandDefinition(MergePendingWrapUpSql, new { callId = record.CallId }, cancellationToken: ct)).ConfigureAwait(false);
    }

    public async Task SetWrapUpEndedAsync(string callId, DateTimeOffset at, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        var args = new { callId, at = Ms(at) };
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var stamped = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE call_records SET wrap_up_ended_at = @at WHERE call_id = @callId AND wrap_up_ended_at IS NULL", args, cancellationToken: ct)).ConfigureAwait(false);
        if (stamped > 0)
            return;
        // No record yet (or it already has its end): keep the end until the record is saved.
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO pending_wrap_up_ends (call_id, wrap_up_ended_at)
            SELECT @callId, @at WHERE NOT EXISTS (SELECT 1 FROM call_records r WHERE r.call_id = @callId)
            ON CONFLICT (call_id) DO NOTHING
            """, args, cancellationToken: ct)).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition(MergePendingWrapUpSql, new { callId }, cancellationToken: ct)).ConfigureAwait(false);
    }

    public async Task SaveCallRecordsAsync(IReadOnlyList<CallRecord> records, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        if (records.Count == 0)
        {
            return;
        }
        var rows = records.Select(CallRow.From).ToList();
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using (var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false))
        {
            await RowBatchCommand<CallRow>.ExecuteAsync(connection, tx, SaveCallRecordSql, rows, ct).ConfigureAwait(false);
            await ApplyMissedCallRulesAsync(connection, tx, records, ct).ConfigureAwait(false);
            await tx.CommitAsync(ct).ConfigureAwait(false);
        }
        if (records.Any(r => !r.Live))
        {
            await connection.ExecuteAsync(new CommandDefinition(MergeAllPendingWrapUpsSql, cancellationToken: ct)).ConfigureAwait(false);
        }
    }

    public async Task<IReadOnlyList<CallRecord>> ListLiveCallRecordsAsync(string nodeId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var rows = await connection.QueryAsync<CallRow>(new CommandDefinition(
            $"SELECT {CallColumns} FROM call_records WHERE node_id = @nodeId AND state = 'live' ORDER BY offered_at, call_id",
            new { nodeId }, cancellationToken: ct)).ConfigureAwait(false);
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task MarkNodeSeenAsync(string nodeId, DateTimeOffset at, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO call_nodes (node_id, seen_at) VALUES (@nodeId, @at)
            ON CONFLICT (node_id) DO UPDATE SET seen_at = excluded.seen_at
            """, new { nodeId, at = Ms(at) }, cancellationToken: ct)).ConfigureAwait(false);
    }

    public async Task<DateTimeOffset?> GetNodeSeenAsync(string nodeId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var ms = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT seen_at FROM call_nodes WHERE node_id = @nodeId", new { nodeId }, cancellationToken: ct)).ConfigureAwait(false);
        return FromMs(ms);
    }

    public async Task<IReadOnlyList<string>> ListSilentNodesAsync(DateTimeOffset seenBefore, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        // ix_call_records_live (partial, state = 'live') keeps this cheap however many calls have ended.
        var nodes = await connection.QueryAsync<string>(new CommandDefinition("""
            SELECT DISTINCT r.node_id FROM call_records r JOIN call_nodes n ON n.node_id = r.node_id
            WHERE r.state = 'live' AND n.seen_at < @before
            """, new { before = Ms(seenBefore) }, cancellationToken: ct)).ConfigureAwait(false);
        return nodes.ToList();
    }

    public async Task AddCallRefusalsAsync(IReadOnlyList<CallRefusalCount> counts, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(counts);
        if (counts.Count == 0)
        {
            return;
        }
        var rows = counts.Select(c => new { MinuteAt = Ms(c.Minute), c.ServiceNumber, c.NodeId, Refused = c.Count }).ToList();
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        await using var tx = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO call_refusals (minute_at, service_number, node_id, refused) VALUES (@MinuteAt, @ServiceNumber, @NodeId, @Refused)
            ON CONFLICT (minute_at, service_number, node_id) DO UPDATE SET refused = call_refusals.refused + excluded.refused
            """, rows, tx, cancellationToken: ct)).ConfigureAwait(false);
        await tx.CommitAsync(ct).ConfigureAwait(false);
    }

    public async Task<CallRecord?> GetCallRecordAsync(string callId, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var row = await connection.QuerySingleOrDefaultAsync<CallRow>(new CommandDefinition(
            $"SELECT {CallColumns} FROM call_records WHERE call_id = @callId", new { callId }, cancellationToken: ct)).ConfigureAwait(false);
        return row?.ToRecord();
    }

    public async Task<IReadOnlyList<CallRecord>> ListCallRecordsAsync(DateTimeOffset from, DateTimeOffset to, int page, int pageSize, CancellationToken ct = default)
    {
        var size = Math.Clamp(pageSize, 1, 500);
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var rows = await connection.QueryAsync<CallRow>(new CommandDefinition(
            $"SELECT {CallColumns} FROM call_records WHERE offered_at >= @from AND offered_at < @to ORDER BY offered_at DESC, call_id LIMIT @limit OFFSET @offset",
            new { from = Ms(from), to = Ms(to), limit = size, offset = (long)(Math.Max(1, page) - 1) * size }, cancellationToken: ct)).ConfigureAwait(false);
        return rows.Select(r => r.ToRecord()).ToList();
    }

    public async Task<IReadOnlyList<CallRecord>> ListCallRecordsOfCallerAsync(string caller, int limit, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var rows = await connection.QueryAsync<CallRow>(new CommandDefinition(
            $"SELECT {CallColumns} FROM call_records WHERE caller = @caller ORDER BY offered_at DESC, call_id LIMIT @limit",
            new { caller, limit = Math.Clamp(limit, 1, 100) }, cancellationToken: ct)).ConfigureAwait(false);
        return rows.Select(r => r.ToRecord()).ToList();
    }

    // ---------------------------------------------------------------- mapping

    internal static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();
    internal static long? Ms(DateTimeOffset? t) => t?.ToUnixTimeMilliseconds();
    internal static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
    internal static DateTimeOffset? FromMs(long? ms) => ms is { } v ? DateTimeOffset.FromUnixTimeMilliseconds(v) : null;
}

/// <summary>Kinds of <see cref="OutboundMessage"/>.</summary>
public static class OutboundKinds
{
    public const string Acknowledgement = "ack";
    public const string Reply = "reply";
}
