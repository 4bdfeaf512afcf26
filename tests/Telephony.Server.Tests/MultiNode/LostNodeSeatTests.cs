using Telephony.Cases;
using Telephony.Server.Tests.Calls;
using Telephony.Testing.Calls;

namespace Telephony.Server.Tests.MultiNode;

/// <summary>
/// A node died (SIGKILL) while one of its calls was at a seat: nobody will end that call in the ACD, so the seat would
/// stay OnCall for ever. The survivor's record writer ends the dead node's live records as node-lost
/// (<c>Calls:NodeLostAfterSeconds</c> after its last heartbeat) and releases the seats still holding them: OnCall goes
/// through wrap-up to Ready, as after any call, and the agent's desktop hears why. What the dead node left behind
/// (the seat on its call in the shared Redis, its live record, its last heartbeat a minute ago) is written here
/// directly; <see cref="FailoverDrillTests"/> kills a real node.
/// </summary>
[NonParallelizable]
public sealed class LostNodeSeatTests
{
    [Test]
    [CancelAfter(60_000)]
    public async Task A_dead_nodes_call_at_a_seat_is_ended_and_the_survivor_releases_the_seat()
    {
        await using var survivor = new CallServerFixture(useRedis: true, wrapUpSeconds: 1, moreSettings: new Dictionary<string, string>
        {
            ["Calls:NodeId"] = "survivor",
            ["Calls:NodeHeartbeatSeconds"] = "1",
            ["Calls:NodeLostAfterSeconds"] = "3",
        });
        var (desk, _) = await survivor.AgentAsync("1049", 1200);

        var callId = "lost-" + Guid.NewGuid().ToString("N") + "@dead-node";
        var now = DateTimeOffset.UtcNow;
        var reserved = await survivor.Seats.TryReserveAsync([], callId, now);
        Assert.That(reserved?.Extension, Is.EqualTo("1049"), "the dead node's call took the seat");
        foreach (var state in new[] { SeatState.Ringing, SeatState.OnCall })
        {
            Assert.That((await survivor.Seats.TransitionAsync(new SeatTransitionRequest("1049", state, ExpectedCallId: callId), now)).Succeeded, Is.True);
        }
        await survivor.Records.MarkNodeSeenAsync("dead-node", now.AddMinutes(-1));
        await survivor.Records.SaveCallRecordAsync(new CallRecord
        {
            CallId = callId, OfferedAt = now.AddMinutes(-3), QueuedAt = now.AddMinutes(-2), AnsweredAt = now.AddMinutes(-2),
            Queue = "english", AgentId = "1049", NodeId = "dead-node", Live = true,
        });

        var lost = await survivor.Records.WaitForRecordAsync(callId, r => !r.Live, "the record ended by the survivor", TimeSpan.FromSeconds(20));
        Assert.That(lost.Outcome, Is.EqualTo(CallOutcome.NodeLost.ToText()));
        var ended = await ReadAsync(desk.CallEvents, e => e is CallLeftSeat left && left.CallId == callId, TimeSpan.FromSeconds(10));
        Assert.That(((CallLeftSeat)ended).Reason, Is.EqualTo(CallLeftSeatReason.NodeLost), "the desktop hears why the call left the seat");

        var deadline = DateTime.UtcNow.AddSeconds(15);
        SeatSnapshot? seat;
        while ((seat = await survivor.Seats.GetSeatAsync("1049"))!.State != SeatState.Ready && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.That((seat!.State, seat.AgentId, seat.CallId), Is.EqualTo((SeatState.Ready, (string?)"1049", (string?)null)), "the seat takes calls again");
        var history = (await survivor.Seats.GetHistoryAsync("1049")).Select(t => t.To).ToList();
        Assert.That(history.Skip(history.LastIndexOf(SeatState.OnCall)), Is.EqualTo(new[] { SeatState.OnCall, SeatState.WrapUp, SeatState.Ready }),
            "through wrap-up, as after any call");
    }

    private static async Task<T> ReadAsync<T>(System.Threading.Channels.Channel<T> channel, Func<T, bool> match, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            var item = await channel.Reader.ReadAsync(cts.Token);
            if (match(item))
            {
                return item;
            }
        }
    }
}
