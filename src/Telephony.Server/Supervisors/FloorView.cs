using Telephony.Cases;
using Telephony.ContactCenter.Seats;

namespace Telephony.Server.Supervisors;

/// <summary>
/// The live floor as the supervisors' wall shows it: every seat, every queue, the alarms. Times are instants
/// (the page counts time in state, call duration and waits from them against <see cref="At"/>), so the view
/// changes only when something on the floor does, and only then is it pushed.
/// </summary>
/// <param name="At">When the server built the view (the page corrects its clock by it).</param>
/// <param name="Node">The node that built it (the seats show every node's calls; another node's details as last learnt, <see cref="OtherNodesCalls"/>).</param>
public sealed record FloorView(DateTimeOffset At, string Node, IReadOnlyList<SeatTile> Seats, IReadOnlyList<QueueTile> Queues, IReadOnlyList<FloorAlarm> Alarms)
{
    /// <summary>Equal in content (the build time aside): lists compared item by item.</summary>
    public bool SameFloor(FloorView? other) =>
        other is not null && Node == other.Node && Seats.SequenceEqual(other.Seats) && Queues.SequenceEqual(other.Queues) && Alarms.SequenceEqual(other.Alarms);
}

/// <summary>One seat on the wall.</summary>
/// <param name="Skills">The agent's skills joined by commas (a string, so the tile compares by value).</param>
/// <param name="Caller">The current call's caller, when the call is known (<paramref name="CallKnown"/>).</param>
/// <param name="CallSince">When the agent answered the current call (or it was offered, before that).</param>
/// <param name="CallKnown">False while the seat holds a call whose details (caller, queue, since) the wall has not learnt yet
/// (another node's, until <see cref="OtherNodesCalls"/> hears of it): shown without a caller, still monitorable by its id.</param>
public sealed record SeatTile(string Extension, string? AgentId, SeatState State, string? Reason, string Skills, DateTimeOffset StateSince,
    string? CallId, string? Caller, string? Queue, DateTimeOffset? CallSince, string? Supervision, bool CallKnown);

/// <summary>One queue on the wall.</summary>
/// <param name="OldestSince">When the longest-waiting call was queued; null when nobody waits.</param>
/// <param name="ExpectedWaitSeconds">For a call joining behind those waiting (the ACD's own estimate for position announcements); 0 when nobody waits.</param>
/// <param name="Flagged">A call has waited longer than <see cref="FloorAlarms.LongWait"/>.</param>
public sealed record QueueTile(string Name, string Skills, int Waiting, DateTimeOffset? OldestSince, int Ready, int Busy, int ExpectedWaitSeconds, bool Flagged);

/// <summary>An alarm on the wall: <see cref="Kind"/> is <c>service-level</c> or <c>long-wait</c>; <see cref="Subject"/> the queue, or "today".</summary>
public sealed record FloorAlarm(string Kind, string Subject, string Detail);

/// <summary>Today's figures for the wall: one <see cref="CallFigures"/> per interval (now, 15, 30, 60 min, today), each with its window.</summary>
/// <param name="ServiceLevelTarget">The service-level target the alarm compares against (0..1).</param>
public sealed record FigureBoard(DateTimeOffset At, IReadOnlyList<FigureInterval> Intervals, double ServiceLevelTarget, double ConnectedRateTarget);

/// <summary>One interval: its name (<c>now</c>, <c>15m</c>, <c>30m</c>, <c>60m</c>, <c>today</c>) and the figures of its window.</summary>
public sealed record FigureInterval(string Name, CallFigures Figures);
