using Telephony.Calls;
using Telephony.ContactCenter.Queues;
using Telephony.ContactCenter.Routing;
using Telephony.ContactCenter.Seats;

namespace Telephony.Server.Supervisors;

/// <summary>
/// Reads the floor once: seats and queues from the seat store (all nodes' when it is Redis), the calls from
/// this node's call manager (other nodes' calls show as a seat state without a caller until the multi-node work).
/// </summary>
public sealed class FloorBuilder(AutomaticCallDistributor acd, AcdOptions options, CallManager calls, FloorAlarms alarms, TimeProvider time)
{
    /// <summary>The node's name on the view.</summary>
    public string Node => options.Node;

    public async Task<FloorView> BuildAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var seats = await acd.Store.GetSeatsAsync(ct).ConfigureAwait(false);
        var live = calls.LiveCalls().ToDictionary(c => c.CallId, StringComparer.Ordinal);
        var tiles = seats.Select(s => Tile(s, s.CallId is { } id ? live.GetValueOrDefault(id) : null)).ToList();
        var queues = new List<QueueTile>();
        foreach (var queue in acd.Queues.OrderBy(q => q.Name, StringComparer.Ordinal))
        {
            var waiting = await acd.Store.GetQueueAsync(queue.Name, ct).ConfigureAwait(false);
            queues.Add(Queue(queue, waiting, seats, now));
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
        int expected = waiting.Count == 0 && ready > 0
            ? 0
            : (int)Math.Ceiling(AutomaticCallDistributor.ExpectedWait(queue, waiting.Count + 1, ready + busy).TotalSeconds);
        return new QueueTile(queue.Name, string.Join(',', queue.RequiredSkills), waiting.Count, oldest, ready, busy, expected,
            oldest is { } o && now - o > FloorAlarms.LongWait);
    }
}
