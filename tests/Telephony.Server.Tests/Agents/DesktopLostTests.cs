using Microsoft.Extensions.Logging;
using Telephony.Server.Tests.Calls;

namespace Telephony.Server.Tests.Agents;

/// <summary>
/// An agent's desktop (the hub connection) vanishes while the agent talks: the phone leg is not the
/// desktop, so the call goes on to its end; the log says so in one line with the Call-ID and seat;
/// and the seat does not come back Ready for an agent nobody can reach.
/// </summary>
[NonParallelizable]
public sealed class DesktopLostTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task A_desktop_lost_mid_call_keeps_the_call_and_the_seat_does_not_go_Ready()
    {
        var logs = new LogCapture();
        await using var server = new CallServerFixture(useRedis: false, wrapUpSeconds: 1, testServices: s => s.AddSingleton<ILoggerProvider>(logs),
            moreSettings: new Dictionary<string, string> { ["ContactCenter:DesktopGraceSeconds"] = "8" });
        var (desk, agent) = await server.AgentAsync("1049", 1200);
        agent.AutoAnswer();
        var (_, call, _) = await server.ConnectEnglishCallAsync(agent, 500, "+861601");

        desk.Drop();
        await Task.Delay(1500);
        Assert.That(server.Calls.PhaseOf(call.CallId), Is.EqualTo(CallPhase.Connected), "the call goes on without the desktop");
        await call.HangupAsync();
        await server.RecordAsync(call.CallId);
        await Task.Delay(2500); // past the 1 s wrap-up

        var seat = await server.Seats.GetSeatAsync("1049");
        Assert.That((seat!.State, seat.Reason), Is.EqualTo((SeatState.NotReady, AgentHub.DisconnectedReason)), "no call may ring for an agent without a desktop");
        Assert.That(logs.WithStackTraces(), Is.Empty, "no stack trace for a dropped desktop");
        Assert.That(logs.Lines.Select(l => l.Text), Has.Some.Contains(call.CallId).And.Contains("1049").And.Contains("desktop"), "one clear line with the Call-ID and seat");

        // The desktop does not come back within the grace period: the agent is logged out.
        while ((seat = await server.Seats.GetSeatAsync("1049"))!.State != SeatState.LoggedOut)
        {
            await Task.Delay(100);
        }
        Assert.That(await server.Seats.FindSeatOfAgentAsync("1049"), Is.Null);
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task A_desktop_that_reconnects_within_the_grace_keeps_its_login()
    {
        await using var server = new TelephonyTestServer(new TelephonyTestServerOptions
        {
            Settings = new Dictionary<string, string> { ["ContactCenter:DesktopGraceSeconds"] = "2" },
        });
        var store = server.Service<AutomaticCallDistributor>().Store;
        var desk = await AgentDesk.LoginAsync(server.Factory, "1004");
        await desk.Connection.InvokeAsync<SeatSnapshot>("Login", "1004");
        await desk.Connection.InvokeAsync<SeatSnapshot>("SetReady");
        desk.Drop();
        SeatSnapshot? seat;
        while ((seat = await store.GetSeatAsync("1004"))!.State != SeatState.NotReady)
        {
            await Task.Delay(20);
        }
        Assert.That(seat.Reason, Is.EqualTo(AgentHub.DisconnectedReason));
        await desk.DisposeAsync();

        await using var again = await AgentDesk.LoginAsync(server.Factory, "1004");
        await Task.Delay(3500); // past the grace period
        var kept = await again.Connection.InvokeAsync<SeatSnapshot?>("GetSeat");
        Assert.That((kept?.AgentId, kept?.State), Is.EqualTo(("1004", (SeatState?)SeatState.NotReady)), "the login is kept; the agent chooses Ready");
        Assert.That((await again.Connection.InvokeAsync<SeatSnapshot>("SetReady")).State, Is.EqualTo(SeatState.Ready));
    }
}
