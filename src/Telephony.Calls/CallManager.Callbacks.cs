using System.Collections.Concurrent;
using Telephony.Calls.Outbound;
using Telephony.Calls.Sessions;
using Telephony.Cases;
using Telephony.Cases.Callbacks;
using Telephony.ContactCenter.Routing;

namespace Telephony.Calls;

// Callbacks in the queue. A caller who chose "call me back" hung up, but their ACD entry stays (its place in the seat
// store holds across nodes; the node that took the call owns it, as for any queued call). When the ACD offers it, the
// pop is pushed and an outbound call rings the agent, then dials the citizen. No answer or busy: the entry is queued
// again after the retry interval, until the policy's attempts are used up; then a missed-callback task is left.
public sealed partial class CallManager
{
    private readonly ConcurrentDictionary<string, ParkedState> _parked = new(StringComparer.Ordinal);

    /// <summary>Callbacks waiting on this node for their turn (or their next attempt).</summary>
    public int WaitingCallbacks => _parked.Count;

    private sealed class ParkedState(InboundCall call)
    {
        public InboundCall Call { get; } = call;

        public int Attempts { get; set; }
    }

    /// <summary>The session's hand-over: the caller accepted a callback and hung up.</summary>
    private void Park(ParkedCallback parked)
    {
        _parked[parked.Call.CallId] = new ParkedState(parked.Call);
        CallsLog.CallbackParked(_log, parked.Call.CallId, parked.Call.CallerNumber, parked.Requeue);
        if (parked.Requeue)
        {
            _ = RequeueAsync(parked.Call, TimeSpan.Zero);
        }
    }

    /// <summary>The ACD's offer of a parked callback: the pop first, then the outbound call (agent, then citizen).</summary>
    private async Task<bool> OfferParkedAsync(ParkedState parked, CallOffer offer, CancellationToken ct)
    {
        var agentId = offer.Seat.AgentId ?? offer.Seat.Extension;
        await _notifier.PushScreenPopAsync(offer.Pop with { Purpose = CallOutcome.Callback.ToText() }, ct).ConfigureAwait(false);
        var dial = await DialCitizenAsync(new OutboundCallRequest(parked.Call.CallerNumber, agentId, offer.Seat.Extension, CallOutcome.Callback,
            AcdCallId: parked.Call.CallId), ct).ConfigureAwait(false);
        if (!dial.Started)
        {
            return false; // the ACD offers it to the next agent
        }
        _ = FollowCallbackAsync(parked, dial);
        return true;
    }

    private async Task FollowCallbackAsync(ParkedState parked, OutboundDial dial)
    {
        var result = await dial.Settled.ConfigureAwait(false);
        var call = parked.Call;
        switch (result)
        {
            case OutboundCallResult.Reached or OutboundCallResult.WrongNumber:
                _parked.TryRemove(call.CallId, out _);
                CallsLog.CallbackDone(_log, call.CallId, OutboundResultText.Of(result));
                return;
            case OutboundCallResult.AgentUnreachable:
                return; // the entry went back to the ACD (declined or withdrawn), which offers it on
        }
        parked.Attempts++;
        var policy = CallbackPolicy;
        if (_outboundLoops.TryGetValue(dial.CallId!, out var loop))
        {
            await loop.ConfigureAwait(false); // the ACD has been told the call ended before it is queued again
        }
        if (parked.Attempts < policy.MaxAttempts)
        {
            CallsLog.CallbackRetry(_log, call.CallId, OutboundResultText.Of(result), parked.Attempts, policy.MaxAttempts);
            await RequeueAsync(call, policy.RetryInterval).ConfigureAwait(false);
            return;
        }
        _parked.TryRemove(call.CallId, out _);
        CallsLog.CallbackFailed(_log, call.CallId, call.CallerNumber, parked.Attempts);
        await LeaveMissedCallbackTaskAsync(call).ConfigureAwait(false);
    }

    /// <summary>A callback the queue could not place: a missed-callback task, for the ACD's task queue or the desk's list.</summary>
    private async Task LeaveMissedCallbackTaskAsync(InboundCall call)
    {
        if (_callbackTasks is null)
        {
            return;
        }
        try
        {
            await _callbackTasks.AddCallbackTaskAsync(CallbackKind.MissedCallback, call.CallerNumber, call.CallId, _time.GetUtcNow()).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            CallsLog.CallbackTaskFailed(_log, e, call.CallId);
        }
    }

    private async Task RequeueAsync(InboundCall call, TimeSpan after)
    {
        if (after > TimeSpan.Zero && _services is { } services)
        {
            await services.DelayAsync(after).ConfigureAwait(false);
        }
        if (_stopping.IsCancellationRequested || !_parked.ContainsKey(call.CallId) || _services is not { } s)
        {
            return;
        }
        try
        {
            await s.Acd.EnqueueAsync(call).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            CallsLog.CallbackTaskFailed(_log, e, call.CallId);
        }
    }

    /// <summary>The outbound call working the ACD entry <paramref name="acdCallId"/>, if any.</summary>
    private OutboundCallSession? OutboundFor(string acdCallId) =>
        _outbound.Values.FirstOrDefault(s => string.Equals(s.Request.AcdCallId, acdCallId, StringComparison.Ordinal));
}
