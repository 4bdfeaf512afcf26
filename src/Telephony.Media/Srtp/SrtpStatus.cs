namespace Telephony.Media.Srtp;

/// <summary>Why a received SRTP/SRTCP packet was or was not accepted.</summary>
public enum SrtpStatus
{
    /// <summary>Authenticated, fresh, decrypted in place.</summary>
    Ok,

    /// <summary>Too short for its header and tag, or not RTP version 2: not SRTP at all.</summary>
    Malformed,

    /// <summary>The tag did not match (tampered, wrong key, or plain RTP/RTCP): dropped, RFC 3711 §3.3 step 5.</summary>
    AuthenticationFailed,

    /// <summary>Seen before or older than the 64-packet window: dropped, RFC 3711 §3.3.2.</summary>
    Replayed,
}
