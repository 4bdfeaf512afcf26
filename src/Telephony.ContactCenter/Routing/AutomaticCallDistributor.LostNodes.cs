namespace Telephony.ContactCenter.Routing;

/// <summary>
/// Seats left holding the calls of a node that died (SIGKILL, power cut). Only the node that holds a call ends it in
/// the ACD (its mailbox has the call's SIP legs), so a dead node's seats would stay OnCall, or in wrap-up, for ever:
/// the agent could take no call and the wallboard would count a talk that ended long ago.
/// The ring sweep (<see cref="SweepAsync"/>) already frees Reserved and Ringing seats; an OnCall seat may be a long
/// talk, so nothing in the seat store tells a lost call from a live one. The call records do: a survivor's record
/// writer ends the dead node's live records as node-lost (issue 15) and hands their Call-IDs here, and the seats
/// still holding them leave the call as when the caller hangs up (OnCall goes to wrap-up and its timer runs on this
/// node; Reserved or Ringing go Ready). A wrap-up whose timer died with its node is ended by the sweep once it is well
/// past the wrap-up time.
/// </summary>
public sealed partial class AutomaticCallDistributor
{
    /// <summary>
    /// Releases the seats that still hold one of <paramref name="callIds"/>, calls whose node died and that the call
    /// records ended as node-lost. Returns how many seats moved. Every guard is the call's id, so a seat that moved on
    /// meanwhile (the agent pressed Ready, another node's timer fired) is left alone; several survivors may do this at
    /// once and only one moves each seat.
    /// </summary>
    public Task<int> ReleaseSeatsOfLostCallsAsync(IReadOnlyCollection<string> callIds)
    {
        ArgumentNullException.ThrowIfNull(callIds);
        var lost = callIds.ToHashSet(StringComparer.Ordinal);
        return Post(async () =>
        {
            if (lost.Count == 0)
                return 0;
            var moved = 0;
            foreach (var seat in await _store.GetSeatsAsync().ConfigureAwait(false))
            {
                if (seat.CallId is not { } callId || !lost.Contains(callId) || _live.ContainsKey(callId)
                    || seat.State is not (SeatState.Reserved or SeatState.Ringing or SeatState.OnCall))
                    continue;
                using var scope = CallScope(callId);
                var now = _time.GetUtcNow();
                var next = seat.State == SeatState.OnCall ? SeatState.WrapUp : SeatState.Ready;
                var left = await _store.TransitionAsync(new SeatTransitionRequest(seat.Extension, next, ExpectedCallId: callId, OnlyFrom: [seat.State]), now).ConfigureAwait(false);
                if (!left.Succeeded)
                    continue;
                moved++;
                LogLostCallSeatReleased(callId, seat.Extension, seat.State, next);
                await PublishAsync(new CallLeftSeat(callId, seat.Extension, seat.AgentId ?? "", CallLeftSeatReason.NodeLost, now)).ConfigureAwait(false);
                await PublishStateAsync(left.Seat!, seat.AgentId).ConfigureAwait(false);
                if (next == SeatState.WrapUp)
                {
                    var ext = seat.Extension;
                    _timers.Schedule(_options.WrapUpTime, () => PostFromTimer(() => WrapUpOverAsync(ext, callId)));
                }
                else
                {
                    await DispatchSeatAsync(seat.Extension).ConfigureAwait(false);
                }
            }
            return moved;
        });
    }

    /// <summary>
    /// Ends a wrap-up well past the wrap-up time (its timer died with the node that ended the call), as that timer
    /// would have: Ready, or NotReady for an agent whose desktop is gone. True when the seat moved.
    /// </summary>
    private async Task<bool> EndStaleWrapUpAsync(SeatSnapshot seat, DateTimeOffset now)
    {
        if (seat is not { State: SeatState.WrapUp, CallId: { } callId } || now - seat.StateSince <= _options.WrapUpTime + _options.StaleGrace)
            return false;
        LogStaleWrapUp(seat.Extension, callId, (int)(now - seat.StateSince).TotalSeconds);
        await WrapUpOverAsync(seat.Extension, callId).ConfigureAwait(false);
        return true;
    }
}
