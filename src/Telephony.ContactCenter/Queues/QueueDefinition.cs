namespace Telephony.ContactCenter.Queues;

/// <summary>
/// A queue: the skills an agent needs to take its calls, a priority added to each caller's own
/// priority (so, say, the taxi lane can outrank the general lane), and what the queue does so that
/// no caller is stranded in it (<see cref="Policy"/>).
/// </summary>
/// <param name="Name">Unique name ("zh-taxi").</param>
/// <param name="RequiredSkills">Skills an agent must have, lower case (e.g. "zh", "taxi").</param>
/// <param name="Priority">Added to each call's priority; higher is served first.</param>
/// <param name="AverageHandleTime">Used for the expected-wait announcement.</param>
/// <param name="Policy">Maximum wait, overflows, size limit and end action; null = wait for ever, unlimited (the old behaviour).</param>
public sealed record QueueDefinition(
    string Name,
    IReadOnlyList<string> RequiredSkills,
    int Priority,
    TimeSpan AverageHandleTime,
    QueuePolicy? Policy = null);
/// <summary>A call waiting in a queue as a store keeps it.</summary>
/// <param name="CallId">The call.</param>
/// <param name="Queue">The queue's name.</param>
/// <param name="Priority">Effective priority (caller's + queue's), clamped to 0..<see cref="QueuePriority.Max"/>.</param>
/// <param name="EnqueuedAt">Arrival time.</param>
/// <param name="Node">The server node that owns the call (where its mailbox lives).</param>
public sealed record QueueEntry(string CallId, string Queue, int Priority, DateTimeOffset EnqueuedAt, string Node);

/// <summary>Where a call stands in its queue.</summary>
/// <param name="CallId">The call.</param>
/// <param name="Queue">The queue's name.</param>
/// <param name="Position">1 = next to be served.</param>
/// <param name="ExpectedWait">Estimate for the "you are number N" announcement.</param>
public sealed record QueuePosition(string CallId, string Queue, int Position, TimeSpan ExpectedWait)
{
    /// <summary>
    /// Shorter expected waits are not announced: the caller is about to be served, and "about 0 minutes"
    /// (or a promise the next offer breaks) helps nobody.
    /// </summary>
    public static readonly TimeSpan ShortestAnnouncedWait = TimeSpan.FromSeconds(30);

    /// <summary>Whether the expected wait is worth saying with the position.</summary>
    public bool WaitWorthSaying => ExpectedWait >= ShortestAnnouncedWait;

    /// <summary>The expected wait in whole minutes as said to the caller (rounded up, at least 1).</summary>
    public int WaitMinutes => Math.Max(1, (int)Math.Ceiling(ExpectedWait.TotalMinutes));
}

/// <summary>Queue order in every store: priority (higher first), then arrival (ms), then call id.</summary>
public static class QueuePriority
{
    /// <summary>The highest effective priority; larger values are clamped.</summary>
    public const int Max = 999;

    /// <summary>Clamps an effective priority into 0..<see cref="Max"/>.</summary>
    public static int Clamp(int priority) => Math.Clamp(priority, 0, Max);

    private static readonly DateTimeOffset ArrivalEpoch = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// Arrival order key: milliseconds since 2025 clamped to 0..1e12 (31 years). Ordering by the
    /// arrival time itself, not by an insertion counter, means a call put back after a ring timeout
    /// keeps its place in the queue.
    /// </summary>
    public static long ArrivalKey(DateTimeOffset enqueuedAt) =>
        Math.Clamp((long)(enqueuedAt - ArrivalEpoch).TotalMilliseconds, 0, 999_999_999_999);
}

/// <summary>A call and a seat matched atomically by a store: the call left its queue, the seat is Reserved.</summary>
public sealed record Assignment(QueueEntry Call, Seats.SeatSnapshot Seat);
