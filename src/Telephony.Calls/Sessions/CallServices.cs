using Telephony.Media;
using Telephony.Calls.Legs;
using Telephony.Calls.Recording;
using Telephony.Calls.Routing;
using Telephony.Calls.Trunks;
using Telephony.ContactCenter.Routing;
using Telephony.Ivr;
using Telephony.Sip.UserAgent;

namespace Telephony.Calls.Sessions;

/// <summary>
/// What a call session may use, and nothing more: media, the IVR, the ACD and its queue names, seat
/// phones, the dial plan, music on hold, recordings and records, the clock and the two waits.
/// </summary>
internal sealed class CallServices
{
    public required MediaEngine Media { get; init; }

    public required IvrScriptProvider Scripts { get; init; }

    public required IvrInterpreter Interpreter { get; init; }

    public required SipUserAgent UserAgent { get; init; }

    public required AutomaticCallDistributor Acd { get; init; }

    public required QueueMap Queues { get; init; }

    public required SeatPhones SeatPhones { get; init; }

    public required DialPlan DialPlan { get; init; }

    public required HoldMusic HoldMusic { get; init; }

    /// <summary>Screen-pops to desktops (a consulted colleague's pop says who transfers the call).</summary>
    public required IScreenPopNotifier Pops { get; init; }

    public required RecordingFolder Recordings { get; init; }

    public required CallRecords Records { get; init; }

    public required TimeProvider Time { get; init; }

    /// <summary>Calls' traces (SIP ladder, RTP quality); null when the host keeps none.</summary>
    public Tracing.CallTraces? Traces { get; init; }

    /// <summary>The longest a seat waits, after the pop was pushed, for the desktop to acknowledge it.</summary>
    public required TimeSpan PopAckMaximumWait { get; init; }

    /// <summary>How long a partner may ring on an IVR transfer.</summary>
    public required TimeSpan TransferRingTimeout { get; init; }

    /// <summary>Agents whose phone is their browser, and the signalling to their pages (null: no browser phones on this node).</summary>
    public Telephony.Calls.WebPhone.BrowserPhones? BrowserPhones { get; init; }

    /// <summary>How long a caller offered a call-back at the end of the queue's maximum wait has to press 1.</summary>
    public TimeSpan CallbackDecisionWindow { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>A caller who chose "call me back" hung up: the call manager places the call when the entry's turn comes.</summary>
    public Action<ParkedCallback> ParkCallback { get; init; } = _ => { };

    /// <summary>Cancelled when the node stops.</summary>
    public required CancellationToken Stopping { get; init; }

    /// <summary>Waits on the SIP endpoint's one timer queue (same clock as the calls), not a timer per call.</summary>
    public Task DelayAsync(TimeSpan wait) => UserAgent.Endpoint.Timers.DelayAsync(wait);
}
