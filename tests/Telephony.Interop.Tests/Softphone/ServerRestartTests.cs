using SeatState = Telephony.ContactCenter.Seats.SeatState;

namespace Telephony.Interop.Tests.Softphone;

/// <summary>
/// Issue 10, finding 7: after a server restart the agent was silently logged out (the restarted server
/// knows no seats); the softphone now logs in again to its seat by itself, says so, and is Ready again.
/// </summary>
[CancelAfter(90_000)]
[NonParallelizable]
public sealed class ServerRestartTests
{
    [Test]
    public async Task After_a_server_restart_the_softphone_logs_in_to_its_seat_again_and_is_Ready(CancellationToken ct)
    {
        var first = new SoftphoneServer();
        int httpPort = first.Http.Port, sipPort = first.SipPort;
        var options = first.Agent("1001");
        options.ReadyOnStart = true;
        await using var client = await AgentClient.StartAsync(options, cancellationToken: ct);
        Assert.That((await first.Acd.Store.GetSeatAsync("1001"))!.State, Is.EqualTo(SeatState.Ready));

        await first.DisposeAsync();
        await using var second = new SoftphoneServer(httpPort, sipPort);
        Assert.That(await second.Acd.Store.GetSeatAsync("1001") is { AgentId: null } or null, Is.True, "the new server starts without the agent");

        var notice = await NoticeContaining(client, "logged in again to seat 1001", ct);
        TestContext.Out.WriteLine(notice.Message);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while ((await second.Acd.Store.GetSeatAsync("1001"))?.State != SeatState.Ready && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, ct);
        }
        var seat = await second.Acd.Store.GetSeatAsync("1001");
        Assert.That((seat!.AgentId, seat.State), Is.EqualTo(("1001", SeatState.Ready)));
        while ((await second.Locations.GetBindingsAsync("sip:1001@test.local", ct)).Count == 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, ct);
        }
        Assert.That((await second.Locations.GetBindingsAsync("sip:1001@test.local", ct)).Select(b => b.ContactUri), Has.Some.EqualTo(client.Contact),
            "registered again over SIP with the new server");
    }

    private static async Task<NoticeEvent> NoticeContaining(AgentClient client, string text, CancellationToken ct)
    {
        while (true)
        {
            var notice = await client.Events.NextAsync<NoticeEvent>(ct, TimeSpan.FromSeconds(45));
            TestContext.Out.WriteLine("notice: " + notice.Message);
            if (notice.Message.Contains(text, StringComparison.Ordinal))
            {
                return notice;
            }
        }
    }
}
