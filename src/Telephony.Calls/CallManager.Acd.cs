using Telephony.Calls.Sessions;
using Telephony.ContactCenter.Queues;
using Telephony.ContactCenter.Routing;

namespace Telephony.Calls;

// The ACD's call control. These run in the ACD's mailbox: never await the ACD here.
public sealed partial class CallManager : IAcdCallControl
{
    /// <inheritdoc />
    public async Task<bool> OfferAsync(CallOffer offer, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(offer);
        if (!_calls.TryGetValue(offer.Pop.CallId, out var call))
        {
            if (_taskEntries.TryGetValue(offer.Pop.CallId, out var task))
            {
                return await OfferTaskAsync(task, offer, ct).ConfigureAwait(false);
            }
            return _parked.TryGetValue(offer.Pop.CallId, out var parked) && await OfferParkedAsync(parked, offer, ct).ConfigureAwait(false);
        }
        // An agent whose page is the phone rings there; any other seat at its registered SIP phone.
        bool browser = _browserPhones?.IsBrowser(offer.Seat.AgentId) == true;
        var contacts = browser ? [] : await _seatPhones.ContactsAsync(offer.Seat.Extension, ct).ConfigureAwait(false);
        if (!browser && contacts.Count == 0)
        {
            CallsLog.SeatUnregistered(_log, offer.Pop.CallId, offer.Seat.Extension);
            return false;
        }
        // The pop is on its way (SignalR or its backplane has it). SignalR has no delivery receipt and its
        // websocket may lag the INVITE's datagram, so the call rings when the desktop acknowledges the pop
        // (the AcknowledgePop command), or after the maximum wait for a desktop that never does.
        call.Post(new PopPushing(offer.Seat.AgentId ?? ""));
        await _notifier.PushScreenPopAsync(offer.Pop, ct).ConfigureAwait(false);
        call.Post(new RingSeat(offer, contacts, browser));
        return true;
    }

    /// <inheritdoc />
    public Task WithdrawOfferAsync(string callId, string extension, CancellationToken ct = default)
    {
        if (_calls.TryGetValue(callId, out var call))
        {
            call.Post(new WithdrawOffer(extension));
        }
        else
        {
            OutboundFor(callId)?.Post(new WithdrawOffer(extension));
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task QueueExitAsync(QueueExit exit, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(exit);
        if (_calls.TryGetValue(exit.CallId, out var call))
        {
            call.Post(new QueueExitOrdered(exit));
        }
        else if (!(exit.Action == QueueEndAction.CallbackOffer && exit.Reason == QueueExitReason.MaxWait) && _parked.TryRemove(exit.CallId, out var parked))
        {
            // A callback waiting for its turn reached the queue's maximum wait and the ACD let it go: it is still owed,
            // as a task (offered by the ACD's task queue or taken from the list). A kept entry simply waits on.
            CallsLog.CallbackWaitEnded(_log, exit.CallId, exit.Queue);
            _ = LeaveMissedCallbackTaskAsync(parked.Call);
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task QueuePositionChangedAsync(QueuePosition position, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(position);
        if (_calls.TryGetValue(position.CallId, out var call))
        {
            call.Post(new PositionChanged(position));
        }
        return Task.CompletedTask;
    }
}
