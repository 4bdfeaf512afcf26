using Telephony.Calls;
using Telephony.ContactCenter.Queues;
using Telephony.ContactCenter.Routing;
using Telephony.ContactCenter.Seats;

namespace Telephony.Server.Supervisors;

/// <summary>
/// Reads the floor once: seats and queues from the seat store (all nodes' when it is Redis), the calls from
/// this node's call manager, and another node's call as <see cref="OtherNodesCalls"/> last learnt it (no round trip
/// to the other nodes on a look).
/// </summary>
public sealed class FloorBuilder(AutomaticCallDistributor acd, AcdOptions options, CallManager calls, OtherNodesCalls others, FloorAlarms alarms, TimeProvider time)
{
    /// <summary>The node's name on the view.</summary>
    public string Node => options.Node;

    public async Task<FloorView> BuildAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // Every read at once: with Redis the seats (two round trips) and each queue (one script each) are pipelined on
        // the one connection, so a look costs two round trips instead of two plus one per queue in turn.
        var seatsRead = acd.Store.GetSeatsAsync(ct);
        var queueReads = acd.Queues.OrderBy(q => q.Name, StringComparer.Ordinal).Select(q => (Queue: q, Read: acd.Store.GetQueueAsync(q.Name, ct))).ToList();
        await Task.WhenAll(queueReads.Select(r => (Task)r.Read).Append(seatsRead)).ConfigureAwait(false);
        var seats = await seatsRead.ConfigureAwait(false);
        var live = calls.LiveCalls().ToDictionary(c => c.CallId, StringComparer.Ordinal);
        var remote = others.Known(wanted: seats.Any(s => s.CallId is { } id && !live.ContainsKey(id)));
        var tiles = seats.Select(s => Tile(s, s.CallId is { } id ? live.GetValueOrDefault(id) ?? remote.GetValueOrDefault(id) : null)).ToList();
        var queues = new List<QueueTile>(queueReads.Count);
        foreach (var (queue, read) in queueReads)
        {
            queues.Add(Queue(queue, await read.ConfigureAwait(false), seats, now));
        }
        return new FloorView(now, Node, tiles, queues, alarms.ForQueues(queues));
    }

    private static SeatTile Tile(SeatSnapshot seat, LiveCall? call) => new(
        seat.Extension, seat.AgentId, seat.State, seat.Reason, string.Join(',', seat.Skills), seat.StateSince,
        seat.CallId, call?.Caller, call?.Queue, call is null ? null : call.AnsweredAt ?? call.OfferedAt, call?.Supervision, seat.CallId is null || call is not null);

    private static QueueTile Queue(QueueDefinition queue, IReadOnlyList<QueueEntry> waiting, IReadOnlyList<SeatSnapshot> seats, DateTimeOffset now)
    {
        var skilled = seats.Where(s => s.AgentId is not null && s.HasSkills(queue.RequiredSkills)).ToList();
        int ready = skilled.Count(s => s.State == SeatState.Ready);
        int busy = skilled.Count(s => s.State is SeatState.Reserved or SeatState.Ringing or SeatState.OnCall or SeatState.WrapUp);
        DateTimeOffset? oldest = waiting.Count == 0 ? null : waiting.Min(e => e.EnqueuedAt);
        // Nobody waits: none expected. The ACD's estimate (handle time × position / staffed agents, at least one) is for a
        // call behind others; for an empty queue it said a whole handle time (5:00) while nobody was waiting at all.
        int expected = waiting.Count == 0
            ? 0
            : (int)Math.Ceiling(AutomaticCallDistributor.ExpectedWait(queue, waiting.Count + 1, ready + busy).TotalSeconds);
        return new QueueTile(queue.Name, string.Join(',', queue.RequiredSkills), waiting.Count, oldest, ready, busy, expected,
            oldest is { } o && now - o > FloorAlarms.LongWait);
    }
}
