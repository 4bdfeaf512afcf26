namespace Telephony.Sip.Transport;

/// <summary>Which way a traced message went.</summary>
public enum SipTraceDirection
{
    /// <summary>Received from the peer.</summary>
    In,

    /// <summary>Sent to the peer (retransmissions included: they are what the peer saw).</summary>
    Out,
}

/// <summary>
/// Sees every SIP message the endpoint receives (after it parsed) and every one it sends (as the bytes go
/// to the socket, retransmissions too), for a call's own trace. It runs on the receive and send paths, so it
/// must be cheap, must not block and must not throw.
/// </summary>
public interface ISipMessageTap
{
    /// <summary><paramref name="message"/> is only valid during the call (receive buffers are reused).</summary>
    void OnSipMessage(SipTraceDirection direction, in SipFlow flow, ReadOnlySpan<byte> message);
}
