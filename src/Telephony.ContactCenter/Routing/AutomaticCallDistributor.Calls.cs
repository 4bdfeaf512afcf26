using Telephony.ContactCenter.Store;

namespace Telephony.ContactCenter.Routing;

/// <summary>Commands for calls, from the call manager: enqueue, answered, ended, position.</summary>
public sealed partial class AutomaticCallDistributor
{
    // ---- calls (from the server's call manager) ----

    /// <summary>
    /// Queues a call and offers it at once if an agent is free. Returns its position, or null when it
    /// was offered straight away or the seat store is unavailable: then this node holds the call (its
    /// caller hears music) and queues it, in arrival order, when the store returns.
    /// Throws <see cref="ArgumentException"/> for an unknown queue.
    /// </summary>
    public Task<QueuePosition?> EnqueueAsync(InboundCall call, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentException.ThrowIfNullOrEmpty(call.CallId);
        if (!Volatile.Read(ref _queueSet).ByName.TryGetValue(call.Queue, out var queue))
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
            var live = new LiveCall(call, queue, needs, route, entry);
            _live[call.CallId] = live;
            try
            {
                if (queue.Policy?.MaxSize is { } limit)
                {
                    if (await _store.EnqueueWithinLimitAsync(entry, queue.Name, limit, ct).ConfigureAwait(false) is null)
                    {
                        _live.Remove(call.CallId);
                        await RefuseFullAsync(call.CallId, queue, limit).ConfigureAwait(false);
                        return null;
                    }
                }
                else
                {
                    await _store.EnqueueAsync(entry, ct).ConfigureAwait(false);
                }
                LogQueued(call.CallId, route.Name, entry.Priority);
                live.InStore = true;
                SchedulePolicy(live);
                await DispatchQueueAsync(route).ConfigureAwait(false);
                return await PositionOfAsync(call.CallId).ConfigureAwait(false);
            }
            catch (SeatStoreUnavailableException e)
            {
                NoteStoreDown(e);
                LogQueued(call.CallId, route.Name, entry.Priority);
                SchedulePolicy(live); // the wait is bounded even while the store is away
                return null; // held here; QueueHeldCallsAsync queues it when the store is back
            }
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
        if (Volatile.Read(ref _queueSet).ByName.TryGetValue(parts[0], out var queue) && parts.Skip(1).All(SkillNames.IsValid))
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
        SeatResult result;
        try
        {
            result = await _store.TransitionAsync(new SeatTransitionRequest(live.Extension!, SeatState.OnCall, ExpectedCallId: callId), _time.GetUtcNow()).ConfigureAwait(false);
        }
        catch (SeatStoreUnavailableException e)
        {
            // This node offered the call to this seat and the agent picked up: connect the citizen
            // rather than drop an answered call; the seat is restored OnCall when the store is back.
            NoteStoreDown(e);
            live.CancelTimer();
            live.Stage = QueuedCallStage.Connected;
            RememberWhileDown(live.AgentId, live.Extension!, SeatState.OnCall, callId);
            await PublishAsync(new CallAnswered(callId, live.Extension!, live.AgentId!, _time.GetUtcNow())).ConfigureAwait(false);
            return true;
        }
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
        live.CancelPolicyTimer();
        try
        {
            await LeaveAsync(live, callId).ConfigureAwait(false);
        }
        catch (SeatStoreUnavailableException e)
        {
            NoteStoreDown(e);
            // The seat this node knows goes where the store would have moved it; a wrap-up still ends by itself.
            if (live.Stage == QueuedCallStage.Connected)
            {
                RememberWhileDown(live.AgentId, live.Extension!, SeatState.WrapUp, callId);
                var ext = live.Extension!;
                _timers.Schedule(_options.WrapUpTime, () => PostFromTimer(() => WrapUpOverAsync(ext, callId)));
            }
            else if (live.Stage == QueuedCallStage.Offered)
            {
                RememberWhileDown(live.AgentId, live.Extension!, SeatState.Ready, null);
            }
        }
        return true;
    });

    private async Task LeaveAsync(LiveCall live, string callId)
    {
        var now = _time.GetUtcNow();
        switch (live.Stage)
        {
            case QueuedCallStage.Queued:
                await _store.RemoveFromQueueAsync(live.Queue.Name, callId).ConfigureAwait(false);
                LogAbandoned(callId, live.Queue.Name);
                await AnnouncePositionsAsync(live.Queue).ConfigureAwait(false);
                break;
            case QueuedCallStage.Offered when DesktopGone(live.AgentId):
                await LeaveSeatAsync(live, callId, SeatState.NotReady, CallLeftSeatReason.CallerHungUp, now, DesktopLostReason).ConfigureAwait(false);
                break;
            case QueuedCallStage.Offered:
                if (await LeaveSeatAsync(live, callId, SeatState.Ready, CallLeftSeatReason.CallerHungUp, now).ConfigureAwait(false))
                {
                    await DispatchSeatAsync(live.Extension!).ConfigureAwait(false);
                }
                break;
            case QueuedCallStage.Connected:
                if (await LeaveSeatAsync(live, callId, SeatState.WrapUp, CallLeftSeatReason.Completed, now).ConfigureAwait(false))
                {
                    var ext = live.Extension!;
                    _timers.Schedule(_options.WrapUpTime, () => PostFromTimer(() => WrapUpOverAsync(ext, callId)));
                }
                break;
        }
    }

    /// <summary>
    /// The call has left its seat (the caller hung up while it rang, or the talk ended): the seat moves to
    /// <paramref name="next"/> if it still holds this call, and desktops hear both. True when the seat moved.
    /// </summary>
    private async Task<bool> LeaveSeatAsync(LiveCall live, string callId, SeatState next, CallLeftSeatReason reason, DateTimeOffset now, string? notReadyReason = null)
    {
        var moved = await _store.TransitionAsync(new SeatTransitionRequest(live.Extension!, next, notReadyReason, ExpectedCallId: callId), now).ConfigureAwait(false);
        await PublishAsync(new CallLeftSeat(callId, live.Extension!, live.AgentId!, reason, now)).ConfigureAwait(false);
        if (!moved.Succeeded) return false;
        await PublishStateAsync(moved.Seat!, live.AgentId).ConfigureAwait(false);
        return true;
    }

    /// <summary>Where the call waits now, or null if it is not queued.</summary>
    public Task<QueuePosition?> GetPositionAsync(string callId) => Post(async () =>
    {
        try
        {
            return await PositionOfAsync(callId).ConfigureAwait(false);
        }
        catch (SeatStoreUnavailableException e)
        {
            NoteStoreDown(e);
            return null;
        }
    });
}
