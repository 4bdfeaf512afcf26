
namespace Telephony.ContactCenter.Events;

/// <summary>Something an agent desktop shows. Every event belongs to one seat and its agent.</summary>
public abstract record DesktopEvent(string Extension, string? AgentId, DateTimeOffset At);

/// <summary>The seat changed state.</summary>
public sealed record SeatStateChanged(string Extension, string? AgentId, SeatState State, string? Reason, string? CallId, DateTimeOffset At)
    : DesktopEvent(Extension, AgentId, At);

/// <summary>
/// What the desktop shows before the softphone rings: who calls, what they dialled, what they chose
/// in the IVR, in which language and queue, and how long they waited.
/// </summary>
public sealed record ScreenPop(
    string CallId,
    string Extension,
    string AgentId,
    string CallerNumber,
    string DialedNumber,
    IReadOnlyList<string> IvrPath,
    string IvrDigits,
    string Language,
    string Queue,
    TimeSpan WaitTime,
    DateTimeOffset At) : DesktopEvent(Extension, AgentId, At)
{
    /// <summary>The agent who transferred the call to this one ("transferred from ..."); null for a call from the IVR.</summary>
    public string? TransferredFrom { get; init; }

    /// <summary>The case the transferring agent was writing (its draft fields), to go on with.</summary>
    public IReadOnlyDictionary<string, string>? CaseDraft { get; init; }

    /// <summary>
    /// A call the centre places rather than takes: "callback" (a queued caller's call-back) or "missed-call-return"
    /// (a callback task); the seat rings first and the citizen is dialled when the agent answers. Null for a caller's call.
    /// </summary>
    public string? Purpose { get; init; }

    /// <summary>The callback task the call works (its attempt is <see cref="CallbackAttempt"/>); null for others.</summary>
    public long? CallbackTaskId { get; init; }

    /// <summary>Which attempt at the task this is (1 = the first).</summary>
    public int? CallbackAttempt { get; init; }
}

/// <summary>The call now rings at the seat (after the screen-pop was delivered).</summary>
public sealed record CallOffered(string CallId, string Extension, string AgentId, TimeSpan RingTimeout, DateTimeOffset At)
    : DesktopEvent(Extension, AgentId, At);

/// <summary>The agent answered.</summary>
public sealed record CallAnswered(string CallId, string Extension, string AgentId, DateTimeOffset At)
    : DesktopEvent(Extension, AgentId, At);

/// <summary>
/// The call left the seat (the desktop clears its pop): it ended, or went on to another agent. Not the
/// SIP stack's <c>Telephony.Sip.UserAgent.CallEnded</c>; the hub still sends it as <c>CallEnded</c>.
/// </summary>
public sealed record CallLeftSeat(string CallId, string Extension, string AgentId, CallLeftSeatReason Reason, DateTimeOffset At)
    : DesktopEvent(Extension, AgentId, At);

/// <summary>
/// The seat left wrap-up for <see cref="CallId"/> at <see cref="DesktopEvent.At"/> (the wrap-up time ran out,
/// or the agent went Ready, NotReady or logged out): the end of the call's after-call work, which the
/// average handle time includes. Published once per call; the host stores it on the call record.
/// </summary>
public sealed record WrapUpEnded(string CallId, string Extension, string AgentId, DateTimeOffset At)
    : DesktopEvent(Extension, AgentId, At);

/// <summary>Where desktop events go; the server forwards them to the agent's SignalR group.</summary>
public interface IDesktopEventSink
{
    /// <summary>Delivers one event; completes when it was handed to the transport.</summary>
    Task PublishAsync(DesktopEvent desktopEvent, CancellationToken ct = default);
}
