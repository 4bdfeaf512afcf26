using Telephony.ContactCenter.Store;

namespace Telephony.ContactCenter.Routing;

/// <summary>Matching waiting calls with Ready seats, offering, ring timeouts, wrap-up and requeueing.</summary>
public sealed partial class AutomaticCallDistributor
{
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
        // Calls waiting always go before tasks: a task is tried only when no call fits the seat.
        var calls = eligible.Where(q => !IsTaskRoute(q)).ToList();
        var assignment = calls.Count == 0 ? null : await _store.TryAssignSeatAsync(extension, calls, _time.GetUtcNow()).ConfigureAwait(false);
        if (assignment is null && calls.Count < eligible.Count)
            assignment = await _store.TryAssignSeatAsync(extension, [.. eligible.Where(IsTaskRoute)], _time.GetUtcNow()).ConfigureAwait(false);
        if (assignment is null)
            return;
        await AfterOfferAsync(assignment, await OfferAsync(assignment).ConfigureAwait(false)).ConfigureAwait(false);
    }

    /// <summary>True for the task queue and its routes (<see cref="AcdOptions.TaskQueue"/>).</summary>
    private bool IsTaskRoute(string route) =>
        TaskQueue is { } tasks && route.StartsWith(tasks, StringComparison.Ordinal) && (route.Length == tasks.Length || route[tasks.Length] == RouteSeparator);

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
            call.IvrDigits, call.Language, call.Queue, now - live.Entry.EnqueuedAt, now)
        { TransferredFrom = call.TransferredFrom, CaseDraft = call.CaseDraft };
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
        try
        {
            await MoveOnFromSeatCoreAsync(live, extension, reason, endReason, withdraw).ConfigureAwait(false);
        }
        catch (SeatStoreUnavailableException e)
        {
            // The call stays with this node and waits for the store (QueueHeldCallsAsync); the seat this
            // node knows goes NotReady as the store would have made it.
            NoteStoreDown(e);
            RememberWhileDown(live.AgentId, extension, SeatState.NotReady, null);
            live.Stage = QueuedCallStage.Queued;
            live.Extension = null;
            live.AgentId = null;
            live.InStore = false;
        }
    }

    private async Task MoveOnFromSeatCoreAsync(LiveCall live, string extension, string reason, CallLeftSeatReason endReason, bool withdraw)
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
        // An agent whose desktop is gone is not Ready for the next call, whatever the wrap-up timer says.
        var lost = DesktopGone((await _store.GetSeatAsync(extension).ConfigureAwait(false))?.AgentId);
        var ready = await TransitionReportingWrapUpAsync(lost
            ? new SeatTransitionRequest(extension, SeatState.NotReady, DesktopLostReason, ExpectedCallId: callId, OnlyFrom: [SeatState.WrapUp])
            : new SeatTransitionRequest(extension, SeatState.Ready, ExpectedCallId: callId, OnlyFrom: [SeatState.WrapUp])).ConfigureAwait(false);
        if (!ready.Succeeded)
            return; // the agent already went Ready or NotReady by hand
        await PublishStateAsync(ready.Seat!, ready.Seat!.AgentId).ConfigureAwait(false);
        if (!lost)
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
        live.InStore = false;
        await _store.EnqueueAsync(live.Entry).ConfigureAwait(false);
        live.InStore = true;
        // An overflow or the maximum wait that fell due while the call rang applies now (after this work item).
        var callId = live.Call.CallId;
        PostFromTimer(() => PolicyDueAsync(callId));
    }
}
