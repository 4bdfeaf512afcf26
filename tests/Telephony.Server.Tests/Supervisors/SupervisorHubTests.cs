using System.Globalization;
using Telephony.Cases;
using Telephony.ContactCenter.Queues;
using Telephony.Server.Supervisors;

namespace Telephony.Server.Tests.Supervisors;

/// <summary>
/// The supervisors' hub over the in-process server: only supervisors and admins get in (an agent gets 403 on
/// the hub and on every supervisor route), the floor is pushed on change within a second, seats are forced by
/// a supervisor with the reason reaching the agent's desk and the audit log, and the figures on the wall are
/// the figures of <c>GET /api/kpis</c> over the same window, and the hand-computed ones.
/// </summary>
[CancelAfter(60_000)]
public sealed class SupervisorHubTests
{
    private TelephonyTestServer _server = null!;
    private LogCapture _logs = null!;

    private WebApplicationFactory<Program> Factory => _server.Factory;

    [SetUp]
    public void StartServer()
    {
        _logs = new LogCapture();
        _server = new TelephonyTestServer(new TelephonyTestServerOptions
        {
            Settings = new Dictionary<string, string> { ["Sip:Udp"] = "127.0.0.1:0", ["Sip:Tcp"] = "127.0.0.1:0" },
            TestServices = s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(_logs),
        });
    }

    [TearDown]
    public async Task StopServer()
    {
        await _server.DisposeAsync();
        _logs.Dispose();
    }

    private Task<string> SupervisorTokenAsync() => AgentDesk.TokenAsync(Factory, "supervisor", "demo-supervisor");

    [Test]
    public async Task An_agent_gets_403_on_the_supervisors_hub_and_on_every_supervisor_route()
    {
        var agentToken = await AgentDesk.TokenAsync(Factory, "agent1001", "demo-agent-1001");
        var refused = Assert.ThrowsAsync<HttpRequestException>(async () => await SupervisorWall.ConnectAsync(Factory.Server, agentToken));
        Assert.That(refused!.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden), "the hub (negotiate) refuses an agent");
        Assert.ThrowsAsync<HttpRequestException>(async () => await SupervisorWall.ConnectAsync(Factory.Server, "not-a-token"), "nor a stranger");

        using var http = Factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", agentToken);
        var supervision = new Uri("/api/calls/some-call/supervision", UriKind.Relative);
        Assert.That((await http.GetAsync(new Uri("/api/calls", UriKind.Relative))).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await http.PostAsJsonAsync(supervision, new { seat = "1051", mode = "monitor" })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await http.PutAsJsonAsync(supervision, new { mode = "barge" })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That((await http.DeleteAsync(supervision)).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));

        // Every hub method carries the class's policy: a hub whose methods all refuse an agent (checked by reflection,
        // so a method added later without the policy fails here).
        var methods = typeof(SupervisorHub).GetMethods(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance | System.Reflection.BindingFlags.DeclaredOnly)
            .Where(m => !m.IsSpecialName && m.Name is not (nameof(SupervisorHub.OnConnectedAsync) or nameof(SupervisorHub.OnDisconnectedAsync))).ToList();
        Assert.That(methods, Is.Not.Empty);
        var policy = typeof(SupervisorHub).GetCustomAttributes(typeof(Microsoft.AspNetCore.Authorization.AuthorizeAttribute), false)
            .Cast<Microsoft.AspNetCore.Authorization.AuthorizeAttribute>().Single().Policy;
        Assert.That(policy, Is.EqualTo(Telephony.Server.Security.Roles.Supervisor));
        Assert.That(methods.Where(m => m.GetCustomAttributes(typeof(Microsoft.AspNetCore.Authorization.AllowAnonymousAttribute), true).Length > 0), Is.Empty, "no method opts out");

        // An admin is a supervisor too.
        await using var admin = await SupervisorWall.ConnectAsync(Factory.Server, await AgentDesk.TokenAsync(Factory, "admin", "demo-admin"));
        Assert.That((await admin.FloorAsync(_ => true)).Floor.Seats, Has.Count.EqualTo(60));
    }

    [Test]
    public async Task The_floor_is_pushed_within_a_second_of_each_change_and_a_forced_not_ready_reaches_the_agent()
    {
        await using var wall = await SupervisorWall.ConnectAsync(Factory.Server, await SupervisorTokenAsync());
        var first = await wall.FloorAsync(_ => true);
        Assert.That(first.Floor.Seats.Select(s => s.State).Distinct(), Is.EqualTo(new[] { SeatState.LoggedOut }));
        Assert.That(first.Floor.Queues, Is.Not.Empty);

        await using var desk = await AgentDesk.LoginAsync(Factory, "1001");
        await desk.Connection.InvokeAsync<SeatSnapshot>("Login", "1001");
        var ready = await desk.Connection.InvokeAsync<SeatSnapshot>("SetReady");
        var (floor, at) = await wall.FloorAsync(f => f.Seats.Any(s => s.Extension == "1001" && s.State == SeatState.Ready));
        Assert.That(at - ready.StateSince, Is.LessThan(TimeSpan.FromSeconds(1)), "pushed within a second");
        var tile = floor.Seats.Single(s => s.Extension == "1001");
        Assert.That((tile.AgentId, tile.Skills), Is.EqualTo(("1001", string.Join(',', ready.Skills))));
        Assert.That(floor.Queues.Where(q => ready.HasSkills(q.Skills.Split(',', StringSplitOptions.RemoveEmptyEntries))).Select(q => q.Ready), Is.All.EqualTo(1), "ready agents per queue");

        var forced = await wall.Connection.InvokeAsync<SeatSnapshot>("ForceNotReady", "1001", "coaching");
        Assert.That((forced.State, forced.Reason), Is.EqualTo((SeatState.NotReady, "coaching")));
        SeatStateChanged change;
        using (var wait = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            do
            {
                change = await desk.States.Reader.ReadAsync(wait.Token); // after the login's and Ready's own
            }
            while (change.State != SeatState.NotReady || change.Reason == "login");
        }
        Assert.That(change.Reason, Is.EqualTo("coaching"), "the agent's desk is told, with the reason");
        Assert.That(_logs.Lines.Select(l => l.Text), Has.Some.EqualTo("Audit: supervisor supervisor forced seat 1001 (agent 1001) Not ready: coaching"));

        var refused = Assert.ThrowsAsync<HubException>(async () => await wall.Connection.InvokeAsync<SeatSnapshot>("ForceNotReady", "1002", "coaching"));
        Assert.That(refused!.Message, Does.Contain("Nobody is logged in at that seat"));
        refused = Assert.ThrowsAsync<HubException>(async () => await wall.Connection.InvokeAsync<SeatSnapshot>("ForceReady", "1001", "\u202Eevil"));
        Assert.That(refused!.Message, Does.Contain("reason"));
        refused = Assert.ThrowsAsync<HubException>(async () => await wall.Connection.InvokeAsync<string>("Monitor", "no-such-call", "monitor", "1051"));
        Assert.That(refused!.Message, Does.Contain("No such call on any node"));

        await wall.Connection.InvokeAsync<SeatSnapshot>("ForceLogout", "1001", "end of shift");
        await wall.FloorAsync(f => f.Seats.Single(s => s.Extension == "1001").State == SeatState.LoggedOut);
    }

    /// <summary>
    /// The expected wait of a queue nobody waits in is none (it said a whole handle time, 5:00, for an empty queue),
    /// with no agent at all, with agents busy (not ready), and again after the one waiting call left; with a call
    /// waiting it is the ACD's estimate, more than nothing.
    /// </summary>
    [Test]
    public async Task An_empty_queue_expects_no_wait()
    {
        await using var wall = await SupervisorWall.ConnectAsync(Factory.Server, await SupervisorTokenAsync());
        var first = (await wall.FloorAsync(_ => true)).Floor;
        Assert.That(first.Queues.Select(q => (q.Name, q.Waiting, q.ExpectedWaitSeconds)), Is.EqualTo(first.Queues.Select(q => (q.Name, 0, 0))),
            "nobody logged in, nobody waiting: no wait");

        var acd = _server.Service<AutomaticCallDistributor>();
        Assert.That((await acd.LoginAsync("1001", "1001")).Succeeded, Is.True); // logged in Not ready: staffed, not ready
        var staffed = (await wall.FloorAsync(f => f.Seats.Any(s => s.Extension == "1001" && s.State == SeatState.NotReady))).Floor;
        Assert.That(staffed.Queues.Select(q => q.ExpectedWaitSeconds), Is.All.Zero, "an agent logged in but not ready, nobody waiting: no wait");

        var queue = staffed.Queues[0].Name;
        await acd.Store.EnqueueAsync(new QueueEntry("waiting-1", queue, 0, DateTimeOffset.UtcNow, "test"));
        var waiting = (await wall.FloorAsync(f => f.Queues.Single(q => q.Name == queue).Waiting == 1)).Floor.Queues.Single(q => q.Name == queue);
        Assert.That(waiting.ExpectedWaitSeconds, Is.GreaterThan(0), "a call waits: the ACD's estimate");
        await acd.Store.RemoveFromQueueAsync(queue, "waiting-1");
        var emptied = (await wall.FloorAsync(f => f.Queues.Single(q => q.Name == queue).Waiting == 0)).Floor.Queues.Single(q => q.Name == queue);
        Assert.That(emptied.ExpectedWaitSeconds, Is.Zero, "empty again: no wait");
    }

    /// <summary>
    /// A scripted day (the call records a day of calls leaves, written as the call manager writes them):
    /// <code>
    /// w1 answered fast:  offered −50 min, IVR 4 s, queued +4 s, answered +10 s, ended +70 s, wrap-up end +100 s (handle 90 s), survey 4
    /// w2 answered slow:  offered −40 min, IVR 10 s, queued +10 s, answered +40 s, ended +100 s, wrap-up end +160 s (handle 120 s), survey 2
    /// w3 abandoned in the queue: offered −30 min, queued +6 s, ended +30 s
    /// w4 abandoned in the IVR:   offered −20 min, ended +5 s, the IVR never finished
    /// w5 abandoned while ringing: offered −10 min, queued +5 s, rang +8 s, ended +12 s
    /// </code>
    /// </summary>
    [Test]
    public async Task The_walls_figures_equal_the_reports_over_the_same_window_and_the_hand_computed_ones()
    {
        var now = DateTimeOffset.UtcNow;
        var local = now.ToOffset(TimeSpan.FromHours(8));
        var midnight = new DateTimeOffset(local.Date, local.Offset);
        // Early in the hotline's day the scripted calls would fall into yesterday: start them after midnight then.
        var t0 = now.AddMinutes(-50) < midnight ? midnight.AddMinutes(1) : now.AddMinutes(-50);
        CallRecord Call(string id, int minute) => new() { CallId = id, OfferedAt = t0.AddMinutes(minute) };
        DateTimeOffset At(int minute, int s) => t0.AddMinutes(minute).AddSeconds(s);
        await _server.Service<ICallRecordStore>().SaveCallRecordsAsync(
        [
            Call("w1", 0) with { IvrEndedAt = At(0, 4), QueuedAt = At(0, 4), AnsweredAt = At(0, 10), EndedAt = At(0, 70), WrapUpEndedAt = At(0, 100), Outcome = "answered", SurveyScore = 4 },
            Call("w2", 10) with { IvrEndedAt = At(10, 10), QueuedAt = At(10, 10), AnsweredAt = At(10, 40), EndedAt = At(10, 100), WrapUpEndedAt = At(10, 160), Outcome = "answered", SurveyScore = 2 },
            Call("w3", 20) with { IvrEndedAt = At(20, 6), QueuedAt = At(20, 6), EndedAt = At(20, 30), Outcome = "abandoned" },
            Call("w4", 30) with { EndedAt = At(30, 5), Outcome = "ivr" },
            Call("w5", 40) with { IvrEndedAt = At(40, 5), QueuedAt = At(40, 5), AgentRingingAt = At(40, 8), EndedAt = At(40, 12), Outcome = "abandoned" },
        ]);

        var token = await SupervisorTokenAsync();
        await using var wall = await SupervisorWall.ConnectAsync(Factory.Server, token);
        var board = await wall.FiguresAsync(b => b.Intervals[^1].Figures.Offered == 5);
        Assert.That(board.Intervals.Select(i => i.Name), Is.EqualTo(FigureWindows.Names));
        var today = board.Intervals.Single(i => i.Name == "today").Figures;

        // By hand: offered 5, answered 2; within 15 s of the system's answer: w1 (10 s) — w2 waited 40 s.
        Assert.That((today.Offered, today.Answered, today.AnsweredWithin15s), Is.EqualTo((5L, 2L, 1L)));
        Assert.That((today.AbandonedInIvr, today.AbandonedInQueue, today.AbandonedWhileRinging, today.Abandoned), Is.EqualTo((1L, 1L, 1L, 2L)));
        Assert.That(today.ServiceLevel15s, Is.EqualTo(new Ratio(1, 5)));
        Assert.That(today.ConnectedRate, Is.EqualTo(new Ratio(2, 4)), "asked for an agent: w1, w2, w3, w5");
        // ASA (queue wait) (6 + 30) / 2 = 18 s; AHT with wrap-up (90 + 120) / 2 = 105 s; survey (4 + 2) / 2 = 3.
        Assert.That((today.AverageSpeedOfAnswerSeconds, today.AverageHandleTimeSeconds, today.AverageSurveyScore), Is.EqualTo(((double?)18.0, (double?)105.0, (double?)3.0)));

        // The report over each window the wall used gives the same figures.
        using var http = Factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var json = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        foreach (var interval in board.Intervals)
        {
            var f = interval.Figures;
            var url = string.Create(CultureInfo.InvariantCulture, $"/api/kpis?from={Uri.EscapeDataString(f.From.ToString("o"))}&to={Uri.EscapeDataString(f.To.ToString("o"))}");
            var report = await http.GetFromJsonAsync<JsonElement>(new Uri(url, UriKind.Relative));
            var calls = report.GetProperty("calls").Deserialize<CallFigures>(json)!;
            Assert.That(calls, Is.EqualTo(f), $"wall and report agree over {interval.Name}");
            Assert.That(report.GetProperty("answeredWithin15s").GetInt64(), Is.EqualTo(f.AnsweredWithin15s), "the report's own field too");
        }
        // The alarm: 20 % is under the 80 % target, shown on the wall and logged.
        var alarmed = await wall.FloorAsync(fl => fl.Alarms.Any(a => a.Kind == FloorAlarms.ServiceLevel));
        Assert.That(alarmed.Floor.Alarms.Single(a => a.Kind == FloorAlarms.ServiceLevel).Detail, Does.StartWith("20.0"));
        Assert.That(_logs.Lines.Where(l => l.Text.StartsWith("Wallboard alarm: service level today", StringComparison.Ordinal)), Has.Exactly(1).Items, "logged once, not per push");
    }
}
