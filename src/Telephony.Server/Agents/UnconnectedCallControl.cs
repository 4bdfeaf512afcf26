using Telephony.ContactCenter.Queues;
using Telephony.ContactCenter.Routing;

namespace Telephony.Server.Agents;

/// <summary>
/// Registered only until the call manager provides the real <see cref="IAcdCallControl"/>: with no
/// call manager no call is ever queued, so an offer here means a wiring mistake. It refuses the offer
/// (the ACD then frees the seat as "unreachable") and logs an error rather than pretending to ring.
/// </summary>
internal sealed partial class UnconnectedCallControl(ILogger<UnconnectedCallControl> log) : IAcdCallControl
{
    public Task<bool> OfferAsync(CallOffer offer, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(offer);
        LogNoCallManager(offer.Pop.CallId);
        return Task.FromResult(false);
    }

    public Task WithdrawOfferAsync(string callId, string extension, CancellationToken ct = default) => Task.CompletedTask;

    public Task QueuePositionChangedAsync(QueuePosition position, CancellationToken ct = default) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Error, Message = "Call {CallId} was offered but no call manager is registered to ring seats")]
    private partial void LogNoCallManager(string callId);
}
