using Telephony.Calls.Sessions;
using Telephony.ContactCenter.Queues;
using Telephony.ContactCenter.Routing;
using Telephony.ContactCenter.Store;

namespace Telephony.Calls;

// The ACD's call control. These run in the ACD's mailbox: never await the ACD here.
public sealed partial class CallManager : IAcdCallControl
{
    /// <summary>
    /// The record writer ended calls as node-lost (their node died): the seats still holding them are released. Not
    /// awaited by the writer. The records are no longer live once this runs, so no later sweep would name these calls
    /// again: while the seat store is away it is tried again every <see cref="LostSeatRetry"/>, for a while.
    /// </summary>
    private async Task ReleaseSeatsOfLostCallsAsync(AutomaticCallDistributor acd, IReadOnlyList<string> callIds)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var released = await acd.ReleaseSeatsOfLostCallsAsync(callIds).ConfigureAwait(false);
                CallsLog.LostCallSeatsReleased(_log, released, callIds.Count);
                return;
            }
            catch (SeatStoreUnavailableException) when (attempt < LostSeatAttempts && !_stopping.IsCancellationRequested)
            {
                try
                {
                    await Task.Delay(LostSeatRetry, _time, _stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                CallsLog.LostCallSeatsNotReleased(_log, e, callIds.Count);
                return;
            }
        }
    }

    private static readonly TimeSpan LostSeatRetry = TimeSpan.FromSeconds(5);
    private const int LostSeatAttempts = 60; // five minutes of seat-store outage

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
