
namespace Telephony.ContactCenter.Store;

/// <summary>
/// The single-node seat store: everything in memory behind one lock (operations are a handful of
/// dictionary look-ups, far below the cost of anything a call does). Same contract as the Redis store.
/// </summary>
public sealed class InProcessSeatStore : ISeatStore
{
    /// <summary>How many transitions each seat's history keeps.</summary>
    public const int HistoryLimit = 200;

    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, Seat> _seats = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _seatOfAgent = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SortedSet<Waiting>> _queues = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Waiting> _waitingByCall = new(StringComparer.Ordinal);
    private string? _epoch; // this store never loses its state, so its epoch never changes once set

    /// <inheritdoc />
    public Task<string> EnsureSeatsAsync(IEnumerable<string> extensions, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(extensions);
        lock (_gate)
        {
            foreach (var ext in extensions)
                _seats.TryAdd(ext, new Seat(ext, now));
            _epoch ??= Guid.NewGuid().ToString("N");
            return Task.FromResult(_epoch);
        }
    }

    /// <inheritdoc />
    public Task<string?> GetEpochAsync(CancellationToken ct = default)
    {
        lock (_gate)
            return Task.FromResult(_epoch);
    }

    /// <inheritdoc />
    /// <remarks>An in-process store lives and dies with its node, so nothing ever restores it; it still keeps the contract.</remarks>
    public event EventHandler? ConnectionRestored
    {
        add { }
        remove { }
    }

    /// <inheritdoc />
    public Task<SeatResult> RestoreAsync(SeatSnapshot seat, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(seat);
        ArgumentException.ThrowIfNullOrEmpty(seat.AgentId, nameof(seat));
        if (seat.State == SeatState.LoggedOut)
            throw new ArgumentException("A logged-out seat has nothing to restore.", nameof(seat));
        lock (_gate)
        {
            if (!_seats.TryGetValue(seat.Extension, out var current))
                return Done(SeatError.UnknownSeat, null);
            if (current.AgentId == seat.AgentId)
                return Done(SeatError.None, current);
            var claimed = Claim(current, seat.AgentId, SkillNames.Normalize(seat.Skills), now);
            if (claimed != SeatError.None)
                return Done(claimed, current);
            if (seat.State != SeatState.NotReady || seat.Reason != "login")
                current.Move(seat.State, seat.State == SeatState.NotReady ? seat.Reason ?? "not ready" : null, SeatStateRules.HoldsCall(seat.State) ? seat.CallId : null, now);
            return Done(SeatError.None, current);
        }
    }

    /// <inheritdoc />
    public Task<SeatSnapshot?> GetSeatAsync(string extension, CancellationToken ct = default)
    {
        lock (_gate)
            return Task.FromResult(_seats.TryGetValue(extension, out var s) ? s.Snapshot() : null);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SeatSnapshot>> GetSeatsAsync(CancellationToken ct = default)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<SeatSnapshot>>([.. _seats.Values.Select(s => s.Snapshot())]);
    }

    /// <inheritdoc />
    public Task<string?> FindSeatOfAgentAsync(string agentId, CancellationToken ct = default)
    {
        lock (_gate)
            return Task.FromResult(_seatOfAgent.TryGetValue(agentId, out var ext) ? ext : null);
    }

    /// <inheritdoc />
    public Task<SeatResult> LoginAsync(string extension, string agentId, IReadOnlyCollection<string> skills, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(agentId);
        var normalized = SkillNames.Normalize(skills);
        if (normalized.FirstOrDefault(s => !SkillNames.IsValid(s)) is { } bad)
            throw new ArgumentException($"Invalid skill name '{bad}'.", nameof(skills));
        lock (_gate)
        {
            if (!_seats.TryGetValue(extension, out var seat))
                return Done(SeatError.UnknownSeat, null);
            if (seat.AgentId == agentId)
                return Done(SeatError.None, seat);
            return Done(Claim(seat, agentId, normalized, now), seat);
        }
    }

    /// <summary>The login itself (under the lock): the seat must be free and the agent nowhere else.</summary>
    private SeatError Claim(Seat seat, string agentId, IReadOnlyList<string> skills, DateTimeOffset now)
    {
        if (seat.State != SeatState.LoggedOut)
            return SeatError.SeatTaken;
        if (_seatOfAgent.ContainsKey(agentId))
            return SeatError.AgentElsewhere;
        seat.AgentId = agentId;
        seat.Skills = skills;
        _seatOfAgent[agentId] = seat.Extension;
        seat.Move(SeatState.NotReady, "login", null, now);
        return SeatError.None;
    }

    /// <inheritdoc />
    public Task<SeatResult> LogoutAsync(string extension, string agentId, DateTimeOffset now, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (!_seats.TryGetValue(extension, out var seat))
                return Done(SeatError.UnknownSeat, null);
            if (seat.AgentId != agentId)
                return Done(SeatError.WrongAgent, seat);
            if (!SeatStateRules.IsLegal(seat.State, SeatState.LoggedOut))
                return Done(SeatError.IllegalTransition, seat);
            seat.Move(SeatState.LoggedOut, null, null, now);
            _seatOfAgent.Remove(agentId);
            seat.AgentId = null;
            seat.Skills = [];
            return Done(SeatError.None, seat);
        }
    }

    /// <inheritdoc />
    public Task<SeatResult> TransitionAsync(SeatTransitionRequest request, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.To is SeatState.LoggedOut or SeatState.Reserved)
            throw new ArgumentException("Use LogoutAsync / TryReserveAsync for this state.", nameof(request));
        lock (_gate)
        {
            if (!_seats.TryGetValue(request.Extension, out var seat))
                return Done(SeatError.UnknownSeat, null);
            if (request.ExpectedAgentId is not null && seat.AgentId != request.ExpectedAgentId)
                return Done(SeatError.WrongAgent, seat);
            if (request.ExpectedCallId is not null && seat.CallId != request.ExpectedCallId)
                return Done(SeatError.WrongCall, seat);
            if (!request.AllowedSources().Contains(seat.State))
                return Done(SeatError.IllegalTransition, seat);
            var keepsCall = SeatStateRules.HoldsCall(request.To) ? seat.CallId : null;
            seat.Move(request.To, request.To == SeatState.NotReady ? request.Reason ?? "not ready" : null, keepsCall, now);
            return Done(SeatError.None, seat);
        }
    }

    /// <inheritdoc />
    public Task<SeatSnapshot?> TryReserveAsync(IReadOnlyCollection<string> requiredSkills, string callId, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(callId);
        var skills = SkillNames.Normalize(requiredSkills);
        lock (_gate)
        {
            var seat = LongestIdle(skills);
            if (seat is null)
                return Task.FromResult<SeatSnapshot?>(null);
            seat.Move(SeatState.Reserved, null, callId, now);
            return Task.FromResult<SeatSnapshot?>(seat.Snapshot());
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<SeatStateTransition>> GetHistoryAsync(string extension, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<SeatStateTransition>>(
                _seats.TryGetValue(extension, out var seat) ? [.. seat.History] : []);
        }
    }

    /// <inheritdoc />
    public Task<int> EnqueueAsync(QueueEntry entry, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        lock (_gate)
            return Task.FromResult(EnqueueLocked(entry));
    }

    private int EnqueueLocked(QueueEntry entry)
    {
        if (!_waitingByCall.TryGetValue(entry.CallId, out var waiting))
        {
            waiting = new Waiting(entry with { Priority = QueuePriority.Clamp(entry.Priority) }, QueuePriority.ArrivalKey(entry.EnqueuedAt));
            QueueOf(entry.Queue).Add(waiting);
            _waitingByCall[entry.CallId] = waiting;
        }
        return PositionOf(_queues[waiting.Entry.Queue], waiting);
    }

    /// <inheritdoc />
    public Task<int?> EnqueueWithinLimitAsync(QueueEntry entry, string group, int limit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(group);
        lock (_gate)
        {
            if (!_waitingByCall.ContainsKey(entry.CallId))
            {
                var prefix = group + "+";
                var waiting = _queues.Where(q => q.Key == group || q.Key.StartsWith(prefix, StringComparison.Ordinal)).Sum(q => q.Value.Count);
                if (waiting >= limit)
                    return Task.FromResult<int?>(null);
            }
            return Task.FromResult<int?>(EnqueueLocked(entry));
        }
    }

    /// <inheritdoc />
    public Task<bool> RemoveFromQueueAsync(string queue, string callId, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (!_waitingByCall.TryGetValue(callId, out var waiting) || waiting.Entry.Queue != queue)
                return Task.FromResult(false);
            Dequeue(waiting);
            return Task.FromResult(true);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<QueueEntry>> GetQueueAsync(string queue, CancellationToken ct = default)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<QueueEntry>>(
                _queues.TryGetValue(queue, out var waiting) ? [.. waiting.Select(w => w.Entry)] : []);
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetWaitingQueuesAsync(CancellationToken ct = default)
    {
        lock (_gate)
            return Task.FromResult<IReadOnlyList<string>>([.. _queues.Where(q => q.Value.Count > 0).Select(q => q.Key).Order(StringComparer.Ordinal)]);
    }

    /// <inheritdoc />
    public Task<int?> GetQueuePositionAsync(string queue, string callId, CancellationToken ct = default)
    {
        lock (_gate)
        {
            if (!_waitingByCall.TryGetValue(callId, out var waiting) || waiting.Entry.Queue != queue)
                return Task.FromResult<int?>(null);
            return Task.FromResult<int?>(PositionOf(_queues[queue], waiting));
        }
    }

    /// <inheritdoc />
    public Task<Assignment?> TryAssignQueueHeadAsync(QueueDefinition queue, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var skills = SkillNames.Normalize(queue.RequiredSkills);
        lock (_gate)
        {
            if (!_queues.TryGetValue(queue.Name, out var waiting) || waiting.Count == 0)
                return Task.FromResult<Assignment?>(null);
            var seat = LongestIdle(skills);
            if (seat is null)
                return Task.FromResult<Assignment?>(null);
            var head = waiting.Min!;
            Dequeue(head);
            seat.Move(SeatState.Reserved, null, head.Entry.CallId, now);
            return Task.FromResult<Assignment?>(new Assignment(head.Entry, seat.Snapshot()));
        }
    }

    /// <inheritdoc />
    public Task<Assignment?> TryAssignSeatAsync(string extension, IReadOnlyList<string> queues, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(queues);
        lock (_gate)
        {
            if (!_seats.TryGetValue(extension, out var seat) || seat.State != SeatState.Ready)
                return Task.FromResult<Assignment?>(null);
            Waiting? best = null;
            foreach (var name in queues)
            {
                if (_queues.TryGetValue(name, out var q) && q.Count > 0 && (best is null || q.Min!.CompareTo(best) < 0))
                    best = q.Min;
            }
            if (best is null)
                return Task.FromResult<Assignment?>(null);
            Dequeue(best);
            seat.Move(SeatState.Reserved, null, best.Entry.CallId, now);
            return Task.FromResult<Assignment?>(new Assignment(best.Entry, seat.Snapshot()));
        }
    }

    private Seat? LongestIdle(IReadOnlyList<string> skills)
    {
        Seat? best = null;
        foreach (var seat in _seats.Values)
        {
            if (seat.State != SeatState.Ready || !skills.All(seat.Skills.Contains))
                continue;
            // Ties on idle time go to the lower extension, as in Redis sorted sets.
            if (best is null || seat.IdleSince < best.IdleSince)
                best = seat;
        }
        return best;
    }

    private SortedSet<Waiting> QueueOf(string name)
    {
        if (!_queues.TryGetValue(name, out var queue))
            _queues[name] = queue = [];
        return queue;
    }

    private void Dequeue(Waiting waiting)
    {
        _queues[waiting.Entry.Queue].Remove(waiting);
        _waitingByCall.Remove(waiting.Entry.CallId);
    }

    private static int PositionOf(SortedSet<Waiting> queue, Waiting waiting) =>
        queue.GetViewBetween(queue.Min!, waiting).Count;

    private static Task<SeatResult> Done(SeatError error, Seat? seat) =>
        Task.FromResult(new SeatResult(error, seat?.Snapshot()));

    private sealed record Waiting(QueueEntry Entry, long Arrival) : IComparable<Waiting>
    {
        public int CompareTo(Waiting? other)
        {
            if (other is null)
                return -1;
            var byPriority = other.Entry.Priority.CompareTo(Entry.Priority);
            if (byPriority != 0)
                return byPriority;
            var byArrival = Arrival.CompareTo(other.Arrival);
            return byArrival != 0 ? byArrival : string.CompareOrdinal(Entry.CallId, other.Entry.CallId);
        }
    }

    private sealed class Seat(string extension, DateTimeOffset created)
    {
        public string Extension { get; } = extension;
        public string? AgentId { get; set; }
        public SeatState State { get; private set; } = SeatState.LoggedOut;
        public string? Reason { get; private set; }
        public IReadOnlyList<string> Skills { get; set; } = [];
        public DateTimeOffset StateSince { get; private set; } = created;
        public DateTimeOffset? IdleSince { get; private set; }
        public string? CallId { get; private set; }
        public List<SeatStateTransition> History { get; } = [];

        public void Move(SeatState to, string? reason, string? callId, DateTimeOffset now)
        {
            History.Add(new SeatStateTransition(Extension, AgentId, State, to, reason, callId ?? CallId, now));
            if (History.Count > HistoryLimit)
                History.RemoveAt(0);
            State = to;
            Reason = reason;
            CallId = callId;
            StateSince = now;
            IdleSince = to == SeatState.Ready ? now : null;
        }

        public SeatSnapshot Snapshot() =>
            new(Extension, AgentId, State, Reason, Skills, StateSince, IdleSince, CallId);
    }
}
