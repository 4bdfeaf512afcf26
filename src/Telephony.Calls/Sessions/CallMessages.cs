using Telephony.Calls.Commands;
using Telephony.Calls.Legs;
using Telephony.ContactCenter.Queues;
using Telephony.ContactCenter.Routing;
using Telephony.Ivr;
using Telephony.Sip.Registrar;
using Telephony.Sip.UserAgent;

namespace Telephony.Calls.Sessions;

/// <summary>Everything that happens to one call, posted to its mailbox and handled in order by its one loop.</summary>
internal abstract record CallMessage;

/// <summary>An event of one of the call's legs; the session tells by <see cref="Leg"/> whose leg it is (or was).</summary>
internal sealed record LegEvent(LegSignalling Leg, CallEvent Event) : CallMessage
{
    /// <summary>Posts each of <paramref name="leg"/>'s signalling events to its call's mailbox, until the leg's call ends.</summary>
    internal static async Task PumpAsync(LegSignalling leg, Func<CallMessage, bool> post)
    {
        try
        {
            await foreach (var e in leg.Events.ReadAllAsync().ConfigureAwait(false))
            {
                post(new LegEvent(leg, e));
                if (e is CallEnded)
                {
                    return;
                }
            }
        }
        catch (System.Threading.Channels.ChannelClosedException)
        {
        }
    }
}

/// <summary>A <see cref="CallCommand"/> from a desktop or an endpoint; its answer goes to <see cref="Done"/>.</summary>
internal sealed record CommandMessage(CallCommand Command, TaskCompletionSource<CommandResult> Done) : CallMessage;

/// <summary>A key the caller pressed (RFC 4733 telephone-event, or in-band).</summary>
internal sealed record DigitPressed(char Digit) : CallMessage;

/// <summary>The IVR script (or the post-call survey) finished.</summary>
internal sealed record IvrFinished(IvrResult Result) : CallMessage;

/// <summary>
/// The pop for <see cref="AgentId"/> is about to be pushed. Posted before the push, so an
/// acknowledgement that overtakes the <see cref="RingSeat"/> which follows the push still finds
/// the call expecting it (the mailbox keeps this order).
/// </summary>
internal sealed record PopPushing(string AgentId) : CallMessage;

/// <summary>The ACD reserved a seat and its pop was pushed: ring the seat's registered contacts once the desktop acknowledges the pop (or the wait ends).</summary>
internal sealed record RingSeat(CallOffer Offer, IReadOnlyList<Binding> Contacts, bool Browser = false) : CallMessage;

/// <summary>A browser leg's ICE and DTLS finished: SRTP is on (<see cref="Failure"/> None), or the reason it is not.</summary>
internal sealed record BrowserMediaSecured(LegSignalling Leg, Telephony.Media.WebRtc.WebRtcFailure Failure) : CallMessage;

/// <summary>The desktop did not acknowledge the pop of <see cref="Ring"/> within the maximum wait: ring anyway.</summary>
internal sealed record PopAckTimedOut(RingSeat Ring) : CallMessage;

/// <summary>The ACD gave up on the seat (ring timeout): stop ringing it.</summary>
internal sealed record WithdrawOffer(string Extension) : CallMessage;

/// <summary>The caller's place in the queue changed.</summary>
internal sealed record PositionChanged(QueuePosition Position) : CallMessage;

/// <summary>The ACD ended the call's wait (queue full, or the maximum wait): say so, then end the call.</summary>
internal sealed record QueueExitOrdered(QueueExit Exit) : CallMessage;

/// <summary>The caller did not press 1 in time after the call-back offered at the end of the queue's maximum wait.</summary>
internal sealed record CallbackOfferExpired : CallMessage;

/// <summary>The words of a queue exit were said (or the caller's media ended them).</summary>
internal sealed record QueueExitSpoken : CallMessage;

/// <summary>The IVR asks to hand the call to a partner hotline (a number the dial plan allows) through the trunk.</summary>
internal sealed record StartTransfer(string Number, string Target, TaskCompletionSource<bool> Done) : CallMessage;

/// <summary>The partner hotline did not answer in time.</summary>
internal sealed record TransferTimedOut(LegSignalling Leg) : CallMessage;

/// <summary>The node stops: end the call.</summary>
internal sealed record Shutdown : CallMessage;
