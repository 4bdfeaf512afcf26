namespace Telephony.Softphone.Core;

/// <summary>Something the agent's desktop shows; read them from <see cref="AgentClient.Events"/>.</summary>
public abstract record AgentEvent(DateTimeOffset At);

/// <summary>The seat changed state (hub <c>StateChanged</c>).</summary>
public sealed record SeatStateEvent(SeatStateChange Change, DateTimeOffset At) : AgentEvent(At);

/// <summary>The screen-pop arrived (hub <c>ScreenPop</c>); <paramref name="At"/> is when this desktop received it.</summary>
public sealed record ScreenPopEvent(ScreenPopInfo Pop, DateTimeOffset At) : AgentEvent(At);

/// <summary>Another hub call event (CallOffered, CallAnswered, CallEnded), for display.</summary>
public sealed record HubCallEvent(string Name, string CallId, string Detail, DateTimeOffset At) : AgentEvent(At);

/// <summary>An INVITE reached the softphone: it rings. <paramref name="PopCallId"/> is the screen-pop it belongs to, if any.</summary>
public sealed record RingingEvent(string SipCallId, string From, string To, string? PopCallId, DateTimeOffset At) : AgentEvent(At);

/// <summary>The call is up (our 200 OK was ACKed) with this codec.</summary>
public sealed record ConnectedEvent(string SipCallId, string Codec, DateTimeOffset At) : AgentEvent(At);

/// <summary>The call ended; <paramref name="Recording"/> names the WAV of what the agent heard, if recorded.</summary>
public sealed record CallFinishedEvent(string SipCallId, string Reason, long PacketsReceived, long FramesSent, string? Recording, DateTimeOffset At) : AgentEvent(At);

/// <summary>The caller pressed a key (RFC 4733 telephone-event in the call's RTP).</summary>
public sealed record DigitEvent(string SipCallId, char Digit, DateTimeOffset At) : AgentEvent(At);

/// <summary>A problem worth showing (a refused call, a failed re-registration, the hub dropping).</summary>
public sealed record NoticeEvent(string Message, DateTimeOffset At) : AgentEvent(At);

/// <summary>
/// One call's timeline as this desktop saw it, for the load generator and the pop benchmark.
/// Server times (<see cref="ReservedAt"/>, <see cref="PopCreatedAt"/>) and local times come from
/// the wall clock of each machine: compare them only when server and softphone share a host (or NTP).
/// </summary>
/// <param name="PopCallId">The ACD's call id from the pop.</param>
/// <param name="CallerNumber">Caller number from the pop.</param>
/// <param name="ReservedAt">When the seat became Reserved for this call (hub StateChanged → Reserved, server clock); null when not seen.</param>
/// <param name="PopCreatedAt">The pop's own timestamp (the ACD's offer start, right after the reservation; server clock).</param>
/// <param name="PopReceivedAt">When the pop reached this desktop.</param>
/// <param name="InviteReceivedAt">When the INVITE reached this softphone; null when none came.</param>
/// <param name="WaitTime">Queue wait the pop reports.</param>
/// <param name="SipCallId">Call-ID of the INVITE that was matched to the pop.</param>
public sealed record PopTiming(string PopCallId, string CallerNumber, DateTimeOffset? ReservedAt, DateTimeOffset PopCreatedAt,
    DateTimeOffset PopReceivedAt, DateTimeOffset? InviteReceivedAt, TimeSpan WaitTime, string? SipCallId)
{
    /// <summary>Reservation (or, without it, pop creation) → pop received.</summary>
    public TimeSpan PopLatency => PopReceivedAt - (ReservedAt ?? PopCreatedAt);

    /// <summary>Pop received → INVITE received; negative when the INVITE came first.</summary>
    public TimeSpan? PopToInviteLead => InviteReceivedAt - PopReceivedAt;

    /// <summary>When the call entered its queue (server clock): pop time minus the wait it reports.</summary>
    public DateTimeOffset EnqueuedAt => PopCreatedAt - WaitTime;
}

/// <summary>A <see cref="PopTiming"/> is complete (the INVITE arrived, or the call ended without one).</summary>
public sealed record PopTimingEvent(PopTiming Timing, DateTimeOffset At) : AgentEvent(At);
