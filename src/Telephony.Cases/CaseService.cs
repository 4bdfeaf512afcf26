using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Telephony.Cases.Sms;
using Telephony.Cases.Storage;

namespace Telephony.Cases;

/// <summary>
/// The case workflow over a store: intake from every channel (with the SMS/web acknowledgement),
/// transitions with role and department scoping, searches that never show a department handler
/// another department's cases, and the KPI report.
/// </summary>
public sealed partial class CaseService
{
    public const int MaxDescriptionLength = 4000;
    public const int MaxNameLength = 100;
    public const int MaxLocationLength = 200;
    public const int MaxReferenceLength = 500;

    private readonly ICaseStore _cases;
    private readonly IDirectoryStore _directory;
    private readonly ICallRecordStore _calls;
    private readonly ISmsGateway _sms;
    private readonly TimeProvider _time;
    private readonly CaseOptions _options;
    private readonly ILogger<CaseService> _logger;

    public CaseService(ICaseStore cases, IDirectoryStore directory, ICallRecordStore calls, ISmsGateway sms,
        TimeProvider time, CaseOptions options, ILogger<CaseService> logger)
    {
        _cases = cases ?? throw new ArgumentNullException(nameof(cases));
        _directory = directory ?? throw new ArgumentNullException(nameof(directory));
        _calls = calls ?? throw new ArgumentNullException(nameof(calls));
        _sms = sms ?? throw new ArgumentNullException(nameof(sms));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>The clock, cut to whole milliseconds: what the store keeps, so a returned case equals a reloaded one.</summary>
    public DateTimeOffset Now => DateTimeOffset.FromUnixTimeMilliseconds(_time.GetUtcNow().ToUnixTimeMilliseconds());

    /// <summary>The working-day calendar as the operator has configured it now.</summary>
    public async Task<WorkingDayCalendar> CalendarAsync(CancellationToken ct = default) =>
        new(await _directory.ListCalendarAsync(ct).ConfigureAwait(false));

    // ------------------------------------------------------------------ intake

    /// <summary>
    /// Takes in a contact. Phone intake at wrap-up names the call: the call record's recording is
    /// linked. SMS and web contacts with a phone number get an acknowledgement carrying the case
    /// number at once (national guidance: within 3 minutes); its send time is recorded.
    /// </summary>
    /// <remarks>
    /// A database that restarts (a failover, an upgrade) fails the intakes in flight and, once, every pooled
    /// connection it dropped. The part of an intake that stores the case is tried again when it failed before the
    /// commit, for about ten seconds (<see cref="IntakeRetry"/>): the citizen or agent gets a case number a little
    /// later instead of an error. One whose commit itself failed is never tried again (the case may exist; a second
    /// one would be a duplicate): that error reaches the caller, and no acknowledgement is sent. Once the case is
    /// stored nothing repeats it: the acknowledgement SMS goes out once, and a failure to note it afterwards is
    /// logged, not thrown (the citizen holds the number).
    /// </remarks>
    public async Task<Case> CreateAsync(CaseIntake intake, Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(intake);
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsCentre)
        {
            throw new CaseForbiddenException("department handlers do not take in cases");
        }
        var created = await RetryingAsync(() => StoreIntakeAsync(intake, actor, ct), intake.Channel, ct).ConfigureAwait(false);
        LogCreated(_logger, created.Number, created.Channel);

        if (created.Channel is CaseChannel.Sms or CaseChannel.Web && created.CitizenPhone is { } phone)
        {
            created = await AcknowledgeAsync(created, phone, ct).ConfigureAwait(false);
        }
        return created;
    }

    /// <summary>Runs <paramref name="work"/>, again after a transient database failure (<see cref="IntakeRetry"/>), clearing the pool first.</summary>
    private async Task<T> RetryingAsync<T>(Func<Task<T>> work, CaseChannel channel, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await work().ConfigureAwait(false);
            }
            catch (Exception e) when (attempt < IntakeRetry.Attempts && IntakeRetry.IsTransient(e) && !ct.IsCancellationRequested)
            {
                var delay = IntakeRetry.DelayBefore(attempt + 1);
                LogIntakeRetry(_logger, channel, e.Message, (int)delay.TotalMilliseconds, attempt + 1, IntakeRetry.Attempts);
                _cases.ResetConnections();
                // The machine's clock, not _time: a retry waits for a database, which a test's fake clock does not move.
                await Task.Delay(delay, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Validates the intake and stores its case (one transaction): the part of an intake that is tried again.</summary>
    private async Task<Case> StoreIntakeAsync(CaseIntake intake, Actor actor, CancellationToken ct)
    {
        await ValidateAsync(intake, ct).ConfigureAwait(false);

        // The recording is the named call's, from its call record, never a path the client writes:
        // a client path could point anywhere (traversal) or at another call's recording.
        var record = string.IsNullOrWhiteSpace(intake.CallId) ? null : await _calls.GetCallRecordAsync(intake.CallId, ct).ConfigureAwait(false);
        if (!string.IsNullOrWhiteSpace(intake.RecordingPath) && !string.Equals(intake.RecordingPath, record?.RecordingPath, StringComparison.Ordinal))
        {
            throw new CaseValidationException("recordingPath", "must be the recording of the named call (leave it out: it is taken from the call record)");
        }
        var recording = record?.RecordingPath;
        var now = Now;
        var calendar = await CalendarAsync(ct).ConfigureAwait(false);
        var draft = new Case
        {
            Channel = intake.Channel, Category = intake.Category, Status = CaseStatus.Registered,
            Description = intake.Description.Trim(), CitizenName = Blank(intake.CitizenName), CitizenPhone = Blank(intake.CitizenPhone),
            Location = Blank(intake.Location), DistrictId = intake.DistrictId, Confidential = intake.Confidential,
            CallId = Blank(intake.CallId), RecordingPath = Blank(recording),
            CreatedAt = now, UpdatedAt = now, DueAt = calendar.AddWorkingDays(now, _options.CompletionWorkingDays),
        };
        return await _cases.CreateAsync(draft, actor.Name, $"intake via {intake.Channel}", ct).ConfigureAwait(false);
    }

    /// <summary>An inbound SMS from the gateway webhook becomes a consultation case (the agent re-classifies it).</summary>
    public Task<Case> ReceiveSmsAsync(string from, string text, CancellationToken ct = default) =>
        CreateAsync(new CaseIntake
        {
            Channel = CaseChannel.Sms, Category = CaseCategory.Consultation, Description = text ?? "", CitizenPhone = from,
        }, new Actor("sms-gateway", ActorRole.Agent), ct);

    private async Task<Case> AcknowledgeAsync(Case created, string phone, CancellationToken ct)
    {
        var body = string.Create(CultureInfo.InvariantCulture,
            $"【12345】您的诉求已受理，工单号 {created.Number}。Your request was received; case number {created.Number}.");
        try
        {
            await _sms.SendAsync(phone, body, ct).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // the case exists already; a gateway failure must not lose it
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogAckFailed(_logger, ex, created.Number);
            return created;
        }
        try
        {
            var message = new OutboundMessage(0, created.Id, phone, body, OutboundKinds.Acknowledgement, Now);
            var sent = await RetryingAsync(() => _cases.RecordOutboundAsync(message, ct), created.Channel, ct).ConfigureAwait(false);
            return created with { AckSentAt = sent.SentAt };
        }
#pragma warning disable CA1031 // the citizen holds the case number: the intake succeeded whatever the note of it does
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogAckNotRecorded(_logger, ex, created.Number);
            return created;
        }
    }

    [GeneratedRegex(@"^\+?[0-9][0-9 ()\-]{2,31}$", RegexOptions.CultureInvariant)]
    private static partial Regex PhonePattern();

    private async Task ValidateAsync(CaseIntake intake, CancellationToken ct)
    {
        if (!Enum.IsDefined(intake.Channel)) { throw new CaseValidationException("channel", "is not a known channel"); }
        if (!Enum.IsDefined(intake.Category)) { throw new CaseValidationException("category", "is not a known category"); }
        if (string.IsNullOrWhiteSpace(intake.Description)) { throw new CaseValidationException("description", "is required"); }
        CaseWorkflow.CheckLength("description", intake.Description, MaxDescriptionLength);
        CaseWorkflow.CheckLength("citizenName", intake.CitizenName, MaxNameLength);
        CaseWorkflow.CheckLength("location", intake.Location, MaxLocationLength);
        CaseWorkflow.CheckLength("callId", intake.CallId, MaxReferenceLength);
        if (!string.IsNullOrEmpty(intake.CallId) && !intake.CallId.All(c => c is > ' ' and < '\u007f'))
        {
            // RFC 3261 §25.1: a Call-ID is words of visible ASCII (and at most one "@").
            throw new CaseValidationException("callId", "is not a SIP Call-ID (visible ASCII characters, no spaces)");
        }
        CaseWorkflow.CheckLength("recordingPath", intake.RecordingPath, MaxReferenceLength);
        if (!string.IsNullOrWhiteSpace(intake.CitizenPhone) && !PhonePattern().IsMatch(intake.CitizenPhone.Trim()))
        {
            throw new CaseValidationException("citizenPhone", "is not a phone number (digits, optional +, spaces, dashes; at most 32)");
        }
        if (intake.Channel is CaseChannel.Sms && string.IsNullOrWhiteSpace(intake.CitizenPhone))
        {
            throw new CaseValidationException("citizenPhone", "is required for SMS intake");
        }
        if (intake.DistrictId is { } district && await _directory.GetDistrictAsync(district, ct).ConfigureAwait(false) is null)
        {
            throw new CaseValidationException("districtId", $"district {district} does not exist");
        }
    }

    private static string? Blank(string? s) => string.IsNullOrWhiteSpace(s) ? null : s.Trim();

    // ------------------------------------------------------------------ reading

    /// <summary>The case as the actor may see it; a department handler gets "not found" for other departments' cases.</summary>
    public async Task<Case> GetAsync(long id, Actor actor, CancellationToken ct = default)
    {
        var c = await _cases.GetAsync(id, ct).ConfigureAwait(false);
        return Visible(c, actor) ? Redact(c!, actor) : throw new CaseNotFoundException(id);
    }

    public async Task<IReadOnlyList<AuditEntry>> GetAuditAsync(long id, Actor actor, CancellationToken ct = default)
    {
        await GetAsync(id, actor, ct).ConfigureAwait(false);
        return await _cases.GetAuditAsync(id, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<SupervisionOrder>> GetSupervisionOrdersAsync(long id, Actor actor, CancellationToken ct = default)
    {
        await GetAsync(id, actor, ct).ConfigureAwait(false);
        return await _cases.GetSupervisionOrdersAsync(id, ct).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<OutboundMessage>> GetOutboundAsync(long id, Actor actor, CancellationToken ct = default)
    {
        await GetAsync(id, actor, ct).ConfigureAwait(false);
        return await _cases.GetOutboundAsync(id, ct).ConfigureAwait(false);
    }

    public async Task<CasePage> SearchAsync(CaseQuery query, Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (Scope(query, actor) is not { } scoped)
        {
            return new CasePage([], 0, Math.Max(1, query.Page), query.PageSize);
        }
        var page = await _cases.SearchAsync(scoped, Now, ct).ConfigureAwait(false);
        return page with { Items = page.Items.Select(c => Redact(c, actor)).ToList() };
    }

    public async IAsyncEnumerable<Case> ExportAsync(CaseQuery query, Actor actor, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (Scope(query, actor) is not { } scoped)
        {
            yield break;
        }
        await foreach (var c in _cases.ExportAsync(scoped, Now, ct).ConfigureAwait(false))
        {
            yield return Redact(c, actor);
        }
    }

    public Task<KpiReport> GetKpisAsync(DateTimeOffset from, DateTimeOffset to, Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!actor.IsCentre)
        {
            throw new CaseForbiddenException("KPIs are for centre staff");
        }
        if (to <= from)
        {
            throw new CaseValidationException("to", "must be after from");
        }
        return _cases.GetKpisAsync(from, to, ct);
    }

    /// <summary>A handler's query is pinned to its department; asking for another yields nothing (null).</summary>
    private static CaseQuery? Scope(CaseQuery q, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.Role != ActorRole.DepartmentHandler)
        {
            return q;
        }
        if (actor.DepartmentId is not { } dept || (q.DepartmentId is { } asked && asked != dept))
        {
            return null;
        }
        return q with { DepartmentId = dept };
    }

    private static bool Visible(Case? c, Actor actor) =>
        c is not null && (actor.Role != ActorRole.DepartmentHandler || (actor.DepartmentId is { } d && c.DepartmentId == d));

    /// <summary>A confidential citizen's identity stays with the centre.</summary>
    private static Case Redact(Case c, Actor actor) =>
        c.Confidential && actor.Role == ActorRole.DepartmentHandler ? c with { CitizenName = null, CitizenPhone = null } : c;

    // ------------------------------------------------------------------ transitions

    /// <summary>
    /// Moves a case. Refused with <see cref="ConcurrencyConflictException"/> if the case is no longer at
    /// <see cref="Transition.ExpectedVersion"/>, <see cref="IllegalTransitionException"/> if the move is not
    /// allowed now, <see cref="CaseNotFoundException"/> if the actor may not see the case.
    /// </summary>
    public async Task<Case> TransitionAsync(long id, Transition t, Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(actor);
        var current = await _cases.GetAsync(id, ct).ConfigureAwait(false);
        if (!Visible(current, actor))
        {
            throw new CaseNotFoundException(id);
        }
        CaseWorkflow.CheckRole(t.Action, actor);
        if (current!.Version != t.ExpectedVersion)
        {
            throw new ConcurrencyConflictException(id, t.ExpectedVersion);
        }
        if (t.Action is CaseAction.Dispatch or CaseAction.ApproveReturn && t.DepartmentId is { } dept)
        {
            var department = await _directory.GetDepartmentAsync(dept, ct).ConfigureAwait(false);
            if (department is not { Active: true })
            {
                throw new CaseValidationException("departmentId", $"department {dept} does not exist or is inactive");
            }
        }
        if (t.Action == CaseAction.Merge)
        {
            return await MergeAsync(current, t, actor, ct).ConfigureAwait(false);
        }

        var now = Now;
        var result = CaseWorkflow.Apply(current, t, actor, now, await CalendarAsync(ct).ConfigureAwait(false), _options);
        await _cases.UpdateAsync([new CaseChange(result.Case, t.ExpectedVersion, result.Audit, result.Order)], ct).ConfigureAwait(false);
        LogTransition(_logger, current.Number, t.Action, current.Status, result.Case.Status, actor.Name);

        if (t.Action is CaseAction.Reply or CaseAction.AnswerDirectly && result.Case.Channel is CaseChannel.Sms or CaseChannel.Web
            && result.Case.CitizenPhone is { } phone && result.Case.ReplyText is { } text)
        {
            await SendReplyAsync(result.Case, phone, text, ct).ConfigureAwait(false);
        }
        return result.Case;
    }

    private async Task SendReplyAsync(Case c, string phone, string text, CancellationToken ct)
    {
        var body = $"【12345】工单 {c.Number}: {text}";
        try
        {
            await _sms.SendAsync(phone, body, ct).ConfigureAwait(false);
            await _cases.RecordOutboundAsync(new OutboundMessage(0, c.Id, phone, body, OutboundKinds.Reply, Now), ct).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // the transition is committed; the reply is retried by the callback agent
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            LogAckFailed(_logger, ex, c.Number);
        }
    }

    /// <summary>Folds a duplicate into another case: both rows and both audit lines in one transaction.</summary>
    private async Task<Case> MergeAsync(Case duplicate, Transition t, Actor actor, CancellationToken ct)
    {
        if (t.IntoCaseId is not { } intoId)
        {
            throw new CaseValidationException("intoCaseId", "is required for Merge");
        }
        CaseWorkflow.CheckLength("note", t.Note, CaseOptions.MaxNoteLength);
        if (intoId == duplicate.Id)
        {
            throw new CaseValidationException("intoCaseId", "a case cannot be merged into itself");
        }
        if (!CaseWorkflow.IsOpen(duplicate.Status))
        {
            throw new IllegalTransitionException(nameof(CaseAction.Merge), duplicate.Status);
        }
        var target = await _cases.GetAsync(intoId, ct).ConfigureAwait(false)
            ?? throw new CaseValidationException("intoCaseId", $"case {intoId} does not exist");
        if (target.Status is CaseStatus.Merged or CaseStatus.Archived)
        {
            throw new IllegalTransitionException(nameof(CaseAction.Merge), target.Status, $"target case {target.Number} is {target.Status}");
        }
        var now = Now;
        var merged = duplicate with { Status = CaseStatus.Merged, MergedInto = target.Id, Version = duplicate.Version + 1, UpdatedAt = now };
        var absorbing = target with { Version = target.Version + 1, UpdatedAt = now };
        await _cases.UpdateAsync(
        [
            new CaseChange(merged, duplicate.Version, new AuditEntry(duplicate.Id, now, actor.Name, nameof(CaseAction.Merge), duplicate.Status, CaseStatus.Merged, $"into {target.Number}; {t.Note}")),
            new CaseChange(absorbing, target.Version, new AuditEntry(target.Id, now, actor.Name, "AbsorbDuplicate", target.Status, target.Status, $"from {duplicate.Number}; {t.Note}")),
        ], ct).ConfigureAwait(false);
        return merged;
    }
}
