using Telephony.ContactCenter.Queues;
using Telephony.ContactCenter.Routing;
using Telephony.Ivr;
using Telephony.Sip.Registrar;
using Telephony.Sip.UserAgent;

namespace Telephony.Server.Calls;

/// <summary>Everything that happens to one call, posted to its mailbox and handled in order by its one loop.</summary>
internal abstract record CallMessage;

/// <summary>An event of the citizen's leg (established, INFO digit, BYE/CANCEL…).</summary>
internal sealed record CallerLegEvent(CallEvent Event) : CallMessage;

/// <summary>An event of an agent leg; <see cref="Leg"/> tells a current leg from one already dropped.</summary>
internal sealed record AgentLegEvent(SipCall Leg, CallEvent Event) : CallMessage;

/// <summary>Something happened on the supervisor's leg.</summary>
internal sealed record ThirdLegEvent(SipCall Leg, CallEvent Event) : CallMessage;

/// <summary>The connected agent adds a partner hotline (<see cref="Number"/>, dialled at <see cref="Target"/>; null when not allowed) or drops it (<see cref="Number"/> null).</summary>
/// <remarks>With <see cref="HandOver"/> the agent leaves instead, and the citizen goes on with the partner.</remarks>
internal sealed record ConferenceRequest(string AgentId, string? Number, string? Target, bool HandOver, TaskCompletionSource<Agents.ConferenceResult> Done) : CallMessage;

/// <summary>A supervisor asks to join (<see cref="Seat"/> set), change the mode of, or leave (<see cref="Leave"/>) the call.</summary>
internal sealed record SupervisionRequest(string? Seat, Telephony.Media.Mixing.SupervisionMode Mode, bool Leave, TaskCompletionSource<SupervisionResult> Done) : CallMessage;

/// <summary>A key the caller pressed (RFC 4733 telephone-event).</summary>
internal sealed record DigitPressed(char Digit) : CallMessage;

/// <summary>The IVR script finished.</summary>
internal sealed record IvrFinished(IvrResult Result) : CallMessage;

/// <summary>
/// The pop for <see cref="AgentId"/> is about to be pushed. Posted before the push, so an
/// acknowledgement that overtakes the <see cref="RingSeat"/> which follows the push still finds
/// the call expecting it (the mailbox keeps this order).
/// </summary>
internal sealed record PopPushing(string AgentId) : CallMessage;

/// <summary>The ACD reserved a seat and its pop was pushed: ring the seat's registered contacts once the desktop acknowledges the pop (or the wait ends).</summary>
internal sealed record RingSeat(CallOffer Offer, IReadOnlyList<Binding> Contacts) : CallMessage;

/// <summary>An agent's desktop acknowledged a screen-pop; <see cref="Accepted"/> says whether it was this call's waiting pop for that agent.</summary>
internal sealed record PopAcknowledged(string AgentId, TaskCompletionSource<bool> Accepted) : CallMessage;

/// <summary>An agent's desktop asks to pause (<see cref="Pause"/>) or resume the recording of the call.</summary>
internal sealed record RecordingControl(string AgentId, bool Pause, string Reason, TaskCompletionSource<Agents.RecordingControlResult> Done) : CallMessage;

/// <summary>The desktop did not acknowledge the pop of <see cref="Ring"/> within the maximum wait: ring anyway.</summary>
internal sealed record PopAckTimedOut(RingSeat Ring) : CallMessage;

/// <summary>The ACD gave up on the seat (ring timeout): stop ringing it.</summary>
internal sealed record WithdrawOffer(string Extension) : CallMessage;

/// <summary>The caller's place in the queue changed.</summary>
internal sealed record PositionChanged(QueuePosition Position) : CallMessage;

/// <summary>The IVR asks to hand the call to a partner hotline (an allowed script number) through the trunk.</summary>
internal sealed record StartTransfer(string Number, string Target, TaskCompletionSource<bool> Done) : CallMessage;

/// <summary>The partner hotline did not answer in time.</summary>
internal sealed record TransferTimedOut(SipCall Leg) : CallMessage;

/// <summary>The server stops: end the call.</summary>
internal sealed record Shutdown : CallMessage;
