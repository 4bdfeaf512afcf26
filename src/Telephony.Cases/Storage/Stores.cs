using Telephony.Cases.Callbacks;

namespace Telephony.Cases.Storage;

/// <summary>A write of one case: its new state, the version it must still have in the database, and the audit line.</summary>
public sealed record CaseChange(Case Next, long ExpectedVersion, AuditEntry Audit, SupervisionOrder? Order = null);

/// <summary>Durable cases, their audit trail, supervision orders, outbound messages and KPIs.</summary>
public interface ICaseStore
{
    /// <summary>Inserts a new case (version 1) with its first audit line; assigns id and number.</summary>
    Task<Case> CreateAsync(Case draft, string actor, string? note, CancellationToken ct = default);

    /// <summary>Forgets pooled connections after a connection failure, so a retry opens a fresh one (nothing where none are pooled).</summary>
    void ResetConnections()
    {
    }

    Task<Case?> GetAsync(long id, CancellationToken ct = default);

    /// <summary>
    /// Writes all changes in one transaction. Each row is updated only if its version is still
    /// <see cref="CaseChange.ExpectedVersion"/>; otherwise nothing is written and
    /// <see cref="ConcurrencyConflictException"/> is thrown.
    /// </summary>
    Task UpdateAsync(IReadOnlyList<CaseChange> changes, CancellationToken ct = default);

    /// <summary>A page of cases matching the query, newest first; <paramref name="now"/> decides "overdue".</summary>
    Task<CasePage> SearchAsync(CaseQuery query, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Every case matching the query (page fields ignored), newest first, streamed.</summary>
    IAsyncEnumerable<Case> ExportAsync(CaseQuery query, DateTimeOffset now, CancellationToken ct = default);

    Task<IReadOnlyList<AuditEntry>> GetAuditAsync(long caseId, CancellationToken ct = default);

    Task<IReadOnlyList<SupervisionOrder>> GetSupervisionOrdersAsync(long caseId, CancellationToken ct = default);

    /// <summary>Records a message sent to a citizen; an acknowledgement also stamps the case's <c>AckSentAt</c>.</summary>
    Task<OutboundMessage> RecordOutboundAsync(OutboundMessage message, CancellationToken ct = default);

    Task<IReadOnlyList<OutboundMessage>> GetOutboundAsync(long caseId, CancellationToken ct = default);

    /// <summary>The hotline KPIs for cases taken in, and calls offered, in [from, to).</summary>
    Task<KpiReport> GetKpisAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default);
}

/// <summary>Departments, districts, partner hotlines and the holiday calendar.</summary>
public interface IDirectoryStore
{
    Task<IReadOnlyList<Department>> ListDepartmentsAsync(CancellationToken ct = default);
    Task<Department?> GetDepartmentAsync(long id, CancellationToken ct = default);
    /// <summary>Inserts (Id 0) or updates a department; returns it as stored.</summary>
    Task<Department> SaveDepartmentAsync(Department department, CancellationToken ct = default);
    Task<IReadOnlyList<District>> ListDistrictsAsync(CancellationToken ct = default);
    Task<District?> GetDistrictAsync(long id, CancellationToken ct = default);
    Task<District> SaveDistrictAsync(District district, CancellationToken ct = default);
    Task<IReadOnlyList<PartnerHotline>> ListPartnerHotlinesAsync(CancellationToken ct = default);
    Task<PartnerHotline> SavePartnerHotlineAsync(PartnerHotline hotline, CancellationToken ct = default);
    Task<IReadOnlyList<CalendarDay>> ListCalendarAsync(CancellationToken ct = default);
    /// <summary>Marks a date as a holiday or a make-up working day (replacing any earlier entry).</summary>
    Task SetCalendarDayAsync(CalendarDay day, CancellationToken ct = default);
    /// <summary>Returns the date to the weekly pattern; false if it had no entry.</summary>
    Task<bool> DeleteCalendarDayAsync(DateOnly date, CancellationToken ct = default);
}

/// <summary>The call records the call manager writes, one per call.</summary>
public interface ICallRecordStore
{
    /// <summary>The call figures of [from, to): the same computation as the call part of the KPI report (see <see cref="CallFigures"/>).</summary>
    Task<CallFigures> GetCallFiguresAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default);

    /// <summary>
    /// Inserts the record or, if its CallId exists, replaces it (so the call manager may write early and
    /// again at the end). A record without <see cref="CallRecord.WrapUpEndedAt"/> keeps the wrap-up end
    /// already stored or reported through <see cref="SetWrapUpEndedAsync"/>.
    /// </summary>
    Task SaveCallRecordAsync(CallRecord record, CancellationToken ct = default);

    /// <summary>
    /// <see cref="SaveCallRecordAsync"/> for many records in one transaction (the call manager's writer batches its
    /// snapshots). A live snapshot never replaces a record that has ended.
    /// </summary>
    Task SaveCallRecordsAsync(IReadOnlyList<CallRecord> records, CancellationToken ct = default);

    /// <summary>The records <paramref name="nodeId"/> left live (it stopped without ending them: it crashed), oldest first.</summary>
    Task<IReadOnlyList<CallRecord>> ListLiveCallRecordsAsync(string nodeId, CancellationToken ct = default);

    /// <summary>The node's sign of life: it was running at <paramref name="at"/>.</summary>
    Task MarkNodeSeenAsync(string nodeId, DateTimeOffset at, CancellationToken ct = default);

    /// <summary>When the node last showed a sign of life; null when never.</summary>
    Task<DateTimeOffset?> GetNodeSeenAsync(string nodeId, CancellationToken ct = default);

    /// <summary>
    /// The nodes that left records live and whose last sign of life is older than <paramref name="seenBefore"/>: dead,
    /// so another node may end their calls as lost. A node never seen is not listed (nothing says it ever ran here).
    /// </summary>
    Task<IReadOnlyList<string>> ListSilentNodesAsync(DateTimeOffset seenBefore, CancellationToken ct = default);

    /// <summary>Adds counts of calls refused for capacity to the per-minute totals (repeated minutes add up).</summary>
    Task AddCallRefusalsAsync(IReadOnlyList<CallRefusalCount> counts, CancellationToken ct = default);

    /// <summary>
    /// The agent left wrap-up for <paramref name="callId"/> at <paramref name="at"/> (the end of after-call
    /// work, which the average handle time includes). Idempotent: the first end reported for a call wins and
    /// repeats change nothing. Works in either order: when the record is not saved yet the end is kept and the
    /// save picks it up.
    /// </summary>
    Task SetWrapUpEndedAsync(string callId, DateTimeOffset at, CancellationToken ct = default);
    Task<CallRecord?> GetCallRecordAsync(string callId, CancellationToken ct = default);
    /// <summary>The latest <paramref name="limit"/> (1..100) calls from <paramref name="caller"/>, newest first (the desktop's history of a citizen).</summary>
    Task<IReadOnlyList<CallRecord>> ListCallRecordsOfCallerAsync(string caller, int limit, CancellationToken ct = default);
    /// <summary>Calls offered in [from, to), newest first.</summary>
    Task<IReadOnlyList<CallRecord>> ListCallRecordsAsync(DateTimeOffset from, DateTimeOffset to, int page, int pageSize, CancellationToken ct = default);
}

/// <summary>
/// The calls the centre owes citizens (<see cref="CallbackTask"/>). Missed-call tasks are made by the call-record
/// saves themselves (an ended inbound record abandoned in the IVR or the queue adds one, deduplicated per number and
/// local day; an answered inbound call from the number drops the open ones), so every node's writer keeps the same rules.
/// </summary>
public interface ICallbackTaskStore
{
    /// <summary>Adds an open task due at once; null when the number already has an open task of that kind that day (or is not diallable).</summary>
    Task<CallbackTask?> AddCallbackTaskAsync(CallbackKind kind, string number, string? sourceCallId, DateTimeOffset at, CancellationToken ct = default);

    Task<CallbackTask?> GetCallbackTaskAsync(long id, CancellationToken ct = default);

    /// <summary>Tasks in <paramref name="state"/> (all when null), oldest due first, at most <paramref name="limit"/> (1..500).</summary>
    Task<IReadOnlyList<CallbackTask>> ListCallbackTasksAsync(CallbackTaskState? state, int limit, CancellationToken ct = default);

    /// <summary>
    /// Takes an open task for <paramref name="agentId"/> (that one, or the oldest due at <paramref name="now"/> when
    /// <paramref name="id"/> is null): Open → Dialling and one more attempt, atomically, so two agents never dial the
    /// same task. Null when there is none (or another agent took it first).
    /// </summary>
    Task<CallbackTask?> ClaimCallbackTaskAsync(long? id, string agentId, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>
    /// Records how a claimed attempt ended: reached or wrong number finish the task; no answer or busy put it back
    /// (due after the policy's interval) until its attempts are used up, then it fails. Null when the task is not Dialling.
    /// </summary>
    Task<CallbackTask?> RecordCallbackAttemptAsync(long id, CallbackAttemptOutcome outcome, string? callId, DateTimeOffset at, CallbackRetryPolicy policy, CancellationToken ct = default);

    /// <summary>Puts a task an agent took back without an attempt counted (the dial could not even start).</summary>
    Task<bool> ReleaseCallbackTaskAsync(long id, CancellationToken ct = default);
}
