namespace Telephony.Cases.Tests;

/// <summary>
/// KPIs on a fixed data set whose answers were worked out by hand, and the end-to-end scenario.
/// Part of the store contract: the KPI SQL runs on both SQLite and PostgreSQL.
/// </summary>
public abstract partial class CaseStoreContract
{
    // March 2026 in the hotline's time zone.
    private static readonly DateTimeOffset March = new(2026, 3, 1, 0, 0, 0, TimeSpan.FromHours(8));
    private static readonly DateTimeOffset April = new(2026, 4, 1, 0, 0, 0, TimeSpan.FromHours(8));

    /// <summary>
    /// The data set (T = Monday 2 March 09:00; "due" = T + 5 days; sign-for due = T + 1 day):
    /// <code>
    /// #  channel category     phone dept dispatched signed     completed      callback      other
    /// 1  Phone   Complaint    A     1    yes        on time    on time        Satisfied     closed
    /// 2  Phone   Consultation A     -    -          -          on time (direct) Basically   closed
    /// 3  Sms     HelpRequest  B     1    yes        late       (reopened: null) Dissatisfied reopen_count 1
    /// 4  Web     Report       C     2    yes        on time    -              -             returned once, re-dispatched
    /// 5  Phone   Suggestion   -     -    -          -          on time (direct) -
    /// 6  Phone   Praise       D     -    -          -          -              -             registered only
    /// 7  Sms     Complaint    B     2    yes        never      -              -
    /// 8  Web     Complaint    D     -    -          -          -              -             MERGED (excluded)
    /// 9  Phone   Complaint    D     -    -          -          -              -             created 28 Feb (outside), inserted first
    /// 10 Phone   HelpRequest  C     1    yes        on time    late           -             closed without callback
    /// </code>
    /// Population: cases 1–7 and 10 = 8 cases.
    /// </summary>
    private async Task SeedKpiCasesAsync()
    {
        var t = Monday9;
        var due = t.AddDays(5);
        var signDue = t.AddDays(1);
        Case Draft(CaseChannel ch, CaseCategory cat, string? phone) => new()
        {
            Channel = ch, Category = cat, Status = CaseStatus.Registered, Description = "kpi", CitizenPhone = phone,
            CreatedAt = t, UpdatedAt = t, DueAt = due,
        };
        Case Dispatched(Case c, long dept, DateTimeOffset? signed) => c with
        {
            Status = signed is null ? CaseStatus.Dispatched : CaseStatus.InProgress, DepartmentId = dept,
            DispatchedAt = t.AddHours(1), SignDueAt = signDue, SignedAt = signed,
        };
        var onTime = t.AddHours(2);
        var late = due.AddDays(1);
        var seed = new[]
        {
            Dispatched(Draft(CaseChannel.Phone, CaseCategory.Complaint, "A"), 1, onTime) with
                { Status = CaseStatus.Closed, CompletedAt = t.AddDays(2), RepliedAt = t.AddDays(2), CallbackAt = t.AddDays(3), Satisfaction = Satisfaction.Satisfied, ClosedAt = t.AddDays(3) },
            Draft(CaseChannel.Phone, CaseCategory.Consultation, "A") with
                { Status = CaseStatus.Closed, DirectAnswer = true, CompletedAt = t, CallbackAt = t.AddDays(1), Satisfaction = Satisfaction.BasicallySatisfied, ClosedAt = t.AddDays(1) },
            Dispatched(Draft(CaseChannel.Sms, CaseCategory.HelpRequest, "B"), 1, signDue.AddHours(5)) with
                { Status = CaseStatus.Reopened, CompletedAt = null, RepliedAt = late, CallbackAt = late.AddDays(1), Satisfaction = Satisfaction.Dissatisfied, ReopenCount = 1 },
            Dispatched(Draft(CaseChannel.Web, CaseCategory.Report, "C"), 2, onTime) with { ReturnCount = 1, LastReturnReason = "wrong department" },
            Draft(CaseChannel.Phone, CaseCategory.Suggestion, null) with { Status = CaseStatus.AwaitingCallback, DirectAnswer = true, CompletedAt = t },
            Draft(CaseChannel.Phone, CaseCategory.Praise, "D"),
            Dispatched(Draft(CaseChannel.Sms, CaseCategory.Complaint, "B"), 2, null),
            Draft(CaseChannel.Web, CaseCategory.Complaint, "D") with { Status = CaseStatus.Merged, MergedInto = 6 },
            Draft(CaseChannel.Phone, CaseCategory.Complaint, "D") with { CreatedAt = new DateTimeOffset(2026, 2, 28, 12, 0, 0, TimeSpan.FromHours(8)) },
            Dispatched(Draft(CaseChannel.Phone, CaseCategory.HelpRequest, "C"), 1, onTime) with
                { Status = CaseStatus.Closed, CompletedAt = late, RepliedAt = late, ClosedAt = late.AddDays(1) },
        };
        // Case 9 (28 February) goes in first, as it would have in real life.
        foreach (var c in seed.Skip(8).Take(1).Concat(seed.Take(8)).Concat(seed.Skip(9)))
        {
            await Store.CreateAsync(c, "seed", null);
        }
    }

    /// <summary>
    /// Calls (T = Monday 2 March 09:00):
    /// <code>
    /// c1 queued +20 s, answered +30 s (wait 10 s), ended +330 s (talk 300 s), wrap-up end +390 s (handle 360 s)
    /// c2 queued +15 s, answered +35 s (wait 20 s), ended +635 s (talk 600 s), no wrap-up       (handle 600 s)
    /// c3 queued +10 s, never answered, ended +70 s                       → abandoned
    /// c4 IVR only, never queued, ended +60 s                              → neither answered nor abandoned
    /// c5 never queued, answered +15 s from offer (wait 15 s), ended +135 s (talk 120 s), wrap-up end +165 s (handle 150 s)
    /// c6 offered 28 February                                              → outside the range
    /// </code>
    /// </summary>
    private async Task SeedKpiCallsAsync()
    {
        var t = Monday9;
        CallRecord Call(string id, DateTimeOffset at) => new() { CallId = id, OfferedAt = at };
        var h = t.AddHours(1);
        var calls = new[]
        {
            Call("c1", t) with { QueuedAt = t.AddSeconds(20), AnsweredAt = t.AddSeconds(30), EndedAt = t.AddSeconds(330), WrapUpEndedAt = t.AddSeconds(390), SurveyScore = 5 },
            Call("c2", h) with { QueuedAt = h.AddSeconds(15), AnsweredAt = h.AddSeconds(35), EndedAt = h.AddSeconds(635), SurveyScore = 2 },
            Call("c3", t.AddHours(2)) with { QueuedAt = t.AddHours(2).AddSeconds(10), EndedAt = t.AddHours(2).AddSeconds(70), Outcome = "abandoned", SurveyScore = 5 },
            Call("c4", t.AddHours(3)) with { IvrEndedAt = t.AddHours(3).AddSeconds(60), EndedAt = t.AddHours(3).AddSeconds(60), Outcome = "ivr" },
            Call("c5", t.AddHours(4)) with { AnsweredAt = t.AddHours(4).AddSeconds(15), EndedAt = t.AddHours(4).AddSeconds(135), WrapUpEndedAt = t.AddHours(4).AddSeconds(165) },
            Call("c6", March.AddDays(-1)) with { QueuedAt = March.AddDays(-1), AnsweredAt = March.AddDays(-1).AddSeconds(1), EndedAt = March.AddDays(-1).AddSeconds(100), SurveyScore = 4 },
        };
        foreach (var c in calls)
        {
            await Store.SaveCallRecordAsync(c);
        }
    }

    private async Task<KpiReport> KpisAsync()
    {
        await SeedKpiCasesAsync();
        await SeedKpiCallsAsync();
        return await H.Service.GetKpisAsync(March, April, Harness.Supervisor);
    }

    [Test]
    public async Task Kpi_case_counts_by_channel_category_and_department()
    {
        var k = await KpisAsync();
        // Population 1,2,3,4,5,6,7,10 (8 merged, 9 outside) = 8.
        Assert.That(k.Cases, Is.EqualTo(8));
        // Phone 1,2,5,6,10 = 5; Sms 3,7 = 2; Web 4 = 1.
        Assert.That(k.ByChannel, Is.EquivalentTo(new Dictionary<string, long> { ["Phone"] = 5, ["Sms"] = 2, ["Web"] = 1 }));
        // Complaint 1,7; Consultation 2; HelpRequest 3,10; Report 4; Suggestion 5; Praise 6.
        Assert.That(k.ByCategory, Is.EquivalentTo(new Dictionary<string, long>
            { ["Complaint"] = 2, ["Consultation"] = 1, ["HelpRequest"] = 2, ["Report"] = 1, ["Suggestion"] = 1, ["Praise"] = 1 }));
        // Dept 1: 1,3,10; dept 2: 4,7; none: 2,5,6.
        Assert.That(k.ByDepartment, Is.EquivalentTo(new Dictionary<string, long> { ["1"] = 3, ["2"] = 2, ["none"] = 3 }));
    }

    [Test]
    public async Task Kpi_on_time_sign_for()
    {
        // Dispatched: 1,3,4,7,10 = 5. Signed by the deadline: 1,4,10 = 3 (3 late, 7 never). 3/5.
        Assert.That((await KpisAsync()).OnTimeSignFor, Is.EqualTo(new Ratio(3, 5)));
    }

    [Test]
    public async Task Kpi_on_time_completion()
    {
        // Answered by the deadline: 1, 2 (direct), 5 (direct) = 3; 10 late, 3 reopened, 4/6/7 open. 3/8.
        Assert.That((await KpisAsync()).OnTimeCompletion, Is.EqualTo(new Ratio(3, 8)));
    }

    [Test]
    public async Task Kpi_reply_rate()
    {
        // Answered at all: 1, 2, 5, 10 = 4 (3's answer was undone by the reopen). 4/8 = 50 %.
        var k = await KpisAsync();
        Assert.That((k.ReplyRate, k.ReplyRate.Value), Is.EqualTo((new Ratio(4, 8), (double?)0.5)));
    }

    [Test]
    public async Task Kpi_callback_and_satisfaction_rates()
    {
        var k = await KpisAsync();
        // Answered at least once: 1,2,5,10 + 3 (reopened) = 5. Called back: 1,2,3 = 3. 3/5.
        Assert.That(k.CallbackRate, Is.EqualTo(new Ratio(3, 5)));
        // Of the 3 called back: 1 satisfied, 2 basically satisfied, 3 dissatisfied. 2/3.
        Assert.That(k.SatisfactionRate, Is.EqualTo(new Ratio(2, 3)));
    }

    [Test]
    public async Task Kpi_direct_resolution_share()
    {
        // Answered directly by the agent: 2, 5 = 2 of 8.
        Assert.That((await KpisAsync()).DirectResolution, Is.EqualTo(new Ratio(2, 8)));
    }

    [Test]
    public async Task Kpi_return_rate()
    {
        // Returned at least once: 4 = 1 of the 5 dispatched.
        Assert.That((await KpisAsync()).ReturnRate, Is.EqualTo(new Ratio(1, 5)));
    }

    [Test]
    public async Task Kpi_repeat_caller_rate()
    {
        // Cases with a phone: 1 A, 2 A, 3 B, 4 C, 6 D, 7 B, 10 C = 7 (5 has none; 8 merged, 9 outside).
        // Repeat = the phone opened another unmerged case in the 30 days before:
        //   2 (after 1), 6 (after 9 on 28 Feb: before the range, still within 30 days), 7 (after 3), 10 (after 4) = 4.
        //   1, 3, 4 are first contacts. 4/7.
        Assert.That((await KpisAsync()).RepeatCallerRate, Is.EqualTo(new Ratio(4, 7)));
    }

    [Test]
    public async Task Kpi_call_counts()
    {
        var k = await KpisAsync();
        // Offered c1..c5 = 5 (c6 is February). Answered c1,c2,c5 = 3. Within 15 s of the system's answer
        // (GB/T 33358: the citizen's wait, not the queue's): c5 (15 s) = 1; c1 waited 10 s in the queue but 30 s in all.
        // Abandoned: queued and unanswered = c3 = 1 (c4 never reached the queue), in the queue (no seat rang).
        Assert.That((k.CallsOffered, k.CallsAnswered, k.AnsweredWithin15s, k.CallsAbandoned), Is.EqualTo((5L, 3L, 1L, 1L)));
        Assert.That((k.Calls.AbandonedInQueue, k.Calls.AbandonedWhileRinging, k.Calls.AbandonedInIvr), Is.EqualTo((1L, 0L, 0L)), "c4 finished its IVR");
        Assert.That(k.AnswerRate, Is.EqualTo(new Ratio(3, 5)));
        Assert.That(k.ServiceLevel15s, Is.EqualTo(new Ratio(1, 5)));
        // Asked for an agent (reached the queue): c1, c2, c3 = 3; answered 3 (c5 was answered without queueing).
        Assert.That(k.Calls.ConnectedRate, Is.EqualTo(new Ratio(3, 3)));
    }

    /// <summary>
    /// A scripted day (1 May, no cases) on its own, and the wall's computation
    /// (<see cref="ICallRecordStore.GetCallFiguresAsync"/>) against the report's and the hand's:
    /// <code>
    /// d1 fast:    IVR 5 s, queued +5 s, answered +12 s (queue wait 7 s),  ended +72 s,  wrap-up end +102 s (handle 90 s)
    /// d2 slow:    IVR 12 s, queued +12 s, answered +18 s (queue wait 6 s: within 15 s of the queue, not of the citizen's call),
    ///             ended +78 s, wrap-up end +138 s (handle 120 s), survey 5
    /// d3 abandoned in the queue:   queued +8 s, ended +40 s, no seat rang
    /// d4 abandoned while ringing:  queued +6 s, seat rang +9 s, ended +20 s
    /// d5 abandoned in the IVR:     ended +4 s, IVR never finished
    /// d6 served by the IVR:        IVR ended +30 s, ended +30 s
    /// d7 still live in the queue:  queued +7 s
    /// </code>
    /// </summary>
    [Test]
    public async Task Call_figures_of_a_scripted_day_are_the_reports_and_the_hand_computed_ones()
    {
        var t = new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.FromHours(8));
        CallRecord Call(string id, int minute) => new() { CallId = id, OfferedAt = t.AddMinutes(minute) };
        DateTimeOffset At(int minute, int seconds) => t.AddMinutes(minute).AddSeconds(seconds);
        foreach (var c in new[]
        {
            Call("d1", 0) with { IvrEndedAt = At(0, 5), QueuedAt = At(0, 5), AnsweredAt = At(0, 12), EndedAt = At(0, 72), WrapUpEndedAt = At(0, 102), Outcome = "answered" },
            Call("d2", 1) with { IvrEndedAt = At(1, 12), QueuedAt = At(1, 12), AnsweredAt = At(1, 18), EndedAt = At(1, 78), WrapUpEndedAt = At(1, 138), Outcome = "answered", SurveyScore = 5 },
            Call("d3", 2) with { IvrEndedAt = At(2, 8), QueuedAt = At(2, 8), EndedAt = At(2, 40), Outcome = "abandoned" },
            Call("d4", 3) with { IvrEndedAt = At(3, 6), QueuedAt = At(3, 6), AgentRingingAt = At(3, 9), EndedAt = At(3, 20), Outcome = "abandoned" },
            Call("d5", 4) with { EndedAt = At(4, 4), Outcome = "ivr" },
            Call("d6", 5) with { IvrEndedAt = At(5, 30), EndedAt = At(5, 30), Outcome = "ivr" },
            Call("d7", 6) with { IvrEndedAt = At(6, 7), QueuedAt = At(6, 7), Live = true },
        })
        {
            await Store.SaveCallRecordAsync(c);
        }
        var from = t.Date;
        var to = from.AddDays(1);
        var wall = await Store.GetCallFiguresAsync(new DateTimeOffset(from, t.Offset), new DateTimeOffset(to, t.Offset));
        var report = await H.Service.GetKpisAsync(new DateTimeOffset(from, t.Offset), new DateTimeOffset(to, t.Offset), Harness.Supervisor);

        Assert.That(wall, Is.EqualTo(report.Calls), "the wall and the report are one computation");
        // By hand: offered 7; answered d1, d2 = 2; within 15 s of the system's answer: d1 (12 s) = 1 (d2: 18 s).
        Assert.That((wall.Offered, wall.Answered, wall.AnsweredWithin15s), Is.EqualTo((7L, 2L, 1L)));
        // Abandoned (queued, ended unanswered): d3, d4 = 2 = 1 in the queue + 1 while ringing; in the IVR: d5 (d6 was served).
        Assert.That((wall.Abandoned, wall.AbandonedInQueue, wall.AbandonedWhileRinging, wall.AbandonedInIvr), Is.EqualTo((2L, 1L, 1L, 1L)));
        Assert.That(wall.ServiceLevel15s, Is.EqualTo(new Ratio(1, 7)));
        // Asked for an agent: d1, d2, d3, d4, d7 = 5; connected 2.
        Assert.That(wall.ConnectedRate, Is.EqualTo(new Ratio(2, 5)));
        // ASA = queue waits (7 + 6) / 2 = 6.5 s; AHT with wrap-up = (90 + 120) / 2 = 105 s.
        Assert.That((wall.AverageSpeedOfAnswerSeconds, wall.AverageHandleTimeSeconds), Is.EqualTo(((double?)6.5, (double?)105.0)));
        Assert.That((wall.AverageSurveyScore, wall.CallbacksDue), Is.EqualTo(((double?)5.0, 0L)));
    }

    [Test]
    public async Task Kpi_post_call_survey_satisfaction_by_phone()
    {
        var k = await KpisAsync();
        // Answered c1,c2,c5; scored c1 (5) and c2 (2); c3's score does not count (never answered), c6 is February.
        Assert.That(k.SurveyResponseRate, Is.EqualTo(new Ratio(2, 3)));
        // Satisfied = score >= 4: c1 only. 1/2.
        Assert.That(k.PhoneSatisfaction, Is.EqualTo(new Ratio(1, 2)));
        Assert.That(k.AverageSurveyScore, Is.EqualTo(3.5));
    }

    [Test]
    public async Task Kpi_average_speed_of_answer()
    {
        // (10 + 20 + 15) s / 3 answered = 15 s.
        Assert.That((await KpisAsync()).AverageSpeedOfAnswerSeconds, Is.EqualTo(15.0).Within(1e-9));
    }

    [Test]
    public async Task Kpi_average_handle_time()
    {
        // (360 + 600 + 150) s / 3 = 1110 / 3 = 370 s.
        Assert.That((await KpisAsync()).AverageHandleTimeSeconds, Is.EqualTo(370.0).Within(1e-9));
    }

    [Test]
    public async Task Kpi_talk_hours()
    {
        // (300 + 600 + 120) s = 1020 s = 1020 / 3600 h = 0.28333… h.
        Assert.That((await KpisAsync()).TalkHours, Is.EqualTo(1020.0 / 3600).Within(1e-9));
    }

    [Test]
    public async Task Kpis_of_an_empty_range_have_no_rates()
    {
        var k = await H.Service.GetKpisAsync(March, April, Harness.Supervisor);
        Assert.That((k.Cases, k.ReplyRate.Value, k.AverageSpeedOfAnswerSeconds, k.TalkHours), Is.EqualTo((0L, (double?)null, (double?)null, 0.0)));
        Assert.ThrowsAsync<CaseForbiddenException>(() => H.Service.GetKpisAsync(March, April, Harness.Handler(1)));
        Assert.ThrowsAsync<CaseValidationException>(() => H.Service.GetKpisAsync(April, March, Harness.Supervisor));
    }

    [Test]
    public async Task Scenario_dispatch_return_redispatch_extension_reply_dissatisfied_reopen_completion_archive()
    {
        var housing = Harness.Handler(1);
        var water = Harness.Handler(7);
        var c = await H.Intake("水管爆裂 burst pipe flooding the stairwell", CaseChannel.Phone, CaseCategory.HelpRequest, "13600000000");

        c = await H.Move(c, CaseAction.Dispatch, Harness.Agent, dept: 1, note: "building issue");
        H.Time.Advance(TimeSpan.FromHours(2));
        c = await H.Move(c, CaseAction.SignFor, housing);
        c = await H.Move(c, CaseAction.RequestReturn, housing, note: "water mains belong to the water authority");
        c = await H.Move(c, CaseAction.ApproveReturn, Harness.Supervisor, dept: 7, note: "re-dispatched to water");
        H.Time.Advance(TimeSpan.FromHours(1));
        c = await H.Move(c, CaseAction.SignFor, water);
        c = await H.Move(c, CaseAction.StartWork, water);
        c = await H.Move(c, CaseAction.RequestExtension, water, days: 3, note: "replacement part on order");
        c = await H.Move(c, CaseAction.ApproveExtension, Harness.Supervisor);
        H.Time.Advance(TimeSpan.FromDays(2));
        c = await H.Move(c, CaseAction.Reply, water, reply: "valve replaced");
        H.Time.Advance(TimeSpan.FromHours(3));
        c = await H.Move(c, CaseAction.Callback, Harness.Agent, satisfaction: Satisfaction.Dissatisfied, note: "still leaking");
        Assert.That((c.Status, c.CompletedAt), Is.EqualTo((CaseStatus.Reopened, (DateTimeOffset?)null)));
        c = await H.Move(c, CaseAction.Dispatch, Harness.Agent, dept: 7, note: "reopened");
        H.Time.Advance(TimeSpan.FromHours(1));
        c = await H.Move(c, CaseAction.SignFor, water);
        c = await H.Move(c, CaseAction.Reply, water, reply: "pipe section replaced, leak fixed");
        c = await H.Move(c, CaseAction.Callback, Harness.Agent, satisfaction: Satisfaction.Satisfied);
        c = await H.Move(c, CaseAction.Archive, Harness.Supervisor);
        Assert.That(c.Status, Is.EqualTo(CaseStatus.Archived));
        Assert.ThrowsAsync<IllegalTransitionException>(() => H.Move(c, CaseAction.Escalate, Harness.Supervisor, note: "too late"));

        var audit = await Store.GetAuditAsync(c.Id);
        Assert.That(audit.Select(a => $"{a.Action}:{a.From}>{a.To}:{a.Actor}"), Is.EqualTo(new[]
        {
            "Create:Registered>Registered:agent-7",
            "Dispatch:Registered>Dispatched:agent-7",
            "SignFor:Dispatched>SignedFor:handler-1",
            "RequestReturn:SignedFor>ReturnRequested:handler-1",
            "ApproveReturn:ReturnRequested>Dispatched:sup-1",
            "SignFor:Dispatched>SignedFor:handler-7",
            "StartWork:SignedFor>InProgress:handler-7",
            "RequestExtension:InProgress>InProgress:handler-7",
            "ApproveExtension:InProgress>InProgress:sup-1",
            "Reply:InProgress>Replied:handler-7",
            "Callback:Replied>Reopened:agent-7",
            "Dispatch:Reopened>Dispatched:agent-7",
            "SignFor:Dispatched>SignedFor:handler-7",
            "Reply:SignedFor>Replied:handler-7",
            "Callback:Replied>Closed:agent-7",
            "Archive:Closed>Archived:sup-1",
        }));
        Assert.That(audit[3].Note, Is.EqualTo("water mains belong to the water authority"));
        Assert.That(audit[10].Note, Is.EqualTo("Dissatisfied; still leaking"));
        Assert.That(audit.Select(a => a.At), Is.Ordered);
        Assert.That(c.Version, Is.EqualTo(audit.Count));

        var k = await H.Service.GetKpisAsync(March, April, Harness.Supervisor);
        Assert.Multiple(() =>
        {
            Assert.That(k.Cases, Is.EqualTo(1));
            Assert.That(k.ByDepartment, Is.EquivalentTo(new Dictionary<string, long> { ["7"] = 1 }));
            Assert.That(k.OnTimeSignFor, Is.EqualTo(new Ratio(1, 1)), "signed an hour after the last dispatch");
            Assert.That(k.OnTimeCompletion, Is.EqualTo(new Ratio(1, 1)), "answered within the reopen deadline");
            Assert.That(k.ReplyRate, Is.EqualTo(new Ratio(1, 1)));
            Assert.That(k.CallbackRate, Is.EqualTo(new Ratio(1, 1)));
            Assert.That(k.SatisfactionRate, Is.EqualTo(new Ratio(1, 1)), "the latest verdict counts");
            Assert.That(k.DirectResolution, Is.EqualTo(new Ratio(0, 1)));
            Assert.That(k.ReturnRate, Is.EqualTo(new Ratio(1, 1)));
            Assert.That(k.RepeatCallerRate, Is.EqualTo(new Ratio(0, 1)));
        });
    }

    [Test]
    public async Task Calls_a_queue_turned_away_are_offered_and_not_connected_but_not_abandons()
    {
        var t = Monday9;
        await Store.SaveCallRecordsAsync(
        [
            new CallRecord { CallId = "full", OfferedAt = t, QueuedAt = t.AddSeconds(5), EndedAt = t.AddSeconds(14), Outcome = "queue-full" },
            new CallRecord { CallId = "late", OfferedAt = t, QueuedAt = t.AddSeconds(5), EndedAt = t.AddSeconds(200), Outcome = "queue-timeout" },
            new CallRecord { CallId = "gone", OfferedAt = t, QueuedAt = t.AddSeconds(5), EndedAt = t.AddSeconds(30), Outcome = "abandoned" },
        ]);
        var k = await H.Service.GetKpisAsync(March, April, Harness.Supervisor);
        Assert.That((k.CallsOffered, k.CallsAnswered, k.CallsAbandoned, k.CallsTurnedAway), Is.EqualTo((3L, 0L, 1L, 2L)));
    }
}
