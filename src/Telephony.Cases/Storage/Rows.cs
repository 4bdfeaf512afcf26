using static Telephony.Cases.Storage.SqlCaseStore;

namespace Telephony.Cases.Storage;

// Flat row shapes Dapper maps columns onto (snake_case columns → PascalCase properties).
// Every number is long: SQLite returns INTEGER as Int64, PostgreSQL returns int4/int8.

internal sealed class CaseRow
{
    public long Id { get; set; }
    public string Number { get; set; } = "";
    public string Channel { get; set; } = "";
    public string Category { get; set; } = "";
    public string Status { get; set; } = "";
    public string Description { get; set; } = "";
    public string? CitizenName { get; set; }
    public string? CitizenPhone { get; set; }
    public string? Location { get; set; }
    public long? DistrictId { get; set; }
    public long Confidential { get; set; }
    public string? CallId { get; set; }
    public string? RecordingPath { get; set; }
    public long? DepartmentId { get; set; }
    public long CreatedAt { get; set; }
    public long UpdatedAt { get; set; }
    public long DueAt { get; set; }
    public long? DispatchedAt { get; set; }
    public long? SignDueAt { get; set; }
    public long? SignedAt { get; set; }
    public long? CompletedAt { get; set; }
    public long? RepliedAt { get; set; }
    public string? ReplyText { get; set; }
    public long DirectAnswer { get; set; }
    public long ReturnCount { get; set; }
    public string? LastReturnReason { get; set; }
    public long? PendingExtensionDays { get; set; }
    public long ExtensionCount { get; set; }
    public long Escalated { get; set; }
    public long SupervisionCount { get; set; }
    public long? CallbackAt { get; set; }
    public string? Satisfaction { get; set; }
    public long ReopenCount { get; set; }
    public long? ClosedAt { get; set; }
    public long? ArchivedAt { get; set; }
    public long? MergedInto { get; set; }
    public long? AckSentAt { get; set; }
    public long RepeatContact { get; set; }
    public long Version { get; set; }

    public static CaseRow From(Case c) => new()
    {
        Id = c.Id, Number = c.Number, Channel = c.Channel.ToString(), Category = c.Category.ToString(),
        Status = c.Status.ToString(), Description = c.Description, CitizenName = c.CitizenName,
        CitizenPhone = c.CitizenPhone, Location = c.Location, DistrictId = c.DistrictId,
        Confidential = c.Confidential ? 1 : 0, CallId = c.CallId, RecordingPath = c.RecordingPath,
        DepartmentId = c.DepartmentId, CreatedAt = Ms(c.CreatedAt), UpdatedAt = Ms(c.UpdatedAt), DueAt = Ms(c.DueAt),
        DispatchedAt = Ms(c.DispatchedAt), SignDueAt = Ms(c.SignDueAt), SignedAt = Ms(c.SignedAt),
        CompletedAt = Ms(c.CompletedAt), RepliedAt = Ms(c.RepliedAt), ReplyText = c.ReplyText,
        DirectAnswer = c.DirectAnswer ? 1 : 0, ReturnCount = c.ReturnCount, LastReturnReason = c.LastReturnReason,
        PendingExtensionDays = c.PendingExtensionDays, ExtensionCount = c.ExtensionCount, Escalated = c.Escalated ? 1 : 0,
        SupervisionCount = c.SupervisionCount, CallbackAt = Ms(c.CallbackAt), Satisfaction = c.Satisfaction?.ToString(),
        ReopenCount = c.ReopenCount, ClosedAt = Ms(c.ClosedAt), ArchivedAt = Ms(c.ArchivedAt), MergedInto = c.MergedInto,
        AckSentAt = Ms(c.AckSentAt), RepeatContact = c.RepeatContact ? 1 : 0, Version = c.Version,
    };

    public Case ToCase() => new()
    {
        Id = Id, Number = Number, Channel = Enum.Parse<CaseChannel>(Channel), Category = Enum.Parse<CaseCategory>(Category),
        Status = Enum.Parse<CaseStatus>(Status), Description = Description, CitizenName = CitizenName,
        CitizenPhone = CitizenPhone, Location = Location, DistrictId = DistrictId, Confidential = Confidential != 0,
        CallId = CallId, RecordingPath = RecordingPath, DepartmentId = DepartmentId, CreatedAt = FromMs(CreatedAt),
        UpdatedAt = FromMs(UpdatedAt), DueAt = FromMs(DueAt), DispatchedAt = FromMs(DispatchedAt), SignDueAt = FromMs(SignDueAt),
        SignedAt = FromMs(SignedAt), CompletedAt = FromMs(CompletedAt), RepliedAt = FromMs(RepliedAt), ReplyText = ReplyText,
        DirectAnswer = DirectAnswer != 0, ReturnCount = (int)ReturnCount, LastReturnReason = LastReturnReason,
        PendingExtensionDays = (int?)PendingExtensionDays, ExtensionCount = (int)ExtensionCount, Escalated = Escalated != 0,
        SupervisionCount = (int)SupervisionCount, CallbackAt = FromMs(CallbackAt),
        Satisfaction = Satisfaction is null ? null : Enum.Parse<Satisfaction>(Satisfaction), ReopenCount = (int)ReopenCount,
        ClosedAt = FromMs(ClosedAt), ArchivedAt = FromMs(ArchivedAt), MergedInto = MergedInto, AckSentAt = FromMs(AckSentAt),
        RepeatContact = RepeatContact != 0, Version = Version,
    };
}

internal sealed class AuditRow
{
    public long CaseId { get; set; }
    public long At { get; set; }
    public string Actor { get; set; } = "";
    public string Action { get; set; } = "";
    public string FromStatus { get; set; } = "";
    public string ToStatus { get; set; } = "";
    public string? Note { get; set; }
}

internal sealed class SupervisionRow
{
    public long Id { get; set; }
    public long CaseId { get; set; }
    public long IssuedAt { get; set; }
    public string IssuedBy { get; set; } = "";
    public long? DepartmentId { get; set; }
    public string Note { get; set; } = "";
}

internal sealed class OutboundRow
{
    public long Id { get; set; }
    public long? CaseId { get; set; }
    public string ToNumber { get; set; } = "";
    public string Body { get; set; } = "";
    public string Kind { get; set; } = "";
    public long SentAt { get; set; }
}

internal sealed class DepartmentRow
{
    public long Id { get; set; }
    public string Code { get; set; } = "";
    public string Name { get; set; } = "";
    public long Active { get; set; }
    public string? Phone { get; set; }
    public string? Hours { get; set; }

    public Department ToDepartment() => new(Id, Code, Name, Active != 0, Phone, Hours);
}

internal sealed class CalendarRow
{
    public string CalendarDate { get; set; } = "";
    public long IsWorkingDay { get; set; }
    public string? Note { get; set; }
}

internal sealed class KpiGroupRow
{
    public string Channel { get; set; } = "";
    public string Category { get; set; } = "";
    public long? DepartmentId { get; set; }
    public long Total { get; set; }
    public long Dispatched { get; set; }
    public long SignedOnTime { get; set; }
    public long Completed { get; set; }
    public long CompletedOnTime { get; set; }
    public long AnsweredOnce { get; set; }
    public long CalledBack { get; set; }
    public long Satisfied { get; set; }
    public long DirectAnswers { get; set; }
    public long Returned { get; set; }
    public long WithPhone { get; set; }
    public long RepeatContacts { get; set; }
}

internal sealed class CallRow
{
    public string CallId { get; set; } = "";
    public string? Caller { get; set; }
    public string? Called { get; set; }
    public long OfferedAt { get; set; }
    public long? IvrEndedAt { get; set; }
    public long? QueuedAt { get; set; }
    public long? AgentRingingAt { get; set; }
    public long? AnsweredAt { get; set; }
    public long? EndedAt { get; set; }
    public long? WrapUpEndedAt { get; set; }
    public string? IvrPath { get; set; }
    public string? Queue { get; set; }
    public string? AgentId { get; set; }
    public string? Outcome { get; set; }
    public string? RecordingPath { get; set; }
    public int? SurveyScore { get; set; }
    public long? CallerPacketsReceived { get; set; }
    public long? CallerPacketsLost { get; set; }
    public double? CallerJitterMs { get; set; }
    public long? AgentPacketsReceived { get; set; }
    public long? AgentPacketsLost { get; set; }
    public double? AgentJitterMs { get; set; }
    public string? NodeId { get; set; }
    public string? State { get; set; }
    public string? Direction { get; set; }
    public long? CaseId { get; set; }
    public long? CallbackTaskId { get; set; }
    public int AbandonedInIvr { get; set; }
    public string? Parties { get; set; }

    public static CallRow From(CallRecord r) => new()
    {
        CallId = r.CallId, Caller = r.Caller, Called = r.Called, OfferedAt = Ms(r.OfferedAt), IvrEndedAt = Ms(r.IvrEndedAt),
        QueuedAt = Ms(r.QueuedAt), AgentRingingAt = Ms(r.AgentRingingAt), AnsweredAt = Ms(r.AnsweredAt), EndedAt = Ms(r.EndedAt),
        WrapUpEndedAt = Ms(r.WrapUpEndedAt), IvrPath = r.IvrPath, Queue = r.Queue, AgentId = r.AgentId, Outcome = r.Outcome,
        RecordingPath = r.RecordingPath, SurveyScore = r.SurveyScore,
        CallerPacketsReceived = r.CallerMedia?.PacketsReceived, CallerPacketsLost = r.CallerMedia?.PacketsLost, CallerJitterMs = r.CallerMedia?.JitterMilliseconds,
        AgentPacketsReceived = r.AgentMedia?.PacketsReceived, AgentPacketsLost = r.AgentMedia?.PacketsLost, AgentJitterMs = r.AgentMedia?.JitterMilliseconds,
        NodeId = r.NodeId, State = r.Live ? LiveState : EndedState, Parties = r.Parties,
        Direction = r.Direction, CaseId = r.CaseId, CallbackTaskId = r.CallbackTaskId,
        AbandonedInIvr = r.AbandonedInIvr ? 1 : 0,
    };

    /// <summary>The <c>state</c> of a call in progress; rows written before migration 7 have none and are ended.</summary>
    public const string LiveState = "live";
    public const string EndedState = "ended";

    public CallRecord ToRecord() => new()
    {
        CallId = CallId, Caller = Caller, Called = Called, OfferedAt = FromMs(OfferedAt), IvrEndedAt = FromMs(IvrEndedAt),
        QueuedAt = FromMs(QueuedAt), AgentRingingAt = FromMs(AgentRingingAt), AnsweredAt = FromMs(AnsweredAt), EndedAt = FromMs(EndedAt),
        WrapUpEndedAt = FromMs(WrapUpEndedAt), IvrPath = IvrPath, Queue = Queue, AgentId = AgentId, Outcome = Outcome,
        RecordingPath = RecordingPath, SurveyScore = SurveyScore,
        CallerMedia = Quality(CallerPacketsReceived, CallerPacketsLost, CallerJitterMs),
        AgentMedia = Quality(AgentPacketsReceived, AgentPacketsLost, AgentJitterMs),
        NodeId = NodeId, Live = State == LiveState, Parties = Parties,
        Direction = Direction, CaseId = CaseId, CallbackTaskId = CallbackTaskId,
        AbandonedInIvr = AbandonedInIvr != 0,
    };

    private static MediaLegQuality? Quality(long? received, long? lost, double? jitter) => received is null
        ? null
        : new MediaLegQuality { PacketsReceived = received.Value, PacketsLost = lost ?? 0, JitterMilliseconds = jitter ?? 0 };
}
