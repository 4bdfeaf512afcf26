using Telephony.ContactCenter.Store;
using Telephony.Testing.Peers;

namespace Telephony.Calls.Tests;

/// <summary>
/// The seat store's Redis restarts without persistence (everything in it is gone) or is away for a
/// while. The node puts back what it holds: its agents as they were, its queued calls in their order;
/// and a call that leaves the IVR while Redis is away hears music and is answered once it returns.
/// Each test runs its own redis-server (6400-6409) and restarts it with SHUTDOWN NOSAVE.
/// </summary>
[NonParallelizable]
public sealed class RedisRestartTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task Agents_logged_in_before_a_restart_are_logged_in_after_it_and_logins_work()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var server = await CallsFixture.StartAsync(redisEndPoint: redis.EndPoint);
        await server.AgentAsync("1049", 1200);
        Assert.That((await server.Acd.LoginAsync("1050", "1050")).Succeeded, Is.True);
        Assert.That((await server.Acd.SetNotReadyAsync("1050", "1050", "training")).Succeeded, Is.True);

        await redis.StopAsync();
        var refused = await server.Acd.LoginAsync("1051", "1051");
        Assert.That(refused.Error, Is.EqualTo(SeatError.StoreUnavailable), "a login while Redis is away: unavailable, not 'no such seat'");
        await redis.StartAgainAsync();

        var ready = await server.WaitSeatAsync("1049", SeatState.Ready, 15);
        Assert.That((ready?.AgentId, ready?.State), Is.EqualTo(("1049", (SeatState?)SeatState.Ready)), "the Ready agent is back, Ready");
        var notReady = await server.Seats.GetSeatAsync("1050");
        Assert.That((notReady?.AgentId, notReady?.State, notReady?.Reason), Is.EqualTo(("1050", (SeatState?)SeatState.NotReady, "training")), "the NotReady agent keeps the reason");
        Assert.That(await server.Seats.FindSeatOfAgentAsync("1049"), Is.EqualTo("1049"));
        Assert.That((await server.Acd.LoginAsync("1051", "1051")).Succeeded, Is.True, "logins work again");
        Assert.That((await server.Acd.LoginAsync("1049", "1051")).Error, Is.EqualTo(SeatError.SeatTaken), "a restored seat is not free for another agent");
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Calls_queued_before_a_restart_are_answered_after_it_in_their_order()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var server = await CallsFixture.StartAsync(redisEndPoint: redis.EndPoint);
        var agent = await server.AgentAsync("1049", 1200);
        Assert.That((await server.Acd.SetNotReadyAsync("1049", "1049", "break")).Succeeded, Is.True);
        agent.AutoAnswer();
        var first = await server.DialEnglishAsync(await server.CitizenAsync(500, "+861701"));
        Assert.That(await server.WaitPhaseAsync(first.CallId, CallPhase.Queued), Is.EqualTo(CallPhase.Queued));
        await Task.Delay(20); // distinct arrival times
        var second = await server.DialEnglishAsync(await server.CitizenAsync(600, "+861702"));
        Assert.That(await server.WaitPhaseAsync(second.CallId, CallPhase.Queued), Is.EqualTo(CallPhase.Queued));

        await redis.RestartAsync();
        Assert.That(await server.WaitSeatAsync("1049", SeatState.NotReady, 15), Is.Not.Null, "the node restored its agent");
        var queue = await WaitQueueAsync(server, 2);
        Assert.That(queue.Select(e => e.CallId), Is.EqualTo(new[] { first.CallId, second.CallId }), "both calls back in the store, first come first");

        Assert.That((await server.Acd.SetReadyAsync("1049", "1049")).Succeeded, Is.True);
        Assert.That(await server.WaitPhaseAsync(first.CallId, CallPhase.Connected), Is.EqualTo(CallPhase.Connected), "the first caller is answered first");
        Assert.That(server.Calls.PhaseOf(second.CallId), Is.EqualTo(CallPhase.Queued));
        await first.HangupAsync();
        Assert.That(await server.WaitPhaseAsync(second.CallId, CallPhase.Connected, 20), Is.EqualTo(CallPhase.Connected), "then the second");
        await second.HangupAsync();
        Assert.That((await server.RecordAsync(second.CallId)).AgentId, Is.EqualTo("1049"));
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task A_call_leaving_the_IVR_while_Redis_is_away_hears_music_and_is_answered_when_it_returns()
    {
        await using var redis = await RedisServerProcess.StartAsync();
        await using var server = await CallsFixture.StartAsync(redisEndPoint: redis.EndPoint);
        var agent = await server.AgentAsync("1049", 1200);
        agent.AutoAnswer();

        await redis.StopAsync();
        var citizen = await server.CitizenAsync(500, "+861703");
        var call = await server.DialEnglishAsync(citizen);
        Assert.That(await server.WaitPhaseAsync(call.CallId, CallPhase.Queued), Is.EqualTo(CallPhase.Queued));
        // Two seconds of what the caller hears, however long a loaded machine takes to deliver them: a fixed
        // 2.5-s window missed packets the media clocks of both ends delivered late (and the jitter buffer then
        // dropped) whenever the test machine was busy; what matters is music, not the loss figure.
        await Task.Delay(1000);
        citizen.Listening = true;
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (citizen.Received().Length < 16000 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        citizen.Listening = false;
        var heard = citizen.Received();
        Assert.That(server.Calls.PhaseOf(call.CallId), Is.EqualTo(CallPhase.Queued), "held, not hung up");
        Assert.That(heard.Length, Is.GreaterThanOrEqualTo(16000), "the waiting caller receives audio");
        Assert.That(ToneCheck.Rms(heard), Is.GreaterThan(200), "music on hold, not silence");

        await redis.StartAgainAsync();
        Assert.That(await server.WaitPhaseAsync(call.CallId, CallPhase.Connected, 20), Is.EqualTo(CallPhase.Connected), "answered once Redis is back");
        Assert.That((await server.Pops.For("1049").ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5))).CallId, Is.EqualTo(call.CallId));
        await call.HangupAsync();
        var record = await server.RecordAsync(call.CallId);
        Assert.That((record.Outcome, record.AgentId), Is.EqualTo(("answered", "1049")));
    }

    private static async Task<IReadOnlyList<Telephony.ContactCenter.Queues.QueueEntry>> WaitQueueAsync(CallsFixture server, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            try
            {
                var entries = (await server.Seats.GetWaitingQueuesAsync()).Select(q => server.Seats.GetQueueAsync(q)).ToList();
                var all = (await Task.WhenAll(entries)).SelectMany(e => e).ToList();
                if (all.Count >= count || DateTime.UtcNow > deadline)
                {
                    return all;
                }
            }
            catch (SeatStoreUnavailableException) when (DateTime.UtcNow < deadline)
            {
            }
            await Task.Delay(100);
        }
    }
}
