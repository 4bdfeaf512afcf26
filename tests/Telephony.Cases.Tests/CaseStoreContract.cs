namespace Telephony.Cases.Tests;

/// <summary>The contract every case store meets; run once per implementation (see the two subclasses at the end).</summary>
[CancelAfter(60_000)]
public abstract partial class CaseStoreContract
{
    /// <summary>Monday 2026-03-02 09:00 in the hotline's time zone (UTC+8).</summary>
    protected static readonly DateTimeOffset Monday9 = new(2026, 3, 2, 9, 0, 0, TimeSpan.FromHours(8));

    private TestDatabase _db = null!;
    protected Harness H { get; private set; } = null!;
    protected SqlCaseStore Store => H.Store;

    protected abstract string Provider { get; }

    [SetUp]
    public async Task CreateDatabase()
    {
        _db = TestDatabase.Create(Provider);
        var store = _db.CreateStore();
        await store.MigrateAsync();
        H = new Harness(store, Monday9);
    }

    [TearDown]
    public async Task DropDatabase() => await _db.DisposeAsync();

    [Test]
    public async Task Migrations_are_applied_once_and_in_order()
    {
        Assert.That(await Store.MigrateAsync(), Is.Empty, "a second start applies nothing");
        await using var connection = _db.Dialect.CreateConnection(_db.ConnectionString);
        await connection.OpenAsync();
        Assert.That(await Migrator.AppliedVersionsAsync(connection), Is.EqualTo(Migrations.All.Select(m => m.Version).Order()));
    }

    [Test]
    public async Task Directory_is_seeded_and_editable()
    {
        var hotlines = await Store.ListPartnerHotlinesAsync();
        Assert.That(hotlines.Select(h => h.Number), Is.SupersetOf(new[] { "12348", "12355", "12309", "12333", "12349", "110" }));
        var departments = await Store.ListDepartmentsAsync();
        Assert.That(departments, Has.Count.GreaterThanOrEqualTo(10));
        Assert.That(await Store.ListDistrictsAsync(), Is.Not.Empty);

        var added = await Store.SaveDepartmentAsync(new Department(0, "grid", "Grid office", true));
        Assert.That(added.Id, Is.GreaterThan(0));
        await Store.SaveDepartmentAsync(added with { Name = "Grid management office", Active = false });
        Assert.That(await Store.GetDepartmentAsync(added.Id), Is.EqualTo(added with { Name = "Grid management office", Active = false }));
        var hotline = await Store.SavePartnerHotlineAsync(new PartnerHotline(0, "12366", "Tax", null));
        Assert.That((await Store.ListPartnerHotlinesAsync()).Single(h => h.Id == hotline.Id).Name, Is.EqualTo("Tax"));
        Assert.ThrowsAsync<KeyNotFoundException>(() => Store.SaveDepartmentAsync(new Department(99999, "x", "y", true)));
    }

    [Test]
    public async Task Case_round_trips_every_field()
    {
        var district = (await Store.ListDistrictsAsync())[0];
        await Store.SaveCallRecordAsync(new CallRecord { CallId = "call-1@host", OfferedAt = Monday9, RecordingPath = "/rec/call-1.wav" });
        var c = await H.Service.CreateAsync(new CaseIntake
        {
            Channel = CaseChannel.Phone, Category = CaseCategory.Complaint, Description = "噪音扰民 noise at night, 50% louder",
            CitizenName = "张三", CitizenPhone = "13900000000", Location = "1 Elm Road", DistrictId = district.Id,
            Confidential = true, CallId = "call-1@host", RecordingPath = "/rec/call-1.wav",
        }, Harness.Agent);
        var loaded = await H.Service.GetAsync(c.Id, Harness.Agent);
        Assert.That(loaded, Is.EqualTo(c));
        Assert.Multiple(() =>
        {
            Assert.That(loaded.Number, Is.EqualTo($"20260302-{c.Id:D6}"));
            Assert.That(loaded.Version, Is.EqualTo(1));
            Assert.That(loaded.Status, Is.EqualTo(CaseStatus.Registered));
            // Intake Monday 09:00 + 5 working days = end of Monday 9 March (local).
            Assert.That(loaded.DueAt, Is.EqualTo(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.FromHours(8))));
        });
        var audit = await Store.GetAuditAsync(c.Id);
        Assert.That(audit.Single().Action, Is.EqualTo("Create"));
    }

    [Test]
    public async Task Phone_intake_links_the_call_record_and_its_recording()
    {
        await Store.SaveCallRecordAsync(new CallRecord { CallId = "abc@pbx", OfferedAt = Monday9, RecordingPath = "/rec/abc.wav" });
        var c = await H.Service.CreateAsync(new CaseIntake
        {
            Channel = CaseChannel.Phone, Category = CaseCategory.Consultation, Description = "bus route question", CallId = "abc@pbx",
        }, Harness.Agent);
        Assert.That((await Store.GetAsync(c.Id))!.RecordingPath, Is.EqualTo("/rec/abc.wav"));
    }

    [Test]
    public async Task A_stale_update_is_refused_not_lost()
    {
        var c = await H.Intake();
        var first = await H.Move(c, CaseAction.Dispatch, Harness.Agent, dept: 1);
        // A second agent still holds version 1 and tries to answer directly.
        Assert.ThrowsAsync<ConcurrencyConflictException>(() => H.Move(c, CaseAction.AnswerDirectly, Harness.Agent));
        // Even if the version check in the service is bypassed, the store refuses the write.
        var stale = new CaseChange(c with { Status = CaseStatus.AwaitingCallback, Version = 2 }, ExpectedVersion: 1,
            new AuditEntry(c.Id, H.Time.GetUtcNow(), "x", "AnswerDirectly", CaseStatus.Registered, CaseStatus.AwaitingCallback, null));
        Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.UpdateAsync([stale]));
        var now = await Store.GetAsync(c.Id);
        Assert.That(now, Is.EqualTo(first));
        Assert.That((await Store.GetAuditAsync(c.Id)).Select(a => a.Action), Is.EqualTo(new[] { "Create", "Dispatch" }));
    }

    [Test]
    public async Task Of_two_racing_edits_of_one_version_exactly_one_wins()
    {
        for (var round = 0; round < 5; round++)
        {
            var c = await H.Intake($"race {round}");
            var results = await Task.WhenAll(
                Task.Run(() => Try(() => H.Move(c, CaseAction.Escalate, Harness.Agent, note: "first"))),
                Task.Run(() => Try(() => H.Move(c, CaseAction.Dispatch, Harness.Agent, dept: 2))));
            Assert.That(results.Count(ok => ok), Is.EqualTo(1), $"round {round}");
            Assert.That((await Store.GetAsync(c.Id))!.Version, Is.EqualTo(2));
            Assert.That(await Store.GetAuditAsync(c.Id), Has.Count.EqualTo(2));
        }

        static async Task<bool> Try(Func<Task> move)
        {
            try { await move(); return true; }
            catch (ConcurrencyConflictException) { return false; }
        }
    }

    [Test]
    public async Task A_failed_multi_row_write_leaves_nothing_behind()
    {
        var a = await H.Intake("a");
        var b = await H.Intake("b");
        var now = H.Time.GetUtcNow();
        var good = new CaseChange(a with { Escalated = true, Version = 2 }, 1, new AuditEntry(a.Id, now, "x", "Escalate", a.Status, a.Status, "n"));
        var stale = new CaseChange(b with { Escalated = true, Version = 6 }, 5, new AuditEntry(b.Id, now, "x", "Escalate", b.Status, b.Status, "n"));
        Assert.ThrowsAsync<ConcurrencyConflictException>(() => Store.UpdateAsync([good, stale]));
        Assert.That(await Store.GetAsync(a.Id), Is.EqualTo(a), "the first row was rolled back");
        Assert.That(await Store.GetAuditAsync(a.Id), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Illegal_transitions_are_refused_and_write_nothing()
    {
        var c = await H.Intake();
        Assert.ThrowsAsync<CaseNotFoundException>(() => H.Move(c, CaseAction.SignFor, Harness.Handler(1)), "a handler cannot even see an undispatched case");
        Assert.ThrowsAsync<IllegalTransitionException>(() => H.Move(c, CaseAction.SignFor, Harness.Admin), "nothing to sign for yet");
        Assert.ThrowsAsync<IllegalTransitionException>(() => H.Move(c, CaseAction.Archive, Harness.Agent));
        Assert.ThrowsAsync<IllegalTransitionException>(() => H.Move(c, CaseAction.Callback, Harness.Agent, satisfaction: Satisfaction.Satisfied));
        Assert.ThrowsAsync<CaseValidationException>(() => H.Move(c, CaseAction.Dispatch, Harness.Agent), "dispatch needs a department");
        Assert.ThrowsAsync<CaseValidationException>(() => H.Move(c, CaseAction.Dispatch, Harness.Agent, dept: 424242), "unknown department");
        Assert.ThrowsAsync<CaseForbiddenException>(() => H.Move(c, CaseAction.Supervise, Harness.Agent, note: "hurry"));
        Assert.That(await Store.GetAsync(c.Id), Is.EqualTo(c));
        Assert.That(await Store.GetAuditAsync(c.Id), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Department_handler_sees_only_its_own_department()
    {
        var mine = await H.Move(await H.Intake("pothole"), CaseAction.Dispatch, Harness.Agent, dept: 1);
        var theirs = await H.Move(await H.Intake("noise"), CaseAction.Dispatch, Harness.Agent, dept: 2);
        await H.Intake("not dispatched");
        var handler = Harness.Handler(1);

        Assert.That((await H.Service.GetAsync(mine.Id, handler)).Id, Is.EqualTo(mine.Id));
        Assert.ThrowsAsync<CaseNotFoundException>(() => H.Service.GetAsync(theirs.Id, handler));
        Assert.ThrowsAsync<CaseNotFoundException>(() => H.Service.GetAuditAsync(theirs.Id, handler));
        Assert.ThrowsAsync<CaseNotFoundException>(() => H.Move(theirs, CaseAction.SignFor, handler));
        var page = await H.Service.SearchAsync(new CaseQuery(), handler);
        Assert.That(page.Items.Select(c => c.Id), Is.EqualTo(new[] { mine.Id }));
        Assert.That(page.Total, Is.EqualTo(1));
        Assert.That((await H.Service.SearchAsync(new CaseQuery { DepartmentId = 2 }, handler)).Total, Is.Zero);
        var exported = new List<Case>();
        await foreach (var c in H.Service.ExportAsync(new CaseQuery(), handler)) { exported.Add(c); }
        Assert.That(exported.Select(c => c.Id), Is.EqualTo(new[] { mine.Id }));
        Assert.That((await H.Service.SearchAsync(new CaseQuery(), Harness.Supervisor)).Total, Is.EqualTo(3));
    }

    [Test]
    public async Task Confidential_citizens_are_hidden_from_departments()
    {
        var c = await H.Service.CreateAsync(new CaseIntake
        {
            Channel = CaseChannel.Phone, Category = CaseCategory.Report, Description = "illegal dumping", CitizenName = "李四",
            CitizenPhone = "13700000000", Confidential = true,
        }, Harness.Agent);
        await H.Move(c, CaseAction.Dispatch, Harness.Agent, dept: 3);
        var seen = await H.Service.GetAsync(c.Id, Harness.Handler(3));
        Assert.That((seen.CitizenName, seen.CitizenPhone), Is.EqualTo(((string?)null, (string?)null)));
        Assert.That((await H.Service.GetAsync(c.Id, Harness.Agent)).CitizenPhone, Is.EqualTo("13700000000"));
    }

    [Test]
    public async Task Search_filters_and_pages()
    {
        var a = await H.Intake("broken 50%_discount sign", CaseChannel.Phone, CaseCategory.Complaint, "13800000001");
        H.Time.Advance(TimeSpan.FromHours(1));
        var b = await H.Intake("bus stop moved", CaseChannel.Web, CaseCategory.Consultation, "13800000002");
        H.Time.Advance(TimeSpan.FromHours(1));
        var c = await H.Intake("praise for the water office", CaseChannel.Sms, CaseCategory.Praise, "13800000003");
        b = await H.Move(b, CaseAction.Dispatch, Harness.Agent, dept: 4);

        async Task<long[]> Ids(CaseQuery q) => (await H.Service.SearchAsync(q, Harness.Supervisor)).Items.Select(x => x.Id).ToArray();
        Assert.Multiple(async () =>
        {
            Assert.That(await Ids(new CaseQuery()), Is.EqualTo(new[] { c.Id, b.Id, a.Id }), "newest first");
            Assert.That(await Ids(new CaseQuery { Status = CaseStatus.Dispatched }), Is.EqualTo(new[] { b.Id }));
            Assert.That(await Ids(new CaseQuery { Channel = CaseChannel.Sms }), Is.EqualTo(new[] { c.Id }));
            Assert.That(await Ids(new CaseQuery { Category = CaseCategory.Complaint }), Is.EqualTo(new[] { a.Id }));
            Assert.That(await Ids(new CaseQuery { DepartmentId = 4 }), Is.EqualTo(new[] { b.Id }));
            Assert.That(await Ids(new CaseQuery { CreatedFrom = Monday9.AddMinutes(30), CreatedTo = Monday9.AddMinutes(90) }), Is.EqualTo(new[] { b.Id }));
            Assert.That(await Ids(new CaseQuery { Text = "WATER" }), Is.EqualTo(new[] { c.Id }), "case-insensitive substring");
            Assert.That(await Ids(new CaseQuery { Text = "50%_" }), Is.EqualTo(new[] { a.Id }), "wildcards are literal");
            Assert.That(await Ids(new CaseQuery { Text = "%" }), Is.EqualTo(new[] { a.Id }));
            Assert.That(await Ids(new CaseQuery { Text = b.Number }), Is.EqualTo(new[] { b.Id }));
            Assert.That(await Ids(new CaseQuery { Text = "13800000003" }), Is.EqualTo(new[] { c.Id }));
            Assert.That(await Ids(new CaseQuery { Overdue = true }), Is.Empty);
        });
        var page2 = await H.Service.SearchAsync(new CaseQuery { Page = 2, PageSize = 2 }, Harness.Supervisor);
        Assert.That((page2.Total, page2.Items.Single().Id), Is.EqualTo((3L, a.Id)));

        // Ten days later everything still open is overdue.
        H.Time.Advance(TimeSpan.FromDays(10));
        Assert.That(await Ids(new CaseQuery { Overdue = true }), Is.EqualTo(new[] { c.Id, b.Id, a.Id }));
        Assert.That(await Ids(new CaseQuery { Overdue = false }), Is.Empty);
    }

    [Test]
    public async Task Search_totals_beyond_the_counting_cap_are_marked_as_lower_bounds()
    {
        for (var i = 0; i < 4; i++) { await H.Intake($"case {i}"); }
        var capped = new SqlCaseStore(_db.Dialect, _db.ConnectionString, Microsoft.Extensions.Logging.Abstractions.NullLogger<SqlCaseStore>.Instance, maxCountedTotal: 3);
        var page = await capped.SearchAsync(new CaseQuery { PageSize = 2 }, H.Time.GetUtcNow());
        Assert.That((page.Total, page.TotalIsLowerBound, page.Items.Count), Is.EqualTo((3L, true, 2)));
        var exact = await capped.SearchAsync(new CaseQuery { Text = "case 1" }, H.Time.GetUtcNow());
        Assert.That((exact.Total, exact.TotalIsLowerBound), Is.EqualTo((1L, false)));
    }

    [Test]
    public async Task Sms_intake_is_acknowledged_with_the_case_number_within_three_minutes()
    {
        var c = await H.Service.ReceiveSmsAsync("13912345678", "路灯坏了 the street light is out");
        var sent = H.Sms.Sent.Single();
        Assert.Multiple(async () =>
        {
            Assert.That(sent.To, Is.EqualTo("13912345678"));
            Assert.That(sent.Body, Does.Contain(c.Number));
            Assert.That(c.AckSentAt, Is.Not.Null);
            Assert.That(c.AckSentAt!.Value - c.CreatedAt, Is.LessThanOrEqualTo(TimeSpan.FromMinutes(3)));
            var stored = (await Store.GetAsync(c.Id))!;
            Assert.That(stored.AckSentAt, Is.EqualTo(c.AckSentAt));
            var outbound = await Store.GetOutboundAsync(c.Id);
            Assert.That(outbound.Single().Kind, Is.EqualTo(OutboundKinds.Acknowledgement));
        });
    }

    [Test]
    public async Task A_gateway_failure_keeps_the_case_and_leaves_no_ack_time()
    {
        H.Sms.Fail = true;
        var c = await H.Intake("web form", CaseChannel.Web, CaseCategory.Suggestion, "13911111111");
        var stored = (await Store.GetAsync(c.Id))!;
        Assert.That((stored.Status, stored.AckSentAt), Is.EqualTo((CaseStatus.Registered, (DateTimeOffset?)null)));
    }

    [Test]
    public async Task Intake_validation_names_the_field_and_writes_nothing()
    {
        CaseIntake Good() => new() { Channel = CaseChannel.Web, Category = CaseCategory.Complaint, Description = "x", CitizenPhone = "13800000000" };
        var bad = new (CaseIntake Intake, string Field)[]
        {
            (Good() with { Description = " " }, "description"),
            (Good() with { Description = new string('x', 4001) }, "description"),
            (Good() with { Location = new string('x', 201) }, "location"),
            (Good() with { CitizenPhone = "call me maybe" }, "citizenPhone"),
            (Good() with { Category = (CaseCategory)42 }, "category"),
            (Good() with { DistrictId = 987654 }, "districtId"),
            (Good() with { Channel = CaseChannel.Sms, CitizenPhone = null }, "citizenPhone"),
        };
        foreach (var (intake, field) in bad)
        {
            var ex = Assert.ThrowsAsync<CaseValidationException>(() => H.Service.CreateAsync(intake, Harness.Agent));
            Assert.That(ex!.Field, Is.EqualTo(field));
        }
        Assert.ThrowsAsync<CaseForbiddenException>(() => H.Service.CreateAsync(Good(), Harness.Handler(1)));
        Assert.That((await H.Service.SearchAsync(new CaseQuery(), Harness.Admin)).Total, Is.Zero);
        Assert.That(H.Sms.Sent, Is.Empty);
    }

    [Test]
    public async Task Return_is_allowed_only_within_two_working_days_of_dispatch()
    {
        // Dispatched Friday 6 March; the window runs to the end of Tuesday 10 March.
        H.Time.Advance(TimeSpan.FromDays(4));
        var handler = Harness.Handler(1);
        var c = await H.Move(await H.Move(await H.Intake(), CaseAction.Dispatch, Harness.Agent, dept: 1), CaseAction.SignFor, handler);
        var late = await H.Move(await H.Move(await H.Intake(), CaseAction.Dispatch, Harness.Agent, dept: 1), CaseAction.SignFor, handler);
        H.Time.Advance(TimeSpan.FromDays(4)); // Tuesday 10 March 09:00: still in time
        var returned = await H.Move(c, CaseAction.RequestReturn, handler, note: "not ours");
        Assert.That((returned.Status, returned.ReturnCount, returned.LastReturnReason), Is.EqualTo((CaseStatus.ReturnRequested, 1, "not ours")));
        H.Time.Advance(TimeSpan.FromDays(1)); // Wednesday 11 March: too late
        var ex = Assert.ThrowsAsync<IllegalTransitionException>(() => H.Move(late, CaseAction.RequestReturn, handler, note: "not ours"));
        Assert.That(ex!.Message, Does.Contain("return window"));
        Assert.ThrowsAsync<CaseValidationException>(() => H.Move(returned, CaseAction.ApproveReturn, Harness.Supervisor), "re-dispatch needs a department");
        var rejected = await H.Move(returned, CaseAction.RejectReturn, Harness.Supervisor, note: "it is yours");
        Assert.That(rejected.Status, Is.EqualTo(CaseStatus.SignedFor));
    }

    [Test]
    public async Task Working_day_deadlines_follow_the_editable_calendar()
    {
        // Tuesday 3 March is declared a holiday, Saturday 7 March a make-up working day.
        await Store.SetCalendarDayAsync(new CalendarDay(new DateOnly(2026, 3, 3), false, "holiday"));
        await Store.SetCalendarDayAsync(new CalendarDay(new DateOnly(2026, 3, 7), true, "make-up day"));
        await Store.SetCalendarDayAsync(new CalendarDay(new DateOnly(2026, 3, 8), false, "scratch"));
        Assert.That(await Store.DeleteCalendarDayAsync(new DateOnly(2026, 3, 8)), Is.True);
        Assert.That(await Store.DeleteCalendarDayAsync(new DateOnly(2026, 3, 8)), Is.False);
        Assert.That(await Store.ListCalendarAsync(), Has.Count.EqualTo(2));
        var c = await H.Intake();
        // Working days after Mon 2 Mar: Wed 4, Thu 5, Fri 6, Sat 7 (make-up), Mon 9 → due end of Monday 9.
        Assert.That(c.DueAt, Is.EqualTo(new DateTimeOffset(2026, 3, 10, 0, 0, 0, TimeSpan.FromHours(8))));
        await Store.SetCalendarDayAsync(new CalendarDay(new DateOnly(2026, 3, 7), false, "changed"));
        var d = await H.Intake();
        // Wed 4, Thu 5, Fri 6, Mon 9, Tue 10 → due end of Tuesday 10.
        Assert.That(d.DueAt, Is.EqualTo(new DateTimeOffset(2026, 3, 11, 0, 0, 0, TimeSpan.FromHours(8))));
    }

    [Test]
    public async Task Extension_moves_the_deadline_only_when_approved()
    {
        var handler = Harness.Handler(5);
        var c = await H.Move(await H.Move(await H.Move(await H.Intake(), CaseAction.Dispatch, Harness.Agent, dept: 5),
            CaseAction.SignFor, handler), CaseAction.StartWork, handler);
        Assert.ThrowsAsync<CaseValidationException>(() => H.Move(c, CaseAction.RequestExtension, handler, note: "site survey", days: 11));
        Assert.ThrowsAsync<CaseValidationException>(() => H.Move(c, CaseAction.RequestExtension, handler, days: 3));
        var asked = await H.Move(c, CaseAction.RequestExtension, handler, note: "site survey", days: 3);
        Assert.That((asked.PendingExtensionDays, asked.DueAt), Is.EqualTo(((int?)3, c.DueAt)));
        Assert.ThrowsAsync<CaseForbiddenException>(() => H.Move(asked, CaseAction.ApproveExtension, handler));
        var denied = await H.Move(asked, CaseAction.DenyExtension, Harness.Supervisor);
        Assert.That((denied.PendingExtensionDays, denied.DueAt), Is.EqualTo(((int?)null, c.DueAt)));
        var again = await H.Move(denied, CaseAction.RequestExtension, handler, note: "still surveying", days: 3);
        var approved = await H.Move(again, CaseAction.ApproveExtension, Harness.Supervisor);
        // Due end of Mon 9 March + 3 working days = end of Thursday 12 March.
        Assert.That(approved.DueAt, Is.EqualTo(new DateTimeOffset(2026, 3, 13, 0, 0, 0, TimeSpan.FromHours(8))));
        Assert.That(approved.ExtensionCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Supervision_orders_only_for_overdue_cases()
    {
        var c = await H.Move(await H.Intake(), CaseAction.Dispatch, Harness.Agent, dept: 6);
        Assert.ThrowsAsync<IllegalTransitionException>(() => H.Move(c, CaseAction.Supervise, Harness.Supervisor, note: "hurry"));
        H.Time.Advance(TimeSpan.FromDays(8)); // Tuesday 10 March, past the end of Monday 9
        var supervised = await H.Move(c, CaseAction.Supervise, Harness.Supervisor, note: "overdue: answer by Friday");
        var order = (await Store.GetSupervisionOrdersAsync(c.Id)).Single();
        Assert.That((order.DepartmentId, order.IssuedBy, order.Note, supervised.SupervisionCount), Is.EqualTo(((long?)6, "sup-1", "overdue: answer by Friday", 1)));
        var escalated = await H.Move(supervised, CaseAction.Escalate, Harness.Supervisor, note: "to the deputy mayor's office");
        Assert.That(escalated.Escalated, Is.True);
    }

    [Test]
    public async Task Duplicates_merge_into_one_case()
    {
        var original = await H.Intake("water main burst on Oak Street");
        var duplicate = await H.Intake("water everywhere on Oak Street");
        var merged = await H.Move(duplicate, CaseAction.Merge, Harness.Agent, note: "same burst", into: original.Id);
        Assert.That((merged.Status, merged.MergedInto), Is.EqualTo((CaseStatus.Merged, (long?)original.Id)));
        Assert.That((await Store.GetAuditAsync(original.Id)).Last().Action, Is.EqualTo("AbsorbDuplicate"));
        Assert.That((await Store.GetAsync(original.Id))!.Version, Is.EqualTo(2));
        Assert.ThrowsAsync<IllegalTransitionException>(() => H.Move(merged, CaseAction.Dispatch, Harness.Agent, dept: 1));
        var reloaded = (await Store.GetAsync(original.Id))!;
        Assert.ThrowsAsync<CaseValidationException>(() => H.Move(reloaded, CaseAction.Merge, Harness.Agent, into: original.Id));
        Assert.ThrowsAsync<ConcurrencyConflictException>(() => H.Move(original, CaseAction.Escalate, Harness.Agent, note: "stale copy"));
    }

    [Test]
    public async Task Call_records_are_upserted_and_listed()
    {
        var r = new CallRecord
        {
            CallId = "c1@host", Caller = "13800000000", Called = "12345", OfferedAt = Monday9, IvrEndedAt = Monday9.AddSeconds(20),
            QueuedAt = Monday9.AddSeconds(20), AgentRingingAt = Monday9.AddSeconds(25), IvrPath = "main>1", Queue = "general", Outcome = "ringing",
        };
        await Store.SaveCallRecordAsync(r);
        var done = r with { AnsweredAt = Monday9.AddSeconds(28), EndedAt = Monday9.AddMinutes(5), AgentId = "1001", Outcome = "answered", RecordingPath = "/rec/c1.wav", SurveyScore = 4,
            CallerMedia = new MediaLegQuality { PacketsReceived = 14_990, PacketsLost = 10, JitterMilliseconds = 1.375 },
            AgentMedia = new MediaLegQuality { PacketsReceived = 13_500, PacketsLost = 0, JitterMilliseconds = 0.25 } };
        await Store.SaveCallRecordAsync(done);
        Assert.That(await Store.GetCallRecordAsync("c1@host"), Is.EqualTo(done));
        await Store.SaveCallRecordAsync(new CallRecord { CallId = "c2@host", OfferedAt = Monday9.AddMinutes(1) });
        var list = await Store.ListCallRecordsAsync(Monday9, Monday9.AddHours(1), 1, 10);
        Assert.That(list.Select(x => x.CallId), Is.EqualTo(new[] { "c2@host", "c1@host" }));
        Assert.That(list.Select(x => x.SurveyScore), Is.EqualTo(new int?[] { null, 4 }), "no survey is null, not 0");
        Assert.That(list[0].CallerMedia, Is.Null, "no media figures are null, not zeros");
        Assert.That(list[1].CallerMedia!.LossPercent, Is.EqualTo(10 * 100.0 / 15_000).Within(1e-9));
        Assert.That(await Store.GetCallRecordAsync("nope"), Is.Null);
    }

    [Test]
    public async Task A_batch_of_call_records_keeps_every_field_as_a_single_save_does()
    {
        // The batch save binds its parameters itself (RowBatchCommand), the single save through Dapper: same columns.
        var full = new CallRecord
        {
            CallId = "b1@host", Caller = "13800000001", Called = "12345", OfferedAt = Monday9, IvrEndedAt = Monday9.AddSeconds(20),
            QueuedAt = Monday9.AddSeconds(20), AgentRingingAt = Monday9.AddSeconds(25), AnsweredAt = Monday9.AddSeconds(28), EndedAt = Monday9.AddMinutes(5),
            IvrPath = "main>1", Queue = "general", AgentId = "1001", Outcome = "answered", RecordingPath = "/rec/b1.wav", SurveyScore = 5,
            CallerMedia = new MediaLegQuality { PacketsReceived = 14_990, PacketsLost = 10, JitterMilliseconds = 1.375 },
            AgentMedia = new MediaLegQuality { PacketsReceived = 13_500, PacketsLost = 0, JitterMilliseconds = 0.25 },
            NodeId = "n1", Parties = "110",
        };
        var bare = new CallRecord { CallId = "b2@host", OfferedAt = Monday9.AddSeconds(1), Live = true, NodeId = "n1" };
        await Store.SaveCallRecordsAsync([full, bare]);
        await Store.SaveCallRecordAsync(full with { CallId = "s1@host" });
        Assert.That(await Store.GetCallRecordAsync("b1@host"), Is.EqualTo(full));
        Assert.That(await Store.GetCallRecordAsync("b1@host"), Is.EqualTo((await Store.GetCallRecordAsync("s1@host"))! with { CallId = "b1@host" }));
        Assert.That(await Store.GetCallRecordAsync("b2@host"), Is.EqualTo(bare), "nulls stay null");
    }

    [Test]
    public async Task A_wrap_up_end_reported_after_the_save_is_stamped_once_and_kept_by_later_saves()
    {
        var record = new CallRecord { CallId = "w1@host", OfferedAt = Monday9, AnsweredAt = Monday9.AddSeconds(10), EndedAt = Monday9.AddMinutes(3), Outcome = "answered" };
        await Store.SaveCallRecordAsync(record);
        await Store.SetWrapUpEndedAsync("w1@host", Monday9.AddMinutes(4));
        await Store.SetWrapUpEndedAsync("w1@host", Monday9.AddMinutes(9));
        Assert.That((await Store.GetCallRecordAsync("w1@host"))!.WrapUpEndedAt, Is.EqualTo(Monday9.AddMinutes(4)), "the first end wins; a repeat changes nothing");
        await Store.SaveCallRecordAsync(record with { Outcome = "answered", SurveyScore = 5 });
        var saved = await Store.GetCallRecordAsync("w1@host");
        Assert.That((saved!.WrapUpEndedAt, saved.SurveyScore), Is.EqualTo((Monday9.AddMinutes(4), (int?)5)), "a save without an end keeps the stored one");
        await Store.SaveCallRecordAsync(record with { WrapUpEndedAt = Monday9.AddMinutes(5) });
        Assert.That((await Store.GetCallRecordAsync("w1@host"))!.WrapUpEndedAt, Is.EqualTo(Monday9.AddMinutes(5)), "a save that carries an end replaces it");
    }

    [Test]
    public async Task A_wrap_up_end_reported_before_the_save_waits_for_the_record()
    {
        await Store.SetWrapUpEndedAsync("w2@host", Monday9.AddMinutes(4));
        await Store.SetWrapUpEndedAsync("w2@host", Monday9.AddMinutes(6));
        Assert.That(await Store.GetCallRecordAsync("w2@host"), Is.Null, "no record is made up");
        Assert.That(await Store.ListCallRecordsAsync(Monday9.AddHours(-1), Monday9.AddHours(1), 1, 10), Is.Empty);
        var record = new CallRecord { CallId = "w2@host", OfferedAt = Monday9, AnsweredAt = Monday9.AddSeconds(10), EndedAt = Monday9.AddMinutes(3) };
        await Store.SaveCallRecordAsync(record);
        Assert.That((await Store.GetCallRecordAsync("w2@host"))!.WrapUpEndedAt, Is.EqualTo(Monday9.AddMinutes(4)));
        await Store.SaveCallRecordAsync(record with { Outcome = "answered" });
        Assert.That((await Store.GetCallRecordAsync("w2@host"))!.WrapUpEndedAt, Is.EqualTo(Monday9.AddMinutes(4)), "the pending end was moved, not lost, by the first save");
        var kpis = await Store.GetKpisAsync(Monday9, Monday9.AddHours(1));
        Assert.That(kpis.AverageHandleTimeSeconds, Is.EqualTo(230).Within(1e-9), "handle time = talk 170 s + wrap-up 60 s");
    }

    [Test]
    public async Task The_directory_has_the_emergency_numbers_and_the_departments_duty_lines()
    {
        var hotlines = await Store.ListPartnerHotlinesAsync();
        var emergency = hotlines.Where(h => h.Kind == "emergency").Select(h => (h.Number, h.Hours)).OrderBy(h => h.Number, StringComparer.Ordinal).ToList();
        Assert.That(emergency, Is.EqualTo(new[] { ("110", (string?)"24 h"), ("119", "24 h"), ("120", "24 h"), ("122", "24 h") }));
        Assert.That(hotlines.Count(h => h.Number == "110"), Is.EqualTo(1), "110 was in the directory already: not seeded twice");
        Assert.That(hotlines.Single(h => h.Number == "12348").Kind, Is.EqualTo("hotline"));
        var departments = await Store.ListDepartmentsAsync();
        Assert.That(departments.All(d => d.Phone is { Length: > 0 } && d.Hours is { Length: > 0 }), Is.True, "every seeded department has a duty line and hours");
        var saved = await Store.SaveDepartmentAsync(departments[0] with { Phone = "66129999", Hours = "24 h" });
        Assert.That((await Store.GetDepartmentAsync(saved.Id))!.Phone, Is.EqualTo("66129999"));
        var tax = await Store.SavePartnerHotlineAsync(new PartnerHotline(0, "12366", "Tax", null, "24 h", "emergency"));
        Assert.That((await Store.ListPartnerHotlinesAsync()).Single(h => h.Id == tax.Id).Kind, Is.EqualTo("emergency"));
    }

    [Test]
    public async Task Nodes_starting_at_once_on_a_fresh_database_apply_each_migration_once()
    {
        // Two nodes started together on a new PostgreSQL database raced on CREATE TABLE IF NOT EXISTS schema_migrations
        // (outside the migration lock) and one died on pg_type's unique index (CI, the Kamailio two-node test).
        for (int round = 0; round < 3; round++)
        {
            await using var db = TestDatabase.Create(Provider);
            var starts = Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
                Migrator.MigrateAsync(db.Dialect, db.ConnectionString, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance))).ToArray();
            var applied = await Task.WhenAll(starts);
            Assert.That(applied.SelectMany(a => a).Order(), Is.EqualTo(Migrations.All.Select(m => m.Version).Order()), "each migration applied by exactly one node");
        }
    }

    [Test]
    public async Task A_database_at_schema_3_gains_the_survey_score_and_keeps_its_call_records()
    {
        await using var db = TestDatabase.Create(Provider);
        var applied = await Migrator.MigrateAsync(db.Dialect, db.ConnectionString, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, upToVersion: 3);
        Assert.That(applied, Is.EqualTo(new[] { 1, 2, 3 }));
        await using (var connection = db.Dialect.CreateConnection(db.ConnectionString))
        {
            await connection.OpenAsync();
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO call_records (call_id, offered_at, outcome) VALUES ('old@host', 1772413200000, 'answered')";
            Assert.That(await insert.ExecuteNonQueryAsync(), Is.EqualTo(1));
        }

        var store = db.CreateStore();
        Assert.That(await store.MigrateAsync(), Is.EqualTo(new[] { 4, 5, 6, 7, 8, 9, 10, 11, 12, 14, 15, 16 }));
        var old = await store.GetCallRecordAsync("old@host");
        Assert.That((old!.Outcome, old.SurveyScore), Is.EqualTo(("answered", (int?)null)));
        Assert.That((old.Live, old.NodeId), Is.EqualTo((false, (string?)null)), "a record from before live records is an ended one");
        await store.SaveCallRecordAsync(old with { SurveyScore = 2 });
        Assert.That((await store.GetCallRecordAsync("old@host"))!.SurveyScore, Is.EqualTo(2));
    }
}

[TestFixture]
public sealed class SqliteCaseStoreContract : CaseStoreContract
{
    protected override string Provider => "sqlite";
}

[TestFixture]
public sealed class PostgresCaseStoreContract : CaseStoreContract
{
    protected override string Provider => "postgres";
}
