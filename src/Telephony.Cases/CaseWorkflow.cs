namespace Telephony.Cases;

/// <summary>
/// A request to move a case. <see cref="ExpectedVersion"/> is the version the caller read:
/// if the case changed since, the move is refused (<see cref="ConcurrencyConflictException"/>).
/// Which optional fields are needed depends on the action (see <see cref="CaseWorkflow"/>).
/// </summary>
public sealed record Transition
{
    public required CaseAction Action { get; init; }
    public required long ExpectedVersion { get; init; }
    /// <summary>Free text; required as the reason for returns, extensions, escalation, supervision and close.</summary>
    public string? Note { get; init; }
    /// <summary>Target department of Dispatch and ApproveReturn (re-dispatch).</summary>
    public long? DepartmentId { get; init; }
    /// <summary>Working days asked for by RequestExtension (1..10).</summary>
    public int? Days { get; init; }
    public Satisfaction? Satisfaction { get; init; }
    /// <summary>The answer given to the citizen (Reply; optional for AnswerDirectly).</summary>
    public string? ReplyText { get; init; }
    /// <summary>Merge: the case this duplicate is folded into.</summary>
    public long? IntoCaseId { get; init; }
}

/// <summary>Deadlines and limits of the workflow (working days).</summary>
public sealed record CaseOptions
{
    /// <summary>Days to complete a case from intake (and from re-dispatch or reopen).</summary>
    public int CompletionWorkingDays { get; init; } = 5;
    /// <summary>Days a department has to sign for a dispatched case.</summary>
    public int SignForWorkingDays { get; init; } = 1;
    /// <summary>Days after dispatch within which a department may return a case.</summary>
    public int ReturnWindowWorkingDays { get; init; } = 2;
    /// <summary>Largest extension one request may ask for.</summary>
    public int MaxExtensionWorkingDays { get; init; } = 10;
    public const int MaxNoteLength = 1000;
    public const int MaxReplyLength = 4000;
}

/// <summary>The result of one move: the new case state, its audit line and, for Supervise, the order issued.</summary>
public sealed record TransitionResult(Case Case, AuditEntry Audit, SupervisionOrder? Order);

/// <summary>
/// The case lifecycle as pure rules: no I/O, so every rule is testable on its own.
/// <code>
/// Registered|Reopened --AnswerDirectly--> AwaitingCallback
/// Registered|Reopened --Dispatch(dept)--> Dispatched --SignFor--> SignedFor --StartWork--> InProgress
/// SignedFor|InProgress --Reply--> Replied
/// Dispatched|SignedFor|InProgress --RequestReturn (within 2 working days of dispatch)--> ReturnRequested
/// ReturnRequested --ApproveReturn(new dept)--> Dispatched ; --RejectReturn--> SignedFor
/// SignedFor|InProgress : RequestExtension(days) / ApproveExtension / DenyExtension (status unchanged)
/// AwaitingCallback|Replied --Callback(satisfied|basically)--> Closed ; --Callback(dissatisfied)--> Reopened
/// AwaitingCallback|Replied --Close(reason)--> Closed --Archive--> Archived
/// any open --Merge(into)--> Merged ; any open : Escalate ; overdue : Supervise
/// </code>
/// </summary>
public static class CaseWorkflow
{
    /// <summary>Open = not finished: neither closed, archived nor merged away.</summary>
    public static bool IsOpen(CaseStatus status) => status is not (CaseStatus.Closed or CaseStatus.Archived or CaseStatus.Merged);

    /// <summary>Actions performed by the department a case is dispatched to.</summary>
    public static bool IsDepartmentAction(CaseAction action) =>
        action is CaseAction.SignFor or CaseAction.StartWork or CaseAction.RequestReturn or CaseAction.RequestExtension or CaseAction.Reply;

    /// <summary>Refuses the action if the actor's role may not take it (department scoping is the service's job).</summary>
    public static void CheckRole(CaseAction action, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var allowed = action switch
        {
            _ when IsDepartmentAction(action) => actor.Role is ActorRole.DepartmentHandler or ActorRole.Admin,
            CaseAction.Supervise or CaseAction.ApproveExtension or CaseAction.DenyExtension
                or CaseAction.ApproveReturn or CaseAction.RejectReturn => actor.Role is ActorRole.Supervisor or ActorRole.Admin,
            _ => actor.IsCentre,
        };
        if (!allowed)
        {
            throw new CaseForbiddenException($"role {actor.Role} may not {action}");
        }
    }

    /// <summary>Applies one move to <paramref name="current"/>; throws if it is illegal. Merge is not handled here (it touches two cases).</summary>
    public static TransitionResult Apply(Case current, Transition t, Actor actor, DateTimeOffset now, WorkingDayCalendar calendar, CaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(calendar);
        ArgumentNullException.ThrowIfNull(options);
        CheckRole(t.Action, actor);
        CheckLength("note", t.Note, CaseOptions.MaxNoteLength);
        CheckLength("replyText", t.ReplyText, CaseOptions.MaxReplyLength);

        var c = current;
        var s = c.Status;
        SupervisionOrder? order = null;
        Case next;
        switch (t.Action)
        {
            case CaseAction.AnswerDirectly:
                Require(t.Action, s, CaseStatus.Registered, CaseStatus.Reopened);
                next = c with { Status = CaseStatus.AwaitingCallback, DirectAnswer = true, CompletedAt = now, ReplyText = t.ReplyText ?? c.ReplyText };
                break;
            case CaseAction.Dispatch:
                Require(t.Action, s, CaseStatus.Registered, CaseStatus.Reopened);
                next = DispatchTo(c, RequireField(t.DepartmentId, "departmentId"), now, calendar, options) with { DirectAnswer = false };
                break;
            case CaseAction.SignFor:
                Require(t.Action, s, CaseStatus.Dispatched);
                next = c with { Status = CaseStatus.SignedFor, SignedAt = now };
                break;
            case CaseAction.StartWork:
                Require(t.Action, s, CaseStatus.SignedFor);
                next = c with { Status = CaseStatus.InProgress };
                break;
            case CaseAction.RequestReturn:
                Require(t.Action, s, CaseStatus.Dispatched, CaseStatus.SignedFor, CaseStatus.InProgress);
                RequireText(t.Note, "note");
                var window = calendar.AddWorkingDays(c.DispatchedAt ?? c.CreatedAt, options.ReturnWindowWorkingDays);
                if (now > window)
                {
                    throw new IllegalTransitionException(t.Action.ToString(), s, $"the return window of {options.ReturnWindowWorkingDays} working days after dispatch ended at {window:u}");
                }
                next = c with { Status = CaseStatus.ReturnRequested, ReturnCount = c.ReturnCount + 1, LastReturnReason = t.Note, PendingExtensionDays = null };
                break;
            case CaseAction.ApproveReturn:
                Require(t.Action, s, CaseStatus.ReturnRequested);
                next = DispatchTo(c, RequireField(t.DepartmentId, "departmentId"), now, calendar, options);
                break;
            case CaseAction.RejectReturn:
                Require(t.Action, s, CaseStatus.ReturnRequested);
                next = c with { Status = CaseStatus.SignedFor, SignedAt = c.SignedAt ?? now };
                break;
            case CaseAction.RequestExtension:
                Require(t.Action, s, CaseStatus.SignedFor, CaseStatus.InProgress);
                RequireText(t.Note, "note");
                var days = RequireField(t.Days, "days");
                if (days < 1 || days > options.MaxExtensionWorkingDays)
                {
                    throw new CaseValidationException("days", $"must be between 1 and {options.MaxExtensionWorkingDays} working days");
                }
                if (c.PendingExtensionDays is not null)
                {
                    throw new IllegalTransitionException(t.Action.ToString(), s, "an extension request is already pending");
                }
                next = c with { PendingExtensionDays = days };
                break;
            case CaseAction.ApproveExtension:
            case CaseAction.DenyExtension:
                Require(t.Action, s, CaseStatus.SignedFor, CaseStatus.InProgress);
                if (c.PendingExtensionDays is not { } pending)
                {
                    throw new IllegalTransitionException(t.Action.ToString(), s, "no extension request is pending");
                }
                next = t.Action == CaseAction.ApproveExtension
                    ? c with { DueAt = calendar.AddWorkingDays(c.DueAt.AddTicks(-1), pending), PendingExtensionDays = null, ExtensionCount = c.ExtensionCount + 1 }
                    : c with { PendingExtensionDays = null };
                // (DueAt is a local midnight ending the due day; one tick back names that day itself.)
                break;
            case CaseAction.Reply:
                Require(t.Action, s, CaseStatus.SignedFor, CaseStatus.InProgress);
                RequireText(t.ReplyText, "replyText");
                next = c with { Status = CaseStatus.Replied, ReplyText = t.ReplyText, RepliedAt = now, CompletedAt = now, PendingExtensionDays = null };
                break;
            case CaseAction.Callback:
                Require(t.Action, s, CaseStatus.AwaitingCallback, CaseStatus.Replied);
                var verdict = RequireField(t.Satisfaction, "satisfaction");
                next = verdict == Satisfaction.Dissatisfied
                    ? c with
                    {
                        Status = CaseStatus.Reopened, CallbackAt = now, Satisfaction = verdict, CompletedAt = null,
                        ReopenCount = c.ReopenCount + 1, DueAt = calendar.AddWorkingDays(now, options.CompletionWorkingDays),
                    }
                    : c with { Status = CaseStatus.Closed, CallbackAt = now, Satisfaction = verdict, ClosedAt = now };
                break;
            case CaseAction.Close:
                Require(t.Action, s, CaseStatus.AwaitingCallback, CaseStatus.Replied);
                RequireText(t.Note, "note");
                next = c with { Status = CaseStatus.Closed, ClosedAt = now };
                break;
            case CaseAction.Archive:
                Require(t.Action, s, CaseStatus.Closed);
                next = c with { Status = CaseStatus.Archived, ArchivedAt = now };
                break;
            case CaseAction.Escalate:
                RequireOpen(t.Action, s);
                RequireText(t.Note, "note");
                next = c with { Escalated = true };
                break;
            case CaseAction.Supervise:
                RequireOpen(t.Action, s);
                RequireText(t.Note, "note");
                if (!c.IsOverdueAt(now))
                {
                    throw new IllegalTransitionException(t.Action.ToString(), s, $"the case is not overdue (due {c.DueAt:u})");
                }
                next = c with { SupervisionCount = c.SupervisionCount + 1 };
                order = new SupervisionOrder(0, c.Id, now, actor.Name, c.DepartmentId, t.Note!);
                break;
            case CaseAction.Merge:
                throw new InvalidOperationException("Merge touches two cases; the service performs it.");
            default:
                throw new CaseValidationException("action", $"unknown action {t.Action}");
        }

        next = next with { Version = c.Version + 1, UpdatedAt = now };
        var audit = new AuditEntry(c.Id, now, actor.Name, t.Action.ToString(), s, next.Status, AuditNote(t));
        return new TransitionResult(next, audit, order);
    }

    private static Case DispatchTo(Case c, long departmentId, DateTimeOffset now, WorkingDayCalendar calendar, CaseOptions options)
    {
        // A (re-)dispatch gives the department a fresh sign-for and completion deadline; the
        // original intake time still drives the KPIs' date range.
        var due = c.DispatchedAt is null && c.ReopenCount == 0 ? c.DueAt : calendar.AddWorkingDays(now, options.CompletionWorkingDays);
        return c with
        {
            Status = CaseStatus.Dispatched, DepartmentId = departmentId, DispatchedAt = now,
            SignDueAt = calendar.AddWorkingDays(now, options.SignForWorkingDays), SignedAt = null,
            DueAt = due, PendingExtensionDays = null,
        };
    }

    private static string? AuditNote(Transition t) => t.Action switch
    {
        CaseAction.Dispatch or CaseAction.ApproveReturn => Join($"department {t.DepartmentId}", t.Note),
        CaseAction.RequestExtension => Join($"{t.Days} working days", t.Note),
        CaseAction.Callback => Join(t.Satisfaction.ToString(), t.Note),
        CaseAction.Reply => Join(t.ReplyText, t.Note),
        _ => t.Note,
    };

    private static string Join(string? a, string? b) => string.IsNullOrEmpty(b) ? a ?? "" : $"{a}; {b}";

    private static void Require(CaseAction action, CaseStatus status, params CaseStatus[] allowed)
    {
        if (Array.IndexOf(allowed, status) < 0)
        {
            throw new IllegalTransitionException(action.ToString(), status);
        }
    }

    private static void RequireOpen(CaseAction action, CaseStatus status)
    {
        if (!IsOpen(status))
        {
            throw new IllegalTransitionException(action.ToString(), status);
        }
    }

    private static T RequireField<T>(T? value, string field) where T : struct =>
        value ?? throw new CaseValidationException(field, "is required for this action");

    private static void RequireText(string? value, string field)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new CaseValidationException(field, "is required for this action");
        }
    }

    internal static void CheckLength(string field, string? value, int max)
    {
        if (value is not null && value.Length > max)
        {
            throw new CaseValidationException(field, $"is longer than {max} characters");
        }
    }
}
