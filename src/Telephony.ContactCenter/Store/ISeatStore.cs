
namespace Telephony.ContactCenter.Store;

/// <summary>
/// Live seat and queue state. Every operation is atomic on its own: with the Redis store two
/// server nodes can never reserve one agent for two calls, nor hand one queued call to two agents.
/// All implementations pass the same contract test suite. A store that cannot be reached throws
/// <see cref="SeatStoreUnavailableException"/> (and nothing else for that reason).
/// </summary>
public interface ISeatStore
{
    /// <summary>
    /// Creates the seats that do not exist yet (LoggedOut); existing seats are untouched. Returns the
    /// store's epoch: an id created with the first seats and kept as long as the store keeps its state.
    /// </summary>
    Task<string> EnsureSeatsAsync(IEnumerable<string> extensions, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>
    /// The store's epoch (see <see cref="EnsureSeatsAsync"/>), or null when the store holds no seats. A
    /// node that remembers another epoch knows the store lost its state (a Redis restarted without
    /// persistence) and must put back what it holds.
    /// </summary>
    Task<string?> GetEpochAsync(CancellationToken ct = default);

    /// <summary>
    /// Puts back a seat as a node held it before the store lost its state: logs the agent in with its
    /// skills, refused exactly as <see cref="LoginAsync"/> is (another agent holds the seat, or the agent
    /// sits elsewhere), then moves the seat to <paramref name="seat"/>'s state, reason and call. When the
    /// agent is already at the seat nothing changes.
    /// </summary>
    Task<SeatResult> RestoreAsync(SeatSnapshot seat, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Raised when the connection to a shared store comes back after a loss (never by an in-process store).</summary>
    event EventHandler? ConnectionRestored;

    /// <summary>The seat, or null if there is no such seat.</summary>
    Task<SeatSnapshot?> GetSeatAsync(string extension, CancellationToken ct = default);

    /// <summary>All seats, ordered by extension.</summary>
    Task<IReadOnlyList<SeatSnapshot>> GetSeatsAsync(CancellationToken ct = default);

    /// <summary>The seat where the agent is logged in, or null.</summary>
    Task<string?> FindSeatOfAgentAsync(string agentId, CancellationToken ct = default);

    /// <summary>Logs an agent in (LoggedOut -> NotReady "login"). Logging in again at the same seat is a no-op.</summary>
    Task<SeatResult> LoginAsync(string extension, string agentId, IReadOnlyCollection<string> skills, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Logs the agent out (only from Ready, NotReady or WrapUp).</summary>
    Task<SeatResult> LogoutAsync(string extension, string agentId, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Moves a seat to another state if the state table and the request's guards allow it.</summary>
    Task<SeatResult> TransitionAsync(SeatTransitionRequest request, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>Reserves the longest-idle Ready seat having every required skill for <paramref name="callId"/>; null if none.</summary>
    Task<SeatSnapshot?> TryReserveAsync(IReadOnlyCollection<string> requiredSkills, string callId, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>The seat's transitions, oldest first (the most recent few hundred).</summary>
    Task<IReadOnlyList<SeatStateTransition>> GetHistoryAsync(string extension, CancellationToken ct = default);

    /// <summary>Puts a call in its queue (ordered by priority, then arrival) and returns its 1-based position.</summary>
    Task<int> EnqueueAsync(QueueEntry entry, CancellationToken ct = default);

    /// <summary>
    /// Atomically: puts a call in its queue as <see cref="EnqueueAsync"/> does unless the queues of
    /// <paramref name="group"/> (the queue named so and every queue whose name starts with
    /// <paramref name="group"/> followed by '+', the ACD's routes of it) already hold
    /// <paramref name="limit"/> calls. Returns the 1-based position, or null when full. A call that
    /// is already queued is never refused (it keeps its place).
    /// </summary>
    Task<int?> EnqueueWithinLimitAsync(QueueEntry entry, string group, int limit, CancellationToken ct = default);

    /// <summary>Takes a call out of its queue (caller hung up). False when it was not queued any more.</summary>
    Task<bool> RemoveFromQueueAsync(string queue, string callId, CancellationToken ct = default);

    /// <summary>The queue's calls in serving order.</summary>
    Task<IReadOnlyList<QueueEntry>> GetQueueAsync(string queue, CancellationToken ct = default);

    /// <summary>The names of the queues that have at least one call waiting.</summary>
    Task<IReadOnlyList<string>> GetWaitingQueuesAsync(CancellationToken ct = default);

    /// <summary>The call's 1-based position, or null when it is not in the queue.</summary>
    Task<int?> GetQueuePositionAsync(string queue, string callId, CancellationToken ct = default);

    /// <summary>
    /// Atomically: if the queue has a call and some Ready seat has the queue's skills, removes the best
    /// call and reserves the longest-idle such seat for it.
    /// </summary>
    Task<Assignment?> TryAssignQueueHeadAsync(QueueDefinition queue, DateTimeOffset now, CancellationToken ct = default);

    /// <summary>
    /// Atomically: if the seat is Ready, removes the best call waiting in any of <paramref name="queues"/>
    /// (highest priority, then earliest arrival; the caller passes only queues the agent is skilled for)
    /// and reserves the seat for it.
    /// </summary>
    Task<Assignment?> TryAssignSeatAsync(string extension, IReadOnlyList<string> queues, DateTimeOffset now, CancellationToken ct = default);
}
