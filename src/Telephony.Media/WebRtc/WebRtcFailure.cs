namespace Telephony.Media.WebRtc;

/// <summary>Why a WebRTC leg's media did not become secure (a closed set: logs, the seat's Not-ready reason).</summary>
public enum WebRtcFailure
{
    None,
    /// <summary>No connectivity check arrived in time.</summary>
    NoIceCheck,
    /// <summary>Checks arrived but none had our credentials (RFC 8445 §7.3: wrong USERNAME or MESSAGE-INTEGRITY).</summary>
    IceRefused,
    /// <summary>The peer's certificate does not hash to the fingerprint its SDP signalled (RFC 5763 §5).</summary>
    FingerprintMismatch,
    /// <summary>The peer sent no certificate (RFC 5763 §5 requires one from both sides).</summary>
    NoCertificate,
    /// <summary>No common SRTP protection profile (RFC 5764 §4.1.2): we take SRTP_AES128_CM_HMAC_SHA1_80 without MKI.</summary>
    NoSrtpProfile,
    /// <summary>The handshake did not finish in time.</summary>
    Timeout,
    /// <summary>Any other alert or error in the handshake.</summary>
    HandshakeFailed,
    /// <summary>The leg closed first.</summary>
    Closed,
}
