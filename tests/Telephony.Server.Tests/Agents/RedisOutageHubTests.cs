namespace Telephony.Server.Tests.Agents;

/// <summary>
/// The agents' hub while the seat store's Redis is away (a redis-server of the test's own, 6400-6409):
/// a desktop gets one clear sentence, never "No such seat" nor a server error, and after a restart
/// without persistence the agent is logged in as before.
/// </summary>
[NonParallelizable]
[CancelAfter(60_000)]
public sealed class RedisOutageHubTests
{
    [Test]
    public async Task While_Redis_is_away_logins_say_so_and_after_a_restart_the_agent_is_back()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        var logs = new LogCapture();
        await using var server = new TelephonyTestServer(new TelephonyTestServerOptions
        {
            Settings = new Dictionary<string, string> { ["ContactCenter:Redis"] = redis.EndPoint + ",abortConnect=true" },
            TestServices = s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(logs),
        });
        await using var desk = await AgentDesk.LoginAsync(server.Factory, "1001");
        await desk.Connection.InvokeAsync<SeatSnapshot>("Login", "1001");
        await desk.Connection.InvokeAsync<SeatSnapshot>("SetReady");
        await using var other = await AgentDesk.LoginAsync(server.Factory, "1002");
        Assert.That(await other.Connection.InvokeAsync<SeatSnapshot?>("GetSeat"), Is.Null, "connected (its group joined through the backplane) before Redis goes");

        await redis.StopAsync();
        var login = Assert.ThrowsAsync<HubException>(() => other.Connection.InvokeAsync<SeatSnapshot>("Login", "1002"));
        Assert.That(login!.Message, Does.Contain(AgentHub.StoreUnavailableMessage));
        var seat = Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync<SeatSnapshot?>("GetSeat"));
        Assert.That(seat!.Message, Does.Contain(AgentHub.StoreUnavailableMessage));
        for (var i = 0; i < 5; i++)
            Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync("SetReady"));
        var acdLines = logs.Lines.Where(l => l.Category.EndsWith("AutomaticCallDistributor", StringComparison.Ordinal)).ToList();
        Assert.That(acdLines.Count(l => l.Text.Contains("unavailable", StringComparison.Ordinal)), Is.EqualTo(1), "one line for the outage, not one per attempt");
        // (SignalR's Redis backplane logs its own connection failure once; that is not a request's.)
        Assert.That(logs.Lines.Where(l => l.Category.Contains("HubDispatcher", StringComparison.Ordinal) || l.Category.Contains("ContactCenter", StringComparison.Ordinal) || l.Category.Contains("Agents", StringComparison.Ordinal))
            .Where(l => l.Exception is not null && l.Level >= Microsoft.Extensions.Logging.LogLevel.Warning).Select(l => l.Text), Is.Empty, "no stack traces for refused requests");

        await redis.StartAgainAsync();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        SeatSnapshot? back = null;
        while (DateTime.UtcNow < deadline && back?.State != SeatState.Ready)
        {
            try
            {
                back = await desk.Connection.InvokeAsync<SeatSnapshot?>("GetSeat");
            }
            catch (HubException)
            {
            }
            await Task.Delay(200);
        }
        Assert.That((back?.Extension, back?.AgentId, back?.State), Is.EqualTo(("1001", "1001", (SeatState?)SeatState.Ready)), "restored as it was");
        Assert.That((await other.Connection.InvokeAsync<SeatSnapshot>("Login", "1002")).AgentId, Is.EqualTo("1002"), "logins work again");
    }
}
