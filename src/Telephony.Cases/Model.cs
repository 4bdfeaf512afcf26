namespace Telephony.Cases;

/// <summary>Who performs an action. A department handler carries its department id.</summary>
public sealed record Actor(string Name, ActorRole Role, long? DepartmentId = null)
{
    /// <summary>Centre staff (agent, supervisor, admin) run the hotline's side of the workflow.</summary>
    public bool IsCentre => Role != ActorRole.DepartmentHandler;

    /// <summary>The actor used for actions the system takes by itself (acknowledgements, migrations).</summary>
    public static Actor System { get; } = new("system", ActorRole.Admin);
}

/// <summary>Everything captured when a contact is taken in.</summary>
public sealed record CaseIntake
{
    public required CaseChannel Channel { get; init; }
    public required CaseCategory Category { get; init; }
    public required string Description { get; init; }
    public string? CitizenName { get; init; }
    /// <summary>Phone number the citizen can be reached on (also the SMS sender).</summary>
    public string? CitizenPhone { get; init; }
    public string? Location { get; init; }
    public long? DistrictId { get; init; }
    /// <summary>The citizen asked that their identity be kept from the department.</summary>
    public bool Confidential { get; init; }
    /// <summary>The call this case came from (agent desktop intake at wrap-up).</summary>
    public string? CallId { get; init; }
    /// <summary>Recording of that call; copied from the call record when one exists.</summary>
    public string? RecordingPath { get; init; }
}

/// <summary>A case (工单) as stored. Timestamps are UTC.</summary>
public sealed record Case
{
    public long Id { get; init; }
    /// <summary>Human-facing number, e.g. <c>20261127-000042</c>.</summary>
    public string Number { get; init; } = "";
    public CaseChannel Channel { get; init; }
    public CaseCategory Category { get; init; }
    public CaseStatus Status { get; init; }
    public string Description { get; init; } = "";
    public string? CitizenName { get; init; }
    public string? CitizenPhone { get; init; }
    public string? Location { get; init; }
    public long? DistrictId { get; init; }
    public bool Confidential { get; init; }
    public string? CallId { get; init; }
    public string? RecordingPath { get; init; }
    public long? DepartmentId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }
    /// <summary>Completion deadline (intake + N working days; moved by approved extensions).</summary>
    public DateTimeOffset DueAt { get; init; }
    public DateTimeOffset? DispatchedAt { get; init; }
    /// <summary>Sign-for deadline of the latest dispatch.</summary>
    public DateTimeOffset? SignDueAt { get; init; }
    public DateTimeOffset? SignedAt { get; init; }
    /// <summary>When the case was last answered (directly or by a department reply); cleared on reopen.</summary>
    public DateTimeOffset? CompletedAt { get; init; }
    public DateTimeOffset? RepliedAt { get; init; }
    public string? ReplyText { get; init; }
    public bool DirectAnswer { get; init; }
    public int ReturnCount { get; init; }
    public string? LastReturnReason { get; init; }
    /// <summary>Working days a department asked for and the centre has not yet decided.</summary>
    public int? PendingExtensionDays { get; init; }
    public int ExtensionCount { get; init; }
    public bool Escalated { get; init; }
    public int SupervisionCount { get; init; }
    public DateTimeOffset? CallbackAt { get; init; }
    public Satisfaction? Satisfaction { get; init; }
    public int ReopenCount { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
    public DateTimeOffset? ArchivedAt { get; init; }
    public long? MergedInto { get; init; }
    public DateTimeOffset? AckSentAt { get; init; }
    /// <summary>Set at intake when the same phone number opened another case in the <see cref="Storage.SqlCaseStore.RepeatWindow"/> before.</summary>
    public bool RepeatContact { get; init; }
    /// <summary>Optimistic-concurrency token: every write must name the version it read.</summary>
    public long Version { get; init; }

    /// <summary>True while the case is still to be answered and its deadline has passed.</summary>
    public bool IsOverdueAt(DateTimeOffset now) => CompletedAt is null && CaseWorkflow.IsOpen(Status) && now > DueAt;
}

/// <summary>One line of the audit trail: who did what, when, and the status before and after.</summary>
public sealed record AuditEntry(long CaseId, DateTimeOffset At, string Actor, string Action, CaseStatus From, CaseStatus To, string? Note);

/// <summary>An order from a supervisor to a department about an overdue case (督办单).</summary>
public sealed record SupervisionOrder(long Id, long CaseId, DateTimeOffset IssuedAt, string IssuedBy, long? DepartmentId, string Note);

/// <summary>A message sent to a citizen (acknowledgement, reply) and when it left.</summary>
public sealed record OutboundMessage(long Id, long? CaseId, string To, string Body, string Kind, DateTimeOffset SentAt);

/// <summary>A city department cases are dispatched to.</summary>
/// <param name="Phone">Its duty line, which agents may bring into a call or transfer to (the dial plan); null: none.</param>
/// <param name="Hours">When the duty line answers ("Mon-Fri 9:00-17:00", "24 h"); null: not known.</param>
public sealed record Department(long Id, string Code, string Name, bool Active, string? Phone = null, string? Hours = null);

public sealed record District(long Id, string Code, string Name);

/// <summary>A partner hotline calls can be transferred to (legal aid 12348, 110, ...).</summary>
/// <param name="Hours">When it answers, as people write it ("Mon–Fri 9:00–17:00", "24 h"); the agent's knowledge panel shows it.</param>
/// <param name="Kind"><c>hotline</c> (a partner hotline) or <c>emergency</c> (110, 119, 120, 122: dialled whatever the hours say).</param>
public sealed record PartnerHotline(long Id, string Number, string Name, string? Description, string? Hours = null, string Kind = "hotline");

/// <summary>An exception to the weekly pattern: a public holiday (not working) or a make-up working weekend.</summary>
public sealed record CalendarDay(DateOnly Date, bool IsWorkingDay, string? Note);

/// <summary>One row per call, written by the call manager. Phase timestamps are UTC; null when the phase never happened.</summary>
public sealed record CallRecord
{
    public required string CallId { get; init; }
    public string? Caller { get; init; }
    public string? Called { get; init; }
    public required DateTimeOffset OfferedAt { get; init; }
    public DateTimeOffset? IvrEndedAt { get; init; }
    public DateTimeOffset? QueuedAt { get; init; }
    public DateTimeOffset? AgentRingingAt { get; init; }
    public DateTimeOffset? AnsweredAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    /// <summary>End of the agent's after-call work, when known; part of handle time.</summary>
    public DateTimeOffset? WrapUpEndedAt { get; init; }
    /// <summary>The IVR nodes visited, e.g. <c>main&gt;1&gt;queue</c>.</summary>
    public string? IvrPath { get; init; }
    public string? Queue { get; init; }
    public string? AgentId { get; init; }
    /// <summary>answered | abandoned | ivr | transferred | node-lost | drained | failed (free text, short; <see cref="CallOutcomes.ToText"/>); null while live.</summary>
    public string? Outcome { get; init; }
    public string? RecordingPath { get; init; }
    /// <summary>The caller's answer to the post-call satisfaction survey (on the script's scale, 1..5 for 12345); null when no survey ran or no answer was given.</summary>
    public int? SurveyScore { get; init; }
    /// <summary>How the caller's RTP reached us over the whole call; null when the call had no media.</summary>
    public MediaLegQuality? CallerMedia { get; init; }
    /// <summary>How the answering agent's RTP reached us; null when no agent answered.</summary>
    public MediaLegQuality? AgentMedia { get; init; }
    /// <summary>The node that holds (or held) the call; the only one that may sweep the record when it is left live.</summary>
    public string? NodeId { get; init; }
    /// <summary>
    /// Who else was on the call and when (UTC), one line each: "10:32:05 brought in 110", "10:33:40 transferred from
    /// agent 1049 to agent 1050", "10:34:02 left 110" (three-party calls and transfers); null when nobody was.
    /// </summary>
    public string? Parties { get; init; }
    /// <summary>
    /// True while the call is in progress: the record is written when the call is answered and updated at its
    /// milestones, so a node that dies leaves a live record behind (its next start ends it as node-lost).
    /// </summary>
    public bool Live { get; init; }
    /// <summary><see cref="CallDirections.Inbound"/> (a citizen called us; null means inbound too: rows older than migration 14) or <see cref="CallDirections.Outbound"/> (we dialled the citizen; its <see cref="Outcome"/> says why: callback | missed-call-return | return-visit).</summary>
    public string? Direction { get; init; }
    /// <summary>The case an outbound return visit was made for.</summary>
    public long? CaseId { get; init; }
    /// <summary>The callback task an outbound call worked on.</summary>
    public long? CallbackTaskId { get; init; }
    /// <summary>The caller hung up while the IVR was still talking to them (not after self-service ended the call): a missed call like one abandoned in the queue.</summary>
    public bool AbandonedInIvr { get; init; }
}

/// <summary>The values of <see cref="CallRecord.Direction"/>.</summary>
public static class CallDirections
{
    public const string Inbound = "inbound";
    public const string Outbound = "outbound";
}

/// <summary>Calls to <see cref="ServiceNumber"/> refused for capacity (SIP 503) by <see cref="NodeId"/> in the minute starting at <see cref="Minute"/>.</summary>
public sealed record CallRefusalCount(DateTimeOffset Minute, string ServiceNumber, string NodeId, long Count);

/// <summary>
/// One call leg's reception statistics at the end of the call (RFC 3550 §6.4.1 and A.3, A.8):
/// what the supervisor's report and a complaint about a bad line are checked against.
/// </summary>
public sealed record MediaLegQuality
{
    public long PacketsReceived { get; init; }
    /// <summary>Packets expected but not received (never negative: duplicates do not count as gains).</summary>
    public long PacketsLost { get; init; }
    /// <summary>Interarrival jitter estimate at the end of the call, in milliseconds.</summary>
    public double JitterMilliseconds { get; init; }
    /// <summary>Lost / expected, in percent.</summary>
    public double LossPercent => PacketsReceived + PacketsLost == 0 ? 0 : 100.0 * PacketsLost / (PacketsReceived + PacketsLost);
}

/// <summary>Filters for a case search; every field is optional.</summary>
public sealed record CaseQuery
{
    public CaseStatus? Status { get; init; }
    public CaseChannel? Channel { get; init; }
    public CaseCategory? Category { get; init; }
    public long? DepartmentId { get; init; }
    public DateTimeOffset? CreatedFrom { get; init; }
    public DateTimeOffset? CreatedTo { get; init; }
    /// <summary>Substring of description, location, number or citizen phone.</summary>
    public string? Text { get; init; }
    /// <summary>Exactly this citizen phone (the desktop's history of a caller; index <c>ix_cases_phone_created</c>).</summary>
    public string? CitizenPhone { get; init; }
    /// <summary>Only open cases past their deadline (as of the service's clock).</summary>
    public bool? Overdue { get; init; }
    public int Page { get; init; } = 1;
    public int PageSize { get; init; } = 50;
}

/// <summary>
/// One page of a search. <see cref="Total"/> is exact up to the store's counting cap (10,000 by
/// default); beyond it, counting every match of a broad filter would cost more than the page
/// itself, so Total is the cap and <see cref="TotalIsLowerBound"/> is set ("10,000+").
/// </summary>
public sealed record CasePage(IReadOnlyList<Case> Items, long Total, int Page, int PageSize, bool TotalIsLowerBound = false);
