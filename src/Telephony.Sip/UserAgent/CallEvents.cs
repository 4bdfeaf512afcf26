namespace Telephony.Sip.UserAgent;

/// <summary>Which side started the call.</summary>
public enum CallDirection
{
    /// <summary>We sent the INVITE.</summary>
    Outgoing,
    /// <summary>We received the INVITE.</summary>
    Incoming,
}

/// <summary>The call's life as the application sees it.</summary>
public enum CallState
{
    /// <summary>INVITE sent (outgoing) or received and not yet answered (incoming).</summary>
    Setup,
    /// <summary>A provisional response with a dialog (outgoing) or our 1xx (incoming).</summary>
    Ringing,
    /// <summary>2xx and ACK exchanged.</summary>
    Established,
    /// <summary>Over (BYE, CANCEL, failure, timeout).</summary>
    Ended,
}

/// <summary>Why a call ended.</summary>
public enum CallEndReason
{
    /// <summary>We hung up (BYE sent).</summary>
    LocalHangup,
    /// <summary>The peer hung up (BYE received).</summary>
    RemoteHangup,
    /// <summary>We cancelled our INVITE.</summary>
    Cancelled,
    /// <summary>The caller cancelled before we answered.</summary>
    RemoteCancelled,
    /// <summary>The INVITE was refused (a 3xx–6xx final response, or we rejected it).</summary>
    Rejected,
    /// <summary>No response, no ACK, or a transport failure.</summary>
    Failed,
    /// <summary>Replaced by another call (RFC 3891).</summary>
    Replaced,
}

/// <summary>Something that happened on a call; read them from <see cref="SipCall.Events"/>.</summary>
public abstract record CallEvent;

/// <summary>A provisional response (outgoing call): status, reason and an early SDP answer if any.</summary>
public sealed record CallProgress(int StatusCode, string Reason, ReadOnlyMemory<byte> Sdp) : CallEvent;

/// <summary>The call is up: 2xx received and ACKed (outgoing), or our 2xx was ACKed (incoming). <see cref="RemoteSdp"/> is the peer's session description.</summary>
public sealed record CallEstablished(ReadOnlyMemory<byte> RemoteSdp) : CallEvent;

/// <summary>The peer changed its session (re-INVITE or UPDATE with a body); we answered with our current SDP.</summary>
public sealed record RemoteSdpChanged(ReadOnlyMemory<byte> Sdp) : CallEvent;

/// <summary>A DTMF digit from an INFO with <c>application/dtmf-relay</c>.</summary>
public sealed record DtmfReceived(char Digit, int DurationMs) : CallEvent;

/// <summary>Any other INFO body.</summary>
public sealed record InfoReceived(string? ContentType, ReadOnlyMemory<byte> Body) : CallEvent;

/// <summary>
/// The peer asked us to transfer (REFER, RFC 3515). We answered 202 and a NOTIFY "100 Trying"; report the
/// outcome with <see cref="SipCall.NotifyTransferResultAsync"/>. <see cref="Replaces"/> is set for an attended transfer.
/// </summary>
public sealed record TransferRequested(string ReferTo, Telephony.Sip.Messages.ReplacesHeader? Replaces) : CallEvent;

/// <summary>A NOTIFY about a REFER we sent: the status line of the transfer target's answer.</summary>
public sealed record TransferProgress(int StatusCode, string Reason, bool Final) : CallEvent;

/// <summary>The call is over; the last event.</summary>
public sealed record CallEnded(CallEndReason Reason, int StatusCode, string Detail) : CallEvent;
