using Telephony.Cases;

namespace Telephony.Server.Tests.Cases;

/// <summary>The case REST API over a real SQLite file, with real bearer tokens from the demo users file.</summary>
[CancelAfter(60_000)]
public sealed class CaseApiTests
{
    private const long Housing = 1;
    private const long Water = 7;
    private TelephonyTestServer _server = null!;
    private WebApplicationFactory<Program> _factory = null!;
    private readonly Dictionary<string, string> _tokens = [];

    [SetUp]
    public void Start()
    {
        _server = new TelephonyTestServer(new TelephonyTestServerOptions
        {
            Settings = new Dictionary<string, string>
            {
                ["Cases:Provider"] = "sqlite",
                ["Cases:SmsWebhookToken"] = "gw-secret",
                ["Cases:MaxRequestBytes"] = "16384",
            },
        });
        _factory = _server.Factory;
    }

    [TearDown]
    public async Task Stop() => await _server.DisposeAsync();

    private async Task<HttpClient> As(string user, string password)
    {
        var client = _factory.CreateClient();
        if (!_tokens.TryGetValue(user, out var token))
        {
            using var login = await client.PostAsJsonAsync(new Uri("/api/auth/token", UriKind.Relative), new { username = user, password });
            Assert.That(login.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"login {user}");
            token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
            _tokens[user] = token;
        }
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private Task<HttpClient> Agent() => As("agent1001", "demo-agent-1001");
    private Task<HttpClient> Supervisor() => As("supervisor", "demo-supervisor");
    private Task<HttpClient> Admin() => As("admin", "demo-admin");
    private Task<HttpClient> WaterHandler() => As("handler-water", "demo-handler-water");
    private Task<HttpClient> HousingHandler() => As("handler-housing", "demo-handler-housing");

    private static Uri U(string path) => new(path, UriKind.Relative);

    private static async Task<JsonElement> Json(HttpResponseMessage r) => await r.Content.ReadFromJsonAsync<JsonElement>();

    private static async Task<JsonElement> Problem(HttpResponseMessage r, HttpStatusCode status)
    {
        Assert.That(r.StatusCode, Is.EqualTo(status), await r.Content.ReadAsStringAsync());
        Assert.That(r.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        return await Json(r);
    }

    private static async Task<JsonElement> Create(HttpClient c, object body)
    {
        using var r = await c.PostAsJsonAsync(U("/api/cases"), body);
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Created), await r.Content.ReadAsStringAsync());
        return await Json(r);
    }

    private static object Intake(string description = "water main burst on Oak Street") =>
        new { channel = "Phone", category = "HelpRequest", description, citizenPhone = "13800000000", citizenName = "王五" };

    private static async Task<HttpResponseMessage> Move(HttpClient c, JsonElement theCase, object body) =>
        await c.PostAsJsonAsync(U($"/api/cases/{theCase.GetProperty("id").GetInt64()}/transitions"), body);

    private static async Task<JsonElement> MoveOk(HttpClient c, JsonElement theCase, string action, object? extra = null)
    {
        var body = new Dictionary<string, object?> { ["action"] = action, ["expectedVersion"] = theCase.GetProperty("version").GetInt64() };
        if (extra is not null)
        {
            foreach (var p in JsonSerializer.SerializeToElement(extra).EnumerateObject()) { body[p.Name] = p.Value; }
        }
        using var r = await Move(c, theCase, body);
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.OK), await r.Content.ReadAsStringAsync());
        return await Json(r);
    }

    private async Task<long> CaseCount()
    {
        using var admin = await Admin();
        return (await admin.GetFromJsonAsync<JsonElement>(U("/api/cases"))).GetProperty("total").GetInt64();
    }

    [Test]
    public async Task Anonymous_requests_are_refused_with_problem_json()
    {
        using var client = _factory.CreateClient();
        using var r = await client.GetAsync(U("/api/cases"));
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [Test]
    public async Task Case_is_created_read_and_moved_through_the_api()
    {
        using var agent = await Agent();
        var created = await Create(agent, Intake());
        Assert.That(created.GetProperty("status").GetString(), Is.EqualTo("Registered"));
        Assert.That(created.GetProperty("number").GetString(), Does.Match(@"^\d{8}-\d{6}$"));
        var id = created.GetProperty("id").GetInt64();
        var dispatched = await MoveOk(agent, created, "Dispatch", new { departmentId = Water, note = "water main" });
        using var water = await WaterHandler();
        var signed = await MoveOk(water, dispatched, "SignFor");
        Assert.That(signed.GetProperty("status").GetString(), Is.EqualTo("SignedFor"));
        var audit = await agent.GetFromJsonAsync<JsonElement>(U($"/api/cases/{id}/audit"));
        Assert.That(audit.EnumerateArray().Select(a => a.GetProperty("action").GetString()), Is.EqualTo(new[] { "Create", "Dispatch", "SignFor" }));
    }

    [Test]
    public async Task A_handler_cannot_reach_another_departments_case()
    {
        using var agent = await Agent();
        var waterCase = await MoveOk(agent, await Create(agent, Intake("burst pipe")), "Dispatch", new { departmentId = Water });
        var housingCase = await MoveOk(agent, await Create(agent, Intake("cracked wall")), "Dispatch", new { departmentId = Housing });
        var wid = waterCase.GetProperty("id").GetInt64();
        using var housing = await HousingHandler();

        await Problem(await housing.GetAsync(U($"/api/cases/{wid}")), HttpStatusCode.NotFound);
        await Problem(await housing.GetAsync(U($"/api/cases/{wid}/audit")), HttpStatusCode.NotFound);
        await Problem(await Move(housing, waterCase, new { action = "SignFor", expectedVersion = 2 }), HttpStatusCode.NotFound);
        var page = await housing.GetFromJsonAsync<JsonElement>(U("/api/cases?pageSize=100"));
        Assert.That(page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetInt64()),
            Is.EqualTo(new[] { housingCase.GetProperty("id").GetInt64() }));
        var asked = await housing.GetFromJsonAsync<JsonElement>(U($"/api/cases?departmentId={Water}"));
        Assert.That(asked.GetProperty("total").GetInt64(), Is.Zero);
        var csv = await housing.GetStringAsync(U("/api/cases/export.csv"));
        Assert.That(csv, Does.Not.Contain("burst pipe"));
        Assert.That(csv, Does.Contain("cracked wall"));
        // Nothing was changed by the attempts.
        Assert.That((await agent.GetFromJsonAsync<JsonElement>(U($"/api/cases/{wid}"))).GetProperty("version").GetInt64(), Is.EqualTo(2));
    }

    [Test]
    public async Task Stale_and_illegal_transitions_are_409_and_write_nothing()
    {
        using var agent = await Agent();
        var created = await Create(agent, Intake());
        var dispatched = await MoveOk(agent, created, "Dispatch", new { departmentId = Water });
        var stale = await Problem(await Move(agent, created, new { action = "AnswerDirectly", expectedVersion = 1 }), HttpStatusCode.Conflict);
        Assert.That(stale.GetProperty("type").GetString(), Is.EqualTo("urn:telephony:cases:version-conflict"));
        var illegal = await Problem(await Move(agent, dispatched, new { action = "Archive", expectedVersion = 2 }), HttpStatusCode.Conflict);
        Assert.That(illegal.GetProperty("type").GetString(), Is.EqualTo("urn:telephony:cases:illegal-transition"));
        Assert.That(illegal.GetProperty("status").GetString(), Is.EqualTo("Dispatched"));
        var forbidden = await Problem(await Move(agent, dispatched, new { action = "Supervise", expectedVersion = 2, note = "x" }), HttpStatusCode.Forbidden);
        Assert.That(forbidden.GetProperty("detail").GetString(), Does.Contain("Supervise"));
        var id = created.GetProperty("id").GetInt64();
        Assert.That((await agent.GetFromJsonAsync<JsonElement>(U($"/api/cases/{id}/audit"))).GetArrayLength(), Is.EqualTo(2));
    }

    [TestCase("{\"channel\":\"Phone\",\"category\":\"Complaint\"}", "description")]
    [TestCase("{\"channel\":\"Phone\",\"category\":\"Complaint\",\"description\":\"   \"}", "description")]
    [TestCase("{\"channel\":\"Fax\",\"category\":\"Complaint\",\"description\":\"x\"}", "channel")]
    [TestCase("{\"channel\":\"Phone\",\"category\":\"7\",\"description\":\"x\"}", "category")]
    [TestCase("{\"channel\":\"Phone\",\"description\":\"x\"}", "category")]
    [TestCase("{\"channel\":\"Phone\",\"category\":\"Complaint\",\"description\":\"x\",\"citizenPhone\":\"not a phone\"}", "citizenPhone")]
    [TestCase("{\"channel\":\"Phone\",\"category\":\"Complaint\",\"description\":\"x\",\"districtId\":999}", "districtId")]
    public async Task Bad_intake_is_400_naming_the_field_and_writes_nothing(string body, string field)
    {
        using var agent = await Agent();
        using var content = new StringContent(body, Encoding.UTF8, "application/json");
        var problem = await Problem(await agent.PostAsync(U("/api/cases"), content), HttpStatusCode.BadRequest);
        Assert.That(problem.GetProperty("field").GetString(), Is.EqualTo(field));
        Assert.That(problem.GetProperty("errors").TryGetProperty(field, out _), Is.True);
        Assert.That(await CaseCount(), Is.Zero);
    }

    [Test]
    public async Task Too_long_fields_bad_query_values_and_missing_versions_are_400()
    {
        using var agent = await Agent();
        var longLocation = new { channel = "Phone", category = "Complaint", description = "x", location = new string('x', 201) };
        Assert.That((await Problem(await agent.PostAsJsonAsync(U("/api/cases"), longLocation), HttpStatusCode.BadRequest)).GetProperty("field").GetString(), Is.EqualTo("location"));
        Assert.That((await Problem(await agent.GetAsync(U("/api/cases?status=Sleeping")), HttpStatusCode.BadRequest)).GetProperty("field").GetString(), Is.EqualTo("status"));
        Assert.That((await Problem(await agent.GetAsync(U("/api/cases?pageSize=100000")), HttpStatusCode.BadRequest)).GetProperty("field").GetString(), Is.EqualTo("pageSize"));
        Assert.That((await Problem(await agent.GetAsync(U("/api/cases?from=yesterday")), HttpStatusCode.BadRequest)).GetProperty("field").GetString(), Is.EqualTo("from"));
        var created = await Create(agent, Intake());
        Assert.That((await Problem(await Move(agent, created, new { action = "Dispatch", departmentId = Water }), HttpStatusCode.BadRequest)).GetProperty("field").GetString(), Is.EqualTo("expectedVersion"));
        Assert.That((await Problem(await Move(agent, created, new { action = "Teleport", expectedVersion = 1 }), HttpStatusCode.BadRequest)).GetProperty("field").GetString(), Is.EqualTo("action"));
        Assert.That((await Problem(await Move(agent, created, new { action = "Dispatch", expectedVersion = 1 }), HttpStatusCode.BadRequest)).GetProperty("field").GetString(), Is.EqualTo("departmentId"));
        using var malformed = new StringContent("{\"channel\":", Encoding.UTF8, "application/json");
        await Problem(await agent.PostAsync(U("/api/cases"), malformed), HttpStatusCode.BadRequest);
        Assert.That(await CaseCount(), Is.EqualTo(1));
    }

    [Test]
    public async Task Oversized_bodies_are_413_and_write_nothing()
    {
        using var agent = await Agent();
        var huge = new { channel = "Phone", category = "Complaint", description = new string('x', 20_000) };
        await Problem(await agent.PostAsJsonAsync(U("/api/cases"), huge), HttpStatusCode.RequestEntityTooLarge);
        using var anonymous = _factory.CreateClient();
        await Problem(await anonymous.PostAsJsonAsync(U("/api/public/cases"), new { category = "Complaint", description = new string('y', 20_000) }), HttpStatusCode.RequestEntityTooLarge);
        Assert.That(await CaseCount(), Is.Zero);
    }

    [Test]
    public async Task Csv_export_quotes_commas_quotes_and_line_breaks()
    {
        using var agent = await Agent();
        await Create(agent, new { channel = "Phone", category = "Complaint", description = "noise, \"loud\"\nevery night", citizenName = "=cmd()" });
        using var r = await agent.GetAsync(U("/api/cases/export.csv"));
        Assert.That(r.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
        var csv = await r.Content.ReadAsStringAsync();
        var lines = csv.Split("\r\n");
        Assert.That(lines[0], Does.StartWith("id,number,status,"));
        Assert.That(csv, Does.Contain(",\"noise, \"\"loud\"\"\nevery night\","));
        Assert.That(csv, Does.Contain(",'=cmd(),"), "formula-like text is defused");
    }

    [Test]
    public async Task Inbound_sms_is_acknowledged_with_the_case_number_within_three_minutes()
    {
        using var gateway = _factory.CreateClient();
        await Problem(await gateway.PostAsJsonAsync(U("/api/sms/inbound"), new { from = "13912345678", text = "路灯坏了" }), HttpStatusCode.Unauthorized);
        gateway.DefaultRequestHeaders.Add("X-Gateway-Token", "gw-secret");
        await Problem(await gateway.PostAsJsonAsync(U("/api/sms/inbound"), new { from = "13912345678" }), HttpStatusCode.BadRequest);
        using var r = await gateway.PostAsJsonAsync(U("/api/sms/inbound"), new { from = "13912345678", text = "路灯坏了 street light out" });
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var ack = await Json(r);
        var number = ack.GetProperty("number").GetString()!;
        using var agent = await Agent();
        var theCase = await agent.GetFromJsonAsync<JsonElement>(U($"/api/cases/{ack.GetProperty("id").GetInt64()}"));
        var created = theCase.GetProperty("createdAt").GetDateTimeOffset();
        var acked = theCase.GetProperty("ackSentAt").GetDateTimeOffset();
        Assert.That(acked - created, Is.LessThanOrEqualTo(TimeSpan.FromMinutes(3)));
        var outbox = await File.ReadAllLinesAsync(_server.SmsOutbox);
        Assert.That(outbox.Single(), Does.Contain(number).And.Contain("13912345678"));
        var messages = await agent.GetFromJsonAsync<JsonElement>(U($"/api/cases/{ack.GetProperty("id").GetInt64()}/messages"));
        Assert.That(messages[0].GetProperty("kind").GetString(), Is.EqualTo("ack"));
    }

    [Test]
    public async Task Web_form_intake_is_anonymous_and_acknowledged()
    {
        using var citizen = _factory.CreateClient();
        using var r = await citizen.PostAsJsonAsync(U("/api/public/cases"), new { category = "Suggestion", description = "more benches in the park", phone = "13711112222" });
        Assert.That(r.StatusCode, Is.EqualTo(HttpStatusCode.Accepted), await r.Content.ReadAsStringAsync());
        Assert.That((await Json(r)).GetProperty("ackSentAt").ValueKind, Is.EqualTo(JsonValueKind.String));
        await Problem(await citizen.PostAsJsonAsync(U("/api/public/cases"), new { category = "Suggestion" }), HttpStatusCode.BadRequest);
        using var agent = await Agent();
        var web = await agent.GetFromJsonAsync<JsonElement>(U("/api/cases?channel=Web"));
        Assert.That(web.GetProperty("total").GetInt64(), Is.EqualTo(1));
    }

    [Test]
    public async Task Directory_and_calendar_are_readable_by_all_and_editable_by_admins()
    {
        using var agent = await Agent();
        var hotlines = await agent.GetFromJsonAsync<JsonElement>(U("/api/directory/partner-hotlines"));
        Assert.That(hotlines.EnumerateArray().Select(h => h.GetProperty("number").GetString()), Does.Contain("12348").And.Contain("110"));
        await Problem(await agent.PostAsJsonAsync(U("/api/directory/departments"), new { code = "tax", name = "Tax" }), HttpStatusCode.Forbidden);
        using var admin = await Admin();
        using var added = await admin.PostAsJsonAsync(U("/api/directory/departments"), new { code = "tax", name = "Tax bureau" });
        Assert.That(added.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        var id = (await Json(added)).GetProperty("id").GetInt64();
        using var renamed = await admin.PutAsJsonAsync(U($"/api/directory/departments/{id}"), new { code = "tax", name = "Tax service", active = true });
        Assert.That((await Json(renamed)).GetProperty("name").GetString(), Is.EqualTo("Tax service"));
        Assert.That((await Problem(await admin.PostAsJsonAsync(U("/api/directory/districts"), new { code = "x" }), HttpStatusCode.BadRequest)).GetProperty("field").GetString(), Is.EqualTo("name"));
        await Problem(await admin.PutAsJsonAsync(U("/api/directory/departments/9999"), new { code = "a", name = "b" }), HttpStatusCode.NotFound);

        using var holiday = await admin.PutAsJsonAsync(U("/api/calendar/2026-10-01"), new { isWorkingDay = false, note = "National Day" });
        Assert.That(holiday.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await Problem(await admin.PutAsJsonAsync(U("/api/calendar/01-10-2026"), new { isWorkingDay = false }), HttpStatusCode.BadRequest);
        await Problem(await agent.PutAsJsonAsync(U("/api/calendar/2026-10-02"), new { isWorkingDay = false }), HttpStatusCode.Forbidden);
        var calendar = await agent.GetFromJsonAsync<JsonElement>(U("/api/calendar"));
        Assert.That(calendar.GetArrayLength(), Is.EqualTo(1));
        Assert.That((await admin.DeleteAsync(U("/api/calendar/2026-10-01"))).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
    }

    [Test]
    public async Task The_staffing_plan_is_for_supervisors_in_JSON_and_CSV_next_to_the_agents_logged_in()
    {
        var calls = _factory.Services.GetRequiredService<ICallRecordStore>();
        // Four weeks of Monday 09:00-09:30 (UTC+8): 120 calls each, 4 min talk + 1 min wrap-up, some abandons.
        var monday9 = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.FromHours(8));
        var records = new List<CallRecord>();
        for (var week = 0; week < 4; week++)
        {
            for (var i = 0; i < 120; i++)
            {
                var q = monday9.AddDays(7 * week).AddSeconds(i * 15);
                records.Add(i % 20 == 19
                    ? new CallRecord { CallId = $"w{week}-{i}", OfferedAt = q, QueuedAt = q, EndedAt = q.AddSeconds(60), Outcome = "abandoned" }
                    : new CallRecord { CallId = $"w{week}-{i}", OfferedAt = q, QueuedAt = q, AnsweredAt = q.AddSeconds(10), EndedAt = q.AddSeconds(250), WrapUpEndedAt = q.AddSeconds(310), Outcome = "answered" });
            }
        }
        await calls.SaveCallRecordsAsync(records);
        var acd = _factory.Services.GetRequiredService<Telephony.ContactCenter.Routing.AutomaticCallDistributor>();
        Assert.That((await acd.LoginAsync("1001", "1001")).Succeeded, Is.True);

        var range = "from=2026-11-02&to=2026-11-30";
        using var supervisor = await Supervisor();
        var plan = await supervisor.GetFromJsonAsync<JsonElement>(U($"/api/planning/staffing?{range}&shrinkage=0.25"));
        var rows = plan.GetProperty("rows");
        Assert.That(rows.GetArrayLength(), Is.EqualTo(336));
        var row = rows[18];
        Assert.That((row.GetProperty("day").GetString(), row.GetProperty("start").GetString(), row.GetProperty("arrivals").GetDouble()), Is.EqualTo(("Mon", "09:00", 120.0)));
        Assert.That(row.GetProperty("handleSeconds").GetDouble(), Is.EqualTo(300.0));
        var answer = row.GetProperty("answer");
        Assert.That(answer.GetProperty("model").GetString(), Is.EqualTo("erlang-a"), "abandons give a patience estimate");
        Assert.That(answer.GetProperty("agents").GetInt32(), Is.InRange(20, answer.GetProperty("erlangCAgents").GetInt32()), "load is 20 erlangs");
        Assert.That(answer.GetProperty("scheduled").GetInt32(), Is.EqualTo((int)Math.Ceiling(answer.GetProperty("agents").GetInt32() / 0.75)));
        Assert.That(plan.GetProperty("loggedInNow").GetInt32(), Is.EqualTo(1), "shown next to the agents logged in now");

        using var csv = await supervisor.GetAsync(U($"/api/planning/staffing?{range}&format=csv"));
        Assert.That(csv.Content.Headers.ContentType?.MediaType, Is.EqualTo("text/csv"));
        var lines = (await csv.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.That(lines, Has.Length.EqualTo(337));
        Assert.That(lines[19], Does.StartWith("Mon,09:00,120,300,20,"));

        await Problem(await supervisor.GetAsync(U($"/api/planning/staffing?{range}&serviceLevel=1.5")), HttpStatusCode.BadRequest);
        await Problem(await supervisor.GetAsync(U("/api/planning/staffing?utcOffset=8")), HttpStatusCode.BadRequest);
        using var agent = await Agent();
        Assert.That((await agent.GetAsync(U($"/api/planning/staffing?{range}"))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    [Test]
    public async Task Kpis_and_call_records_are_for_centre_staff()
    {
        var calls = _factory.Services.GetRequiredService<ICallRecordStore>();
        var t = DateTimeOffset.UtcNow;
        await calls.SaveCallRecordAsync(new CallRecord { CallId = "k1@pbx", OfferedAt = t, QueuedAt = t, AnsweredAt = t.AddSeconds(5), EndedAt = t.AddSeconds(65), RecordingPath = "/rec/k1.wav" });
        using var agent = await Agent();
        await Create(agent, new { channel = "Phone", category = "Consultation", description = "opening hours?", callId = "k1@pbx" });
        using var supervisor = await Supervisor();
        var from = Uri.EscapeDataString(t.AddHours(-1).ToString("O"));
        var to = Uri.EscapeDataString(t.AddHours(1).ToString("O"));
        var kpis = await supervisor.GetFromJsonAsync<JsonElement>(U($"/api/kpis?from={from}&to={to}"));
        Assert.That((kpis.GetProperty("cases").GetInt64(), kpis.GetProperty("callsAnswered").GetInt64()), Is.EqualTo((1L, 1L)));
        Assert.That(kpis.GetProperty("averageSpeedOfAnswerSeconds").GetDouble(), Is.EqualTo(5.0));
        using var handler = await WaterHandler();
        await Problem(await handler.GetAsync(U($"/api/kpis?from={from}&to={to}")), HttpStatusCode.Forbidden);
        await Problem(await supervisor.GetAsync(U("/api/kpis?from=2026-01-01")), HttpStatusCode.BadRequest);

        var record = await supervisor.GetFromJsonAsync<JsonElement>(U("/api/call-records/k1@pbx"));
        Assert.That(record.GetProperty("recordingPath").GetString(), Is.EqualTo("/rec/k1.wav"));
        var list = await supervisor.GetFromJsonAsync<JsonElement>(U($"/api/call-records?from={from}&to={to}"));
        Assert.That(list.GetArrayLength(), Is.EqualTo(1));
        Assert.That((await handler.GetAsync(U("/api/call-records/k1@pbx"))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        var theCase = (await agent.GetFromJsonAsync<JsonElement>(U("/api/cases"))).GetProperty("items")[0];
        Assert.That(theCase.GetProperty("recordingPath").GetString(), Is.EqualTo("/rec/k1.wav"), "wrap-up intake links the recording");
    }
}
