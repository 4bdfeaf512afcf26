using System.Globalization;
using Telephony.Server.Tests.Calls;

namespace Telephony.Server.Tests.MultiNode;

/// <summary>
/// Issue 15's Redis drill on two nodes: agents logged in through each node, a call queued on each, then the shared
/// Redis restarts without persistence (a redis-server of the test's own on 43000-43009, SHUTDOWN NOSAVE). Each node
/// puts back its share (its agent as they were, its queued call in its place, the registrations it took), no seat
/// ends up with two agents or two calls, and once the agents are Ready both callers are answered. The nodes run
/// in-process side by side (SIP on ephemeral loopback ports, RTP 43100-43299, phones 43300-43499).
/// </summary>
[NonParallelizable]
public sealed class RedisRestartDrillTests
{
    [Test]
    [CancelAfter(180_000)]
    public async Task After_a_redis_restart_both_nodes_put_back_agents_calls_and_registrations_and_every_caller_is_answered()
    {
        await using var redis = await RedisServerProcess.StartAsync(43000, 43009);
        var prefix = "drill:" + Guid.NewGuid().ToString("N")[..8];
        await using var nodeA = Node("a", redis, prefix, 43100, 43300);
        await using var nodeB = Node("b", redis, prefix, 43200, 43400);

        // Agent 1049 works through node a (desk and phone), 1050 through node b; both on a break, so calls queue.
        var (deskA, phoneA) = await nodeA.AgentAsync("1049", 1200);
        var (deskB, phoneB) = await nodeB.AgentAsync("1050", 1300);
        phoneA.AutoAnswer();
        phoneB.AutoAnswer();
        await deskA.Connection.InvokeAsync<SeatSnapshot>("SetNotReady", "break");
        await deskB.Connection.InvokeAsync<SeatSnapshot>("SetNotReady", "training");
        var callA = await QueueEnglishCallAsync(nodeA, "+861711");
        var callB = await QueueEnglishCallAsync(nodeB, "+861712");

        await redis.RestartAsync();

        // Each node put back its agent as they were, and its queued call.
        var store = nodeA.Seats;
        var seen = "";
        var seats = await WaitAsync(async () =>
        {
            var all = await store.GetSeatsAsync();
            var queued = new List<string>();
            foreach (var queue in await store.GetWaitingQueuesAsync())
            {
                queued.AddRange((await store.GetQueueAsync(queue)).Select(e => queue + ":" + e.CallId));
            }
            seen = string.Join(", ", all.Where(s => s.AgentId is not null).Select(s => $"{s.Extension}={s.AgentId}/{s.State}")) + "; queued " + string.Join(", ", queued);
            return all.Count(s => s.AgentId is not null) == 2 && queued.Count == 2 ? all : null;
        }, () => "both agents and both queued calls back in the store; last seen: " + seen);
        var agents = seats.Where(s => s.AgentId is not null).Select(s => (s.Extension, s.AgentId, s.State, s.Reason)).ToList();
        Assert.That(agents, Is.EquivalentTo(new[] { ("1049", (string?)"1049", SeatState.NotReady, (string?)"break"), ("1050", "1050", SeatState.NotReady, "training") }),
            "one seat per agent, each as it was");
        Assert.That((await nodeB.Service<AutomaticCallDistributor>().LoginAsync("1049", "1051")).Error, Is.EqualTo(SeatError.SeatTaken),
            "a restored seat is not free for another agent");

        // Ready again: both callers are answered, one per agent, at the phones registered before the restart.
        foreach (var desk in new[] { deskA, deskB })
        {
            await WaitAsync(async () => (await desk.Connection.InvokeAsync<SeatSnapshot>("SetReady")).State == SeatState.Ready ? desk : null, "Ready again");
        }
        var answeredA = await phoneA.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        var answeredB = await phoneB.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        await answeredA.NextAsync<CallEstablished>();
        await answeredB.NextAsync<CallEstablished>();
        Assert.That(await WaitPhaseAsync(nodeA, callA.CallId, CallPhase.Connected), Is.EqualTo(CallPhase.Connected), "node a's caller is answered");
        Assert.That(await WaitPhaseAsync(nodeB, callB.CallId, CallPhase.Connected), Is.EqualTo(CallPhase.Connected), "node b's caller is answered");
        var onCall = (await store.GetSeatsAsync()).Where(s => s.State == SeatState.OnCall).Select(s => s.CallId).ToList();
        Assert.That(onCall, Is.EquivalentTo(new[] { callA.CallId, callB.CallId }), "each call at one seat, each seat one call");

        await callA.HangupAsync();
        await callB.HangupAsync();
        var agentOfA = (await nodeA.RecordAsync(callA.CallId)).AgentId;
        var agentOfB = (await nodeB.RecordAsync(callB.CallId)).AgentId;
        Assert.That(new[] { agentOfA, agentOfB }, Is.EquivalentTo(new[] { "1049", "1050" }));
    }

    private static CallServerFixture Node(string name, RedisServerProcess redis, string prefix, int rtpMin, int phoneMin) =>
        new(useRedis: false, moreSettings: new Dictionary<string, string>
        {
            ["ContactCenter:Redis"] = redis.EndPoint,
            ["ContactCenter:KeyPrefix"] = prefix,
            ["ContactCenter:Node"] = name,
            ["Calls:NodeId"] = name,
            ["Calls:RtpPortMin"] = rtpMin.ToString(CultureInfo.InvariantCulture),
            ["Calls:RtpPortMax"] = (rtpMin + 99).ToString(CultureInfo.InvariantCulture),
        }, phonePortMin: phoneMin, phonePortMax: phoneMin + 99);

    /// <summary>A citizen dials the node's 12345 and presses 9 (English); returns once the call waits in the queue.</summary>
    private static async Task<SipCall> QueueEnglishCallAsync(CallServerFixture node, string caller)
    {
        var citizen = await node.CitizenAsync(500, caller);
        var call = await citizen.Ua.CallAsync(node.Uri("12345"), citizen.Offer());
        citizen.ApplyAnswer((await call.NextAsync<CallEstablished>()).RemoteSdp);
        await Task.Delay(200);
        Assert.That((await call.SendDtmfAsync('9')).StatusCode, Is.EqualTo(200));
        Assert.That(await WaitPhaseAsync(node, call.CallId, CallPhase.Queued), Is.EqualTo(CallPhase.Queued));
        return call;
    }

    private static async Task<CallPhase?> WaitPhaseAsync(CallServerFixture node, string callId, CallPhase phase)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (node.Calls.PhaseOf(callId) != phase && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        return node.Calls.PhaseOf(callId);
    }

    /// <summary>Polls <paramref name="probe"/> (a store or hub that may still be reconnecting) until it returns something.</summary>
    private static Task<T> WaitAsync<T>(Func<Task<T?>> probe, string what) where T : class => WaitAsync(probe, () => what);

    private static async Task<T> WaitAsync<T>(Func<Task<T?>> probe, Func<string> what) where T : class
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                if (await probe() is { } found)
                {
                    return found;
                }
            }
            catch (Exception e) when (e is SeatStoreUnavailableException or HubException or StackExchange.Redis.RedisException && DateTime.UtcNow < deadline)
            {
            }
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), what());
            await Task.Delay(200);
        }
    }
}
