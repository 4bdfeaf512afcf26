
namespace Telephony.ContactCenter.Routing;

/// <summary>How the ACD behaves.</summary>
public sealed class AcdOptions
{
    /// <summary>This server node's name (stored with each queued call).</summary>
    public string Node { get; init; } = Environment.MachineName;

    /// <summary>How long a seat rings before the call moves on and the seat goes NotReady ("no answer").</summary>
    public TimeSpan RingTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>After-call work; the seat returns to Ready by itself when it is over.</summary>
    public TimeSpan WrapUpTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How far past the ring timeout a Reserved/Ringing seat of another node's call counts as abandoned.</summary>
    public TimeSpan StaleGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the ACD reads the seat store's epoch to notice a store that lost its state (besides on
    /// every reconnect of its client); also how soon calls held during an outage are queued once it ends.
    /// </summary>
    public TimeSpan StoreCheckInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an agent whose desktop vanished stays logged in (NotReady) waiting for it to reconnect.</summary>
    public TimeSpan DesktopGrace { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The queues calls may be put in.</summary>
    public IReadOnlyList<QueueDefinition> Queues { get; init; } = [];

    /// <summary>
    /// The queue of work that is not a waiting caller (callback tasks: missed-call returns, callbacks whose attempts
    /// failed), or null for none. Its entries are offered like calls (pop, ring, answer, wrap-up) but only to a Ready
    /// agent for whom no call waits: a seat's dispatch takes a call first and a task only when no call fits it.
    /// </summary>
    public QueueDefinition? TaskQueue { get; init; }

    /// <summary>The task queue a node with callback tasks uses: any agent (no skill), no policy, three minutes a task.</summary>
    public static QueueDefinition CallbackTasks { get; } = new("callback-tasks", [], 0, TimeSpan.FromMinutes(3));

    /// <summary>The seats' extensions.</summary>
    public IReadOnlyList<string> Seats { get; init; } = [];

    /// <summary>Extensions 1001..1060, the hotline's 60 seats.</summary>
    public static IReadOnlyList<string> SeatRange(int first, int count) =>
        [.. Enumerable.Range(first, count).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}
