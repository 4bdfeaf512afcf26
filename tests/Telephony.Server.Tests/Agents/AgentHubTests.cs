namespace Telephony.Server.Tests.Agents;

[CancelAfter(30_000)]
public sealed class AgentHubTests
{
    private TelephonyTestServer _server = null!;

    private WebApplicationFactory<Program> Factory => _server.Factory;

    [SetUp]
    public void StartServer() => _server = new TelephonyTestServer();

    [TearDown]
    public async Task StopServer() => await _server.DisposeAsync();

    private static ScreenPop PopFor(string agent, string callId) =>
        new(callId, agent, agent, "+8613812345678", "12345", ["welcome", "taxi"], "2", "zh", "zh-taxi", TimeSpan.FromSeconds(42), DateTimeOffset.UnixEpoch);

    [Test]
    public async Task An_agent_logs_in_and_sees_each_state_change_of_their_seat()
    {
        await using var desk = await AgentDesk.LoginAsync(Factory, "1001");

        var seat = await desk.Connection.InvokeAsync<SeatSnapshot>("Login", "1001");
        Assert.That((seat.State, seat.AgentId, seat.Reason), Is.EqualTo((SeatState.NotReady, "1001", "login")));
        Assert.That(seat.Skills, Does.Contain("taxi").And.Contain("zh"));
        seat = await desk.Connection.InvokeAsync<SeatSnapshot>("SetReady");
        Assert.That(seat.State, Is.EqualTo(SeatState.Ready));
        await desk.Connection.InvokeAsync<SeatSnapshot>("SetNotReady", "lunch");
        Assert.That((await desk.Connection.InvokeAsync<SeatSnapshot?>("GetSeat"))!.Reason, Is.EqualTo("lunch"));
        await desk.Connection.InvokeAsync<SeatSnapshot>("Logout");

        var states = new List<(SeatState, string?)>();
        for (var i = 0; i < 4; i++)
        {
            var change = await desk.States.Reader.ReadAsync();
            Assert.That((change.Extension, change.AgentId), Is.EqualTo(("1001", "1001")));
            states.Add((change.State, change.Reason));
        }
        Assert.That(states, Is.EqualTo(new (SeatState, string?)[]
        {
            (SeatState.NotReady, "login"), (SeatState.Ready, null), (SeatState.NotReady, "lunch"), (SeatState.LoggedOut, null),
        }));
        Assert.That(await desk.Connection.InvokeAsync<SeatSnapshot?>("GetSeat"), Is.Null);
    }

    [Test]
    public void No_token_a_forged_token_or_a_non_agent_cannot_connect()
    {
        Assert.That(async () => await AgentDesk.ConnectAsync(Factory, null), Throws.Exception);
        Assert.That(async () => await AgentDesk.ConnectAsync(Factory, "forged"), Throws.Exception);
        Assert.That(async () => await AgentDesk.ConnectAsync(Factory, await AgentDesk.TokenAsync(Factory, "supervisor", "demo-supervisor")), Throws.Exception);
    }

    [Test]
    public async Task An_agent_cannot_act_on_another_agents_seat()
    {
        await using var mine = await AgentDesk.LoginAsync(Factory, "1001");
        await using var theirs = await AgentDesk.LoginAsync(Factory, "1002");
        await theirs.Connection.InvokeAsync<SeatSnapshot>("Login", "1002");

        var taken = Assert.ThrowsAsync<HubException>(() => mine.Connection.InvokeAsync<SeatSnapshot>("Login", "1002"));
        Assert.That(taken!.Message, Does.Contain("Another agent is logged in"));
        var notLoggedIn = Assert.ThrowsAsync<HubException>(() => mine.Connection.InvokeAsync<SeatSnapshot>("SetReady"));
        Assert.That(notLoggedIn!.Message, Does.Contain("not logged in"));
        Assert.ThrowsAsync<HubException>(() => mine.Connection.InvokeAsync<SeatSnapshot>("Logout"));

        var seat = await AgentDesk.Service<AutomaticCallDistributor>(Factory).Store.GetSeatAsync("1002");
        Assert.That((seat!.AgentId, seat.State), Is.EqualTo(("1002", SeatState.NotReady)));
        Assert.That(mine.States.Reader.TryRead(out _), Is.False, "1001 saw nothing of seat 1002");
    }

    [Test]
    public async Task Bad_input_gets_a_clear_error_and_the_connection_survives()
    {
        await using var desk = await AgentDesk.LoginAsync(Factory, "1001");
        Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync<SeatSnapshot>("Login", ""));
        var unknown = Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync<SeatSnapshot>("Login", "9999"));
        Assert.That(unknown!.Message, Does.Contain("No such seat"));
        // Issue 10, finding 8: a seat id is checked like any other name (one shared check).
        var bidiSeat = Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync<SeatSnapshot>("Login", "10\u202E01"));
        Assert.That(bidiSeat!.Message, Does.Contain("text-direction"));
        await desk.Connection.InvokeAsync<SeatSnapshot>("Login", "1001");
        var noReason = Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync<SeatSnapshot>("SetNotReady", " "));
        Assert.That(noReason!.Message, Does.Contain("reason"));
        // Issue 10, finding 8: a reason is shown to supervisors and written to logs and exports.
        var forged = Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync<SeatSnapshot>("SetNotReady", "lunch\r\nadmin logged in"));
        Assert.That(forged!.Message, Does.Contain("control"));
        Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync<SeatSnapshot>("SetNotReady", "break\u202Eevil"));
        Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync<SeatSnapshot>("SetNotReady", new string('x', 500)));
        Assert.That((await desk.Connection.InvokeAsync<SeatSnapshot>("SetReady")).State, Is.EqualTo(SeatState.Ready));
    }

    [Test]
    public async Task A_ready_agent_whose_desktop_drops_goes_NotReady()
    {
        var store = AgentDesk.Service<AutomaticCallDistributor>(Factory).Store;
        await using (var desk = await AgentDesk.LoginAsync(Factory, "1003"))
        {
            await desk.Connection.InvokeAsync<SeatSnapshot>("Login", "1003");
            await desk.Connection.InvokeAsync<SeatSnapshot>("SetReady");
            await using var second = await AgentDesk.LoginAsync(Factory, "1003");
            await second.Connection.StopAsync();
            Assert.That((await store.GetSeatAsync("1003"))!.State, Is.EqualTo(SeatState.Ready), "another desktop of the agent is still open");
        }
        // The server handles the disconnect asynchronously; poll (bounded by CancelAfter).
        SeatSnapshot? seat;
        while ((seat = await store.GetSeatAsync("1003"))!.State != SeatState.NotReady)
            await Task.Delay(10);
        Assert.That(seat.Reason, Is.EqualTo(AgentHub.DisconnectedReason));
    }

    [Test]
    public async Task A_screen_pop_reaches_only_its_agent()
    {
        await using var first = await AgentDesk.LoginAsync(Factory, "1001");
        await using var second = await AgentDesk.LoginAsync(Factory, "1002");
        var notifier = AgentDesk.Service<IScreenPopNotifier>(Factory);

        await notifier.PushScreenPopAsync(PopFor("1001", "call-a"));
        await notifier.PushScreenPopAsync(PopFor("1002", "call-b"));

        var pop = await first.Pops.Reader.ReadAsync();
        Assert.That(pop, Is.EqualTo(PopFor("1001", "call-a") with { IvrPath = pop.IvrPath }));
        Assert.That(pop.IvrPath, Is.EqualTo(new[] { "welcome", "taxi" }));
        // Per connection SignalR keeps order: had 1002 been sent call-a, it would arrive before call-b.
        Assert.That((await second.Pops.Reader.ReadAsync()).CallId, Is.EqualTo("call-b"));
        Assert.That(second.Pops.Reader.TryRead(out _), Is.False);
        Assert.That(first.Pops.Reader.TryRead(out _), Is.False);
    }
}
