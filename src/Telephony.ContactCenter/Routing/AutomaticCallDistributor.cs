using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Telephony.ContactCenter.Agents;
using Telephony.ContactCenter.Events;
using Telephony.ContactCenter.Queues;
using Telephony.ContactCenter.Seats;
using Telephony.ContactCenter.Store;
using Telephony.ContactCenter.Timing;

namespace Telephony.ContactCenter.Routing;

/// <summary>
/// The ACD of one server node. Calls wait in queues (priority, then arrival); the longest-idle Ready
/// agent with the queue's skills gets the best waiting call; a seat that rings too long goes NotReady
/// ("no answer") and the call moves on; wrap-up ends by itself.
/// A call needing more than its queue's skills (its language, or the IVR's extra skills such as
/// "charity") waits in a route of that queue named <c>queue+skill+skill</c> whose required skills are
/// the union, so it only ever goes to an agent who has them all; routes are derived from their
/// names, so every node understands every other node's routes.
/// Everything runs through one mailbox (a <see cref="Channel{T}"/> read by one loop), so the node's
/// view of its calls needs no locks; seat and queue state lives in the <see cref="ISeatStore"/>,
/// whose operations are atomic across nodes.
/// </summary>
public sealed partial class AutomaticCallDistributor : IAsyncDisposable
{
    private static readonly SeatState[] AgentMayLeaveForReady = [SeatState.NotReady, SeatState.WrapUp];
    private static readonly SeatState[] AgentMayLeaveForNotReady = [SeatState.Ready, SeatState.NotReady, SeatState.WrapUp];

    /// <summary>Longest NotReady reason accepted from a desktop.</summary>
    public const int MaxReasonLength = 64;

    private readonly ISeatStore _store;
    private readonly IAcdCallControl _calls;
    private readonly IDesktopEventSink _desktops;
    private readonly IAcdNodeLink _nodes;
    private readonly AgentDirectory _agents;
    private readonly AcdOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly TimerScheduler _timers;
    private readonly Dictionary<string, QueueDefinition> _queues;
    private readonly Dictionary<string, QueueDefinition?> _routes = new(StringComparer.Ordinal); // mailbox only
    private readonly Dictionary<string, LiveCall> _live = new(StringComparer.Ordinal); // mailbox only
    private readonly Channel<Func<Task>> _mailbox = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private IAsyncDisposable? _handOffs;

    public AutomaticCallDistributor(
        ISeatStore store,
        IAcdCallControl calls,
        IDesktopEventSink desktops,
        IAcdNodeLink nodes,
        AgentDirectory agents,
        AcdOptions options,
        TimeProvider time,
        ILogger<AutomaticCallDistributor> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _calls = calls ?? throw new ArgumentNullException(nameof(calls));
        _desktops = desktops ?? throw new ArgumentNullException(nameof(desktops));
        _nodes = nodes ?? throw new ArgumentNullException(nameof(nodes));
        _agents = agents ?? throw new ArgumentNullException(nameof(agents));
        _options = options;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _timers = new TimerScheduler(time);
        _queues = new(StringComparer.Ordinal);
        foreach (var queue in options.Queues)
        {
            if (string.IsNullOrWhiteSpace(queue.Name) || queue.Name.Contains(RouteSeparator, StringComparison.Ordinal))
                throw new ArgumentException($"Queue name '{queue.Name}' is empty or contains '{RouteSeparator}'.", nameof(options));
            if (!_queues.TryAdd(queue.Name, queue with { RequiredSkills = SkillNames.Normalize(queue.RequiredSkills) }))
                throw new ArgumentException($"Queue '{queue.Name}' is configured twice.", nameof(options));
        }
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The configured queues.</summary>
    public IReadOnlyCollection<QueueDefinition> Queues => _queues.Values;

    /// <summary>The seat store (read-only views for supervisors and tests).</summary>
    public ISeatStore Store => _store;

    /// <summary>Creates the configured seats in the store (existing ones keep their state) and starts taking hand-offs from other nodes.</summary>
    public async Task InitializeAsync(CancellationToken ct = default)
    {
        await _store.EnsureSeatsAsync(_options.Seats, _time.GetUtcNow(), ct).ConfigureAwait(false);
        _handOffs = await _nodes.StartAsync(_options.Node, a => Post(() => ReceiveHandOffAsync(a)), ct).ConfigureAwait(false);
        ScheduleSweep();
    }

    /// <summary>The NotReady reason of a seat freed by the sweep.</summary>
    public const string StaleReason = "stale reservation";

    private void ScheduleSweep() => _timers.Schedule(_options.RingTimeout, () => PostFromTimer(SweepAsync));

    /// <summary>
    /// Frees seats left Reserved or Ringing well past the ring timeout for a call this node does not
    /// hold: the node that owned the call is gone (its own ring timer would have fired long ago).
    /// Without this such an agent could neither take calls nor change state.
    /// </summary>
    private async Task SweepAsync()
    {
        try
        {
            var now = _time.GetUtcNow();
            foreach (var seat in await _store.GetSeatsAsync().ConfigureAwait(false))
            {
                if (seat.State is not (SeatState.Reserved or SeatState.Ringing) || seat.CallId is null
                    || _live.ContainsKey(seat.CallId) || now - seat.StateSince <= _options.RingTimeout + _options.StaleGrace)
                    continue;
                var freed = await _store.TransitionAsync(new SeatTransitionRequest(seat.Extension, SeatState.NotReady, StaleReason, ExpectedCallId: seat.CallId), now).ConfigureAwait(false);
                if (freed.Succeeded)
                {
                    LogStaleSeat(seat.Extension, seat.CallId);
                    await PublishStateAsync(freed.Seat!, seat.AgentId).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ScheduleSweep();
        }
    }

    // ---- calls (from the server's call manager) ----

    /// <summary>
    /// Queues a call and offers it at once if an agent is free. Returns its position, or null when it
    /// was offered straight away. Throws <see cref="ArgumentException"/> for an unknown queue.
    /// </summary>
    public Task<QueuePosition?> EnqueueAsync(InboundCall call, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentException.ThrowIfNullOrEmpty(call.CallId);
        if (!_queues.TryGetValue(call.Queue, out var queue))
            throw new ArgumentException($"Unknown queue '{call.Queue}'.", nameof(call));
        var needs = SkillNames.Normalize([.. call.Skills ?? [], call.Language ?? ""]);
        if (needs.FirstOrDefault(s => !SkillNames.IsValid(s)) is { } bad)
            throw new ArgumentException($"Invalid skill or language '{bad}'.", nameof(call));
        var route = RouteOf(queue, needs);
        return Post(async () =>
        {
            using var scope = CallScope(call.CallId);
            if (_live.ContainsKey(call.CallId))
                return await PositionOfAsync(call.CallId).ConfigureAwait(false);
            _routes.TryAdd(route.Name, route);
            var entry = new QueueEntry(call.CallId, route.Name, QueuePriority.Clamp(call.Priority + queue.Priority), _time.GetUtcNow(), _options.Node);
            await _store.EnqueueAsync(entry, ct).ConfigureAwait(false);
            _live[call.CallId] = new LiveCall(call, route, entry);
            LogQueued(call.CallId, route.Name, entry.Priority);
            await DispatchQueueAsync(route).ConfigureAwait(false);
            return await PositionOfAsync(call.CallId).ConfigureAwait(false);
        });
    }

    /// <summary>Separates a queue's name from the extra skills in a route's name.</summary>
    public const char RouteSeparator = '+';

    /// <summary>The route of <paramref name="queue"/> for a call needing <paramref name="needs"/> as well.</summary>
    public static QueueDefinition RouteOf(QueueDefinition queue, IEnumerable<string> needs)
    {
        ArgumentNullException.ThrowIfNull(queue);
        var extra = SkillNames.Normalize(needs).Except(queue.RequiredSkills, StringComparer.Ordinal).ToList();
        return extra.Count == 0
            ? queue
            : queue with
            {
                Name = queue.Name + RouteSeparator + string.Join(RouteSeparator, extra),
                RequiredSkills = SkillNames.Normalize([.. queue.RequiredSkills, .. extra]),
            };
    }

    /// <summary>The route a store queue name stands for (a configured queue, or one derived by any node); null if unknown.</summary>
    private QueueDefinition? ResolveRoute(string name)
    {
        if (_routes.TryGetValue(name, out var known))
            return known;
        var parts = name.Split(RouteSeparator);
        QueueDefinition? route = null;
        if (_queues.TryGetValue(parts[0], out var queue) && parts.Skip(1).All(SkillNames.IsValid))
            route = parts.Length == 1 ? queue : RouteOf(queue, parts.Skip(1));
        _routes[name] = route;
        return route;
    }

    /// <summary>The agent's softphone answered. False when the offer is no longer valid (the server hangs up that leg).</summary>
    public Task<bool> AgentAnsweredAsync(string callId) => Post(async () =>
    {
        using var scope = CallScope(callId);
        if (!_live.TryGetValue(callId, out var live) || live.Stage != QueuedCallStage.Offered)
            return false;
        var result = await _store.TransitionAsync(new SeatTransitionRequest(live.Extension!, SeatState.OnCall, ExpectedCallId: callId), _time.GetUtcNow()).ConfigureAwait(false);
        if (!result.Succeeded)
            return false;
        live.CancelTimer();
        live.Stage = QueuedCallStage.Connected;
        await PublishStateAsync(result.Seat!, live.AgentId).ConfigureAwait(false);
        await PublishAsync(new CallAnswered(callId, live.Extension!, live.AgentId!, _time.GetUtcNow())).ConfigureAwait(false);
        return true;
    });

    /// <summary>
    /// The call is over, whatever its phase: queued (removed, positions move up), ringing (the seat is
    /// released to Ready) or connected (the seat enters wrap-up).
    /// </summary>
    public Task CallEndedAsync(string callId) => Post(async () =>
    {
        using var scope = CallScope(callId);
        if (!_live.Remove(callId, out var live))
            return true;
        live.CancelTimer();
        var now = _time.GetUtcNow();
        switch (live.Stage)
        {
            case QueuedCallStage.Queued:
                await _store.RemoveFromQueueAsync(live.Queue.Name, callId).ConfigureAwait(false);
                LogAbandoned(callId, live.Queue.Name);
                await AnnouncePositionsAsync(live.Queue).ConfigureAwait(false);
                break;
            case QueuedCallStage.Offered:
                var released = await _store.TransitionAsync(new SeatTransitionRequest(live.Extension!, SeatState.Ready, ExpectedCallId: callId), now).ConfigureAwait(false);
                await PublishAsync(new CallLeftSeat(callId, live.Extension!, live.AgentId!, CallLeftSeatReason.CallerHungUp, now)).ConfigureAwait(false);
                if (released.Succeeded)
                {
                    await PublishStateAsync(released.Seat!, live.AgentId).ConfigureAwait(false);
                    await DispatchSeatAsync(live.Extension!).ConfigureAwait(false);
                }
                break;
            case QueuedCallStage.Connected:
                var wrapUp = await _store.TransitionAsync(new SeatTransitionRequest(live.Extension!, SeatState.WrapUp, ExpectedCallId: callId), now).ConfigureAwait(false);
                await PublishAsync(new CallLeftSeat(callId, live.Extension!, live.AgentId!, CallLeftSeatReason.Completed, now)).ConfigureAwait(false);
                if (wrapUp.Succeeded)
                {
                    await PublishStateAsync(wrapUp.Seat!, live.AgentId).ConfigureAwait(false);
                    var ext = live.Extension!;
                    _timers.Schedule(_options.WrapUpTime, () => PostFromTimer(() => WrapUpOverAsync(ext, callId)));
                }
                break;
        }
        return true;
    });

    /// <summary>Where the call waits now, or null if it is not queued.</summary>
    public Task<QueuePosition?> GetPositionAsync(string callId) => Post(() => PositionOfAsync(callId));

    // ---- agents (from the desktop hub) ----

    /// <summary>Logs a configured agent in at a seat (NotReady "login").</summary>
    public Task<SeatResult> LoginAsync(string extension, string agentId) => Post(async () =>
    {
        if (_agents.Find(agentId) is not { } profile)
            return new SeatResult(SeatError.UnknownAgent, null);
        var result = await _store.LoginAsync(extension, agentId, profile.Skills, _time.GetUtcNow()).ConfigureAwait(false);
        if (result.Succeeded)
            await PublishStateAsync(result.Seat!, agentId).ConfigureAwait(false);
        return result;
    });

    /// <summary>Logs the agent out (not while a call is reserved, ringing or connected).</summary>
    public Task<SeatResult> LogoutAsync(string extension, string agentId) => Post(async () =>
    {
        var before = await _store.GetSeatAsync(extension).ConfigureAwait(false);
        var result = await _store.LogoutAsync(extension, agentId, _time.GetUtcNow()).ConfigureAwait(false);
        if (!result.Succeeded)
            return result;
        // The store has no guarded logout, so a seat that another node moved out of wrap-up in between
        // could report its end twice; the call-record store keeps the first.
        if (before is { State: SeatState.WrapUp, CallId: { } wrapped })
            await PublishAsync(new WrapUpEnded(wrapped, extension, agentId, result.Seat!.StateSince)).ConfigureAwait(false);
        await PublishStateAsync(result.Seat!, agentId).ConfigureAwait(false);
        return result;
    });

    /// <summary>The agent is ready (from NotReady or WrapUp); the best waiting call is offered at once.</summary>
    public Task<SeatResult> SetReadyAsync(string extension, string agentId) => Post(async () =>
    {
        var result = await TransitionReportingWrapUpAsync(
            new SeatTransitionRequest(extension, SeatState.Ready, ExpectedAgentId: agentId, OnlyFrom: AgentMayLeaveForReady)).ConfigureAwait(false);
        if (!result.Succeeded)
            return result;
        await PublishStateAsync(result.Seat!, agentId).ConfigureAwait(false);
        await DispatchSeatAsync(extension).ConfigureAwait(false);
        return result;
    });

    /// <summary>The agent is not ready, with a reason (from Ready, NotReady or WrapUp).</summary>
    public Task<SeatResult> SetNotReadyAsync(string extension, string agentId, string reason)
    {
        reason = (reason ?? "").Trim();
        if (reason.Length is 0 or > MaxReasonLength)
            throw new ArgumentException($"A NotReady reason of 1..{MaxReasonLength} characters is required.", nameof(reason));
        return Post(async () =>
        {
            var result = await TransitionReportingWrapUpAsync(
                new SeatTransitionRequest(extension, SeatState.NotReady, reason, agentId, OnlyFrom: AgentMayLeaveForNotReady)).ConfigureAwait(false);
            if (result.Succeeded)
                await PublishStateAsync(result.Seat!, agentId).ConfigureAwait(false);
            return result;
        });
    }

    /// <summary>Completes when everything posted so far (including fired timers) has been handled.</summary>
    public Task IdleAsync() => Post(() => Task.FromResult(true));

    // ---- routing ----

    private async Task DispatchQueueAsync(QueueDefinition queue)
    {
        // Bounded: each round reserves a distinct Ready seat or stops.
        for (var round = 0; round < 1000; round++)
        {
            var assignment = await _store.TryAssignQueueHeadAsync(queue, _time.GetUtcNow()).ConfigureAwait(false);
            if (assignment is null || await OfferAsync(assignment).ConfigureAwait(false) == OfferOutcome.CallGone)
                break;
        }
        await AnnouncePositionsAsync(queue).ConfigureAwait(false);
    }

    private async Task DispatchSeatAsync(string extension)
    {
        var seat = await _store.GetSeatAsync(extension).ConfigureAwait(false);
        if (seat is not { State: SeatState.Ready })
            return;
        var eligible = (await _store.GetWaitingQueuesAsync().ConfigureAwait(false))
            .Select(ResolveRoute)
            .Where(r => r is not null && seat.HasSkills(r.RequiredSkills))
            .Select(r => r!.Name)
            .ToList();
        var assignment = await _store.TryAssignSeatAsync(extension, eligible, _time.GetUtcNow()).ConfigureAwait(false);
        if (assignment is null)
            return;
        await AfterOfferAsync(assignment, await OfferAsync(assignment).ConfigureAwait(false)).ConfigureAwait(false);
    }

    private async Task AfterOfferAsync(Assignment assignment, OfferOutcome outcome)
    {
        if (ResolveRoute(assignment.Call.Queue) is not { } queue)
            return;
        if (outcome == OfferOutcome.Requeued)
            await DispatchQueueAsync(queue).ConfigureAwait(false);
        else
            await AnnouncePositionsAsync(queue).ConfigureAwait(false);
    }

    /// <summary>Another node matched one of our calls with a seat: offer it here, where the call lives.</summary>
    private async Task<bool> ReceiveHandOffAsync(Assignment assignment)
    {
        var outcome = await OfferAsync(assignment).ConfigureAwait(false);
        if (outcome == OfferOutcome.CallGone)
            await DispatchSeatAsync(assignment.Seat.Extension).ConfigureAwait(false);
        else
            await AfterOfferAsync(assignment, outcome).ConfigureAwait(false);
        return true;
    }

    private async Task<OfferOutcome> OfferAsync(Assignment assignment)
    {
        var callId = assignment.Call.CallId;
        using var scope = CallScope(callId);
        var seat = assignment.Seat;
        var now = _time.GetUtcNow();
        if (!_live.TryGetValue(callId, out var live) || live.Stage != QueuedCallStage.Queued)
        {
            // Another node's call: hand the assignment to that node, which offers it.
            if (live is null && assignment.Call.Node != _options.Node && await _nodes.HandOffAsync(assignment).ConfigureAwait(false))
            {
                LogHandedOff(callId, assignment.Call.Node, seat.Extension);
                return OfferOutcome.HandedOff;
            }
            // The call is gone (hung up meanwhile, or its node is down and the call with it): free the seat.
            await _store.TransitionAsync(new SeatTransitionRequest(seat.Extension, SeatState.Ready, ExpectedCallId: callId), now).ConfigureAwait(false);
            LogCallGone(callId, assignment.Call.Node);
            return OfferOutcome.CallGone;
        }

        live.Stage = QueuedCallStage.Offered;
        live.Extension = seat.Extension;
        live.AgentId = seat.AgentId;
        await PublishStateAsync(seat, seat.AgentId).ConfigureAwait(false);
        var call = live.Call;
        var pop = new ScreenPop(callId, seat.Extension, seat.AgentId ?? "", call.CallerNumber, call.DialedNumber, call.IvrPath,
            call.IvrDigits, call.Language, call.Queue, now - live.Entry.EnqueuedAt, now);
        bool rings;
        try
        {
            rings = await _calls.OfferAsync(new CallOffer(pop, seat, _options.RingTimeout)).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // the call control is the server's; its failure must not stop routing
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogOfferFailed(ex, callId, seat.Extension);
            rings = false;
        }

        if (!rings)
        {
            var unreachable = await _store.TransitionAsync(new SeatTransitionRequest(seat.Extension, SeatState.NotReady, "unreachable", ExpectedCallId: callId), _time.GetUtcNow()).ConfigureAwait(false);
            await PublishAsync(new CallLeftSeat(callId, seat.Extension, seat.AgentId ?? "", CallLeftSeatReason.Unreachable, _time.GetUtcNow())).ConfigureAwait(false);
            if (unreachable.Succeeded)
                await PublishStateAsync(unreachable.Seat!, seat.AgentId).ConfigureAwait(false);
            await RequeueAsync(live).ConfigureAwait(false);
            return OfferOutcome.Requeued;
        }

        var ringing = await _store.TransitionAsync(new SeatTransitionRequest(seat.Extension, SeatState.Ringing, ExpectedCallId: callId), _time.GetUtcNow()).ConfigureAwait(false);
        if (ringing.Succeeded)
            await PublishStateAsync(ringing.Seat!, seat.AgentId).ConfigureAwait(false);
        await PublishAsync(new CallOffered(callId, seat.Extension, seat.AgentId ?? "", _options.RingTimeout, _time.GetUtcNow())).ConfigureAwait(false);
        var ext = seat.Extension;
        live.Timer = _timers.Schedule(_options.RingTimeout, () => PostFromTimer(() => RingTimeoutAsync(callId, ext)));
        LogOffered(callId, ext);
        return OfferOutcome.Offered;
    }

    /// <summary>
    /// The seat's softphone refused the offer now (SIP 486 Busy, 603 Decline or another final error) rather
    /// than letting it ring out: the seat goes NotReady with <paramref name="reason"/> (cut to
    /// <see cref="MaxReasonLength"/>) and the call is offered to the next agent at once, keeping its place
    /// and wait time. False when the call is not (any more) offered to that seat — a ring timeout or a
    /// hangup came first — and nothing changes.
    /// </summary>
    public Task<bool> OfferDeclinedAsync(string callId, string extension, string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(callId);
        ArgumentException.ThrowIfNullOrWhiteSpace(extension);
        var trimmed = string.IsNullOrWhiteSpace(reason) ? "declined" : reason.Trim();
        if (trimmed.Length > MaxReasonLength)
            trimmed = trimmed[..MaxReasonLength];
        return Post(async () =>
        {
            using var scope = CallScope(callId);
            if (!_live.TryGetValue(callId, out var live) || live.Stage != QueuedCallStage.Offered || live.Extension != extension)
                return false;
            live.CancelTimer();
            LogDeclined(callId, extension, trimmed);
            await MoveOnFromSeatAsync(live, extension, trimmed, CallLeftSeatReason.Declined, withdraw: false).ConfigureAwait(false);
            return true;
        });
    }

    private async Task RingTimeoutAsync(string callId, string extension)
    {
        using var scope = CallScope(callId);
        if (!_live.TryGetValue(callId, out var live) || live.Stage != QueuedCallStage.Offered || live.Extension != extension)
            return;
        live.Timer = null;
        LogNoAnswer(callId, extension);
        await MoveOnFromSeatAsync(live, extension, "no answer", CallLeftSeatReason.NoAnswer, withdraw: true).ConfigureAwait(false);
    }

    /// <summary>The offered seat did not take the call: it goes NotReady, the call gets its old place back and goes to the next agent.</summary>
    private async Task MoveOnFromSeatAsync(LiveCall live, string extension, string reason, CallLeftSeatReason endReason, bool withdraw)
    {
        var callId = live.Call.CallId;
        var now = _time.GetUtcNow();
        var noAnswer = await _store.TransitionAsync(new SeatTransitionRequest(extension, SeatState.NotReady, reason, ExpectedCallId: callId), now).ConfigureAwait(false);
        if (withdraw)
        {
            try
            {
                await _calls.WithdrawOfferAsync(callId, extension).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // see OfferAsync
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogOfferFailed(ex, callId, extension);
            }
        }
        await PublishAsync(new CallLeftSeat(callId, extension, live.AgentId ?? "", endReason, now)).ConfigureAwait(false);
        if (noAnswer.Succeeded)
            await PublishStateAsync(noAnswer.Seat!, live.AgentId).ConfigureAwait(false);
        await RequeueAsync(live).ConfigureAwait(false);
        await DispatchQueueAsync(live.Queue).ConfigureAwait(false);
    }

    private async Task WrapUpOverAsync(string extension, string callId)
    {
        var ready = await TransitionReportingWrapUpAsync(
            new SeatTransitionRequest(extension, SeatState.Ready, ExpectedCallId: callId, OnlyFrom: [SeatState.WrapUp])).ConfigureAwait(false);
        if (!ready.Succeeded)
            return; // the agent already went Ready or NotReady by hand
        await PublishStateAsync(ready.Seat!, ready.Seat!.AgentId).ConfigureAwait(false);
        await DispatchSeatAsync(extension).ConfigureAwait(false);
    }

    /// <summary>
    /// Applies <paramref name="request"/>; when it takes the seat out of wrap-up, publishes
    /// <see cref="WrapUpEnded"/> for the call wrapped up. The move out of wrap-up is tried first,
    /// guarded by that call's id, so the end is reported exactly when the store really left wrap-up for
    /// it, even if another node moves the seat in between.
    /// </summary>
    private async Task<SeatResult> TransitionReportingWrapUpAsync(SeatTransitionRequest request)
    {
        var seat = await _store.GetSeatAsync(request.Extension).ConfigureAwait(false);
        if (seat is { State: SeatState.WrapUp, CallId: { } wrapped }
            && (request.ExpectedCallId is null || request.ExpectedCallId == wrapped)
            && request.AllowedSources().Contains(SeatState.WrapUp))
        {
            var left = await _store.TransitionAsync(request with { ExpectedCallId = wrapped, OnlyFrom = [SeatState.WrapUp] }, _time.GetUtcNow()).ConfigureAwait(false);
            if (left.Succeeded)
            {
                await PublishAsync(new WrapUpEnded(wrapped, left.Seat!.Extension, seat.AgentId ?? "", left.Seat.StateSince)).ConfigureAwait(false);
                return left;
            }
        }
        return await _store.TransitionAsync(request, _time.GetUtcNow()).ConfigureAwait(false);
    }

    private async Task RequeueAsync(LiveCall live)
    {
        live.Stage = QueuedCallStage.Queued;
        live.Extension = null;
        live.AgentId = null;
        live.LastPosition = 0;
        // Same entry, same arrival time: the call gets its old place back.
        await _store.EnqueueAsync(live.Entry).ConfigureAwait(false);
    }

    // ---- queue positions ----

    private async Task<QueuePosition?> PositionOfAsync(string callId)
    {
        if (!_live.TryGetValue(callId, out var live) || live.Stage != QueuedCallStage.Queued)
            return null;
        var position = await _store.GetQueuePositionAsync(live.Queue.Name, callId).ConfigureAwait(false);
        if (position is null)
            return null;
        var staffed = await StaffedAsync(live.Queue).ConfigureAwait(false);
        return new QueuePosition(callId, live.Queue.Name, position.Value, ExpectedWait(live.Queue, position.Value, staffed));
    }

    private async Task AnnouncePositionsAsync(QueueDefinition queue)
    {
        var waiting = _live.Values.Where(l => l.Stage == QueuedCallStage.Queued && l.Queue.Name == queue.Name).ToList();
        if (waiting.Count == 0)
            return;
        var entries = await _store.GetQueueAsync(queue.Name).ConfigureAwait(false);
        var staffed = await StaffedAsync(queue).ConfigureAwait(false);
        for (var i = 0; i < entries.Count; i++)
        {
            if (!_live.TryGetValue(entries[i].CallId, out var live) || live.Stage != QueuedCallStage.Queued || live.LastPosition == i + 1)
                continue;
            live.LastPosition = i + 1;
            var position = new QueuePosition(live.Call.CallId, queue.Name, i + 1, ExpectedWait(queue, i + 1, staffed));
            try
            {
                await _calls.QueuePositionChangedAsync(position).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // see OfferAsync
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogOfferFailed(ex, live.Call.CallId, "");
            }
        }
    }

    private async Task<int> StaffedAsync(QueueDefinition queue)
    {
        var seats = await _store.GetSeatsAsync().ConfigureAwait(false);
        return seats.Count(s => s.State != SeatState.LoggedOut && s.HasSkills(queue.RequiredSkills));
    }

    /// <summary>
    /// Expected wait for the N-th caller: N average handle times spread over the logged-in agents who
    /// can take the queue (at least one, so an unstaffed queue still announces something finite).
    /// </summary>
    public static TimeSpan ExpectedWait(QueueDefinition queue, int position, int staffedAgents)
    {
        ArgumentNullException.ThrowIfNull(queue);
        return queue.AverageHandleTime * position / Math.Max(1, staffedAgents);
    }

    /// <summary>Puts the Call-ID in the logging scope of everything done for one call.</summary>
    private IDisposable? CallScope(string callId) =>
        _log.BeginScope(new KeyValuePair<string, object>[] { new("CallId", callId) });

    // ---- events ----

    private Task PublishStateAsync(SeatSnapshot seat, string? agentId) =>
        PublishAsync(new SeatStateChanged(seat.Extension, agentId ?? seat.AgentId, seat.State, seat.Reason, seat.CallId, seat.StateSince));

    private async Task PublishAsync(DesktopEvent desktopEvent)
    {
        try
        {
            await _desktops.PublishAsync(desktopEvent).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // a desktop that cannot be reached must not stop routing
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogPublishFailed(ex, desktopEvent.GetType().Name, desktopEvent.Extension);
        }
    }

    // ---- mailbox ----

    private Task<T> Post<T>(Func<Task<T>> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = _mailbox.Writer.TryWrite(async () =>
        {
            try
            {
                done.TrySetResult(await work().ConfigureAwait(false));
            }
#pragma warning disable CA1031 // handed to the caller
            catch (Exception ex)
#pragma warning restore CA1031
            {
                done.TrySetException(ex);
            }
        });
        if (!queued)
            done.TrySetException(new ObjectDisposedException(nameof(AutomaticCallDistributor)));
        return done.Task;
    }

    private void PostFromTimer(Func<Task> work) =>
        _mailbox.Writer.TryWrite(async () =>
        {
            try
            {
                await work().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // nobody awaits a timer's work: log it
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogTimerFailed(ex);
            }
        });

    private async Task RunAsync()
    {
        await foreach (var work in _mailbox.Reader.ReadAllAsync().ConfigureAwait(false))
            await work().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_handOffs is not null)
            await _handOffs.DisposeAsync().ConfigureAwait(false);
        _mailbox.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _timers.Dispose();
    }

    /// <summary>Where one of this node's calls is in the ACD (not the server's call phase: the ACD sees only queue, offer, talk).</summary>
    private enum QueuedCallStage { Queued, Offered, Connected }

    private enum OfferOutcome { Offered, Requeued, HandedOff, CallGone }

    private sealed class LiveCall(InboundCall call, QueueDefinition queue, QueueEntry entry)
    {
        public InboundCall Call { get; } = call;
        public QueueDefinition Queue { get; } = queue;
        public QueueEntry Entry { get; } = entry;
        public QueuedCallStage Stage { get; set; } = QueuedCallStage.Queued;
        public string? Extension { get; set; }
        public string? AgentId { get; set; }
        public IDisposable? Timer { get; set; }
        public int LastPosition { get; set; }

        public void CancelTimer()
        {
            Timer?.Dispose();
            Timer = null;
        }
    }
}
