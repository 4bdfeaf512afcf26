
namespace Telephony.ContactCenter.Routing;

/// <summary>A call the ACD wants a seat to take: the screen-pop to show, then ring the seat.</summary>
public sealed record CallOffer(ScreenPop Pop, SeatSnapshot Seat, TimeSpan RingTimeout);

/// <summary>
/// The ACD's only view of calls, implemented by the server's call manager (which knows SIP; the
/// contact center does not). Calls come in through <see cref="AutomaticCallDistributor"/>'s methods
/// and decisions go out through this interface.
/// These methods run inside the ACD's mailbox: they must not await an ACD method (that would wait
/// for the mailbox they are blocking); post such calls to the call's own mailbox instead.
/// </summary>
public interface IAcdCallControl
{
    /// <summary>
    /// Push the screen-pop to the agent, then ring the seat's softphone. Return true once it rings
    /// (or is being rung); false when the seat cannot be reached, and the call goes to the next agent.
    /// </summary>
    Task<bool> OfferAsync(CallOffer offer, CancellationToken ct = default);

    /// <summary>The agent did not answer in time: stop ringing that seat (the call stays with the ACD).</summary>
    Task WithdrawOfferAsync(string callId, string extension, CancellationToken ct = default);

    /// <summary>The caller's place in the queue changed (for the "you are number N" announcement).</summary>
    Task QueuePositionChangedAsync(QueuePosition position, CancellationToken ct = default);

    /// <summary>
    /// The ACD ends the call's wait (its queue was full, or it waited the queue's maximum): the call has
    /// left the ACD; the caller hears the end action's words and the call ends. Except for a maximum wait
    /// whose action is <see cref="QueueEndAction.CallbackOffer"/>: the call keeps its place and the caller is
    /// offered a call-back; the call control ends the call (which removes it) if the caller declines.
    /// </summary>
    Task QueueExitAsync(QueueExit exit, CancellationToken ct = default);
}
