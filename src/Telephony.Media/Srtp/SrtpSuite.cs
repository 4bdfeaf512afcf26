namespace Telephony.Media.Srtp;

/// <summary>
/// The SRTP crypto suites we implement (RFC 4568 §6.2, RFC 5764 §4.1.2): AES in counter mode with a
/// 128-bit master key and 112-bit master salt, HMAC-SHA1 authentication. The suffix is the length of
/// the SRTP tag in bits; SRTCP always carries an 80-bit tag (RFC 4568 §6.2.2).
/// </summary>
public enum SrtpSuite
{
    /// <summary>AES_CM_128_HMAC_SHA1_80 (the SRTP default, RFC 3711 §5).</summary>
    AesCm128HmacSha1_80,

    /// <summary>AES_CM_128_HMAC_SHA1_32: a 32-bit SRTP tag, for narrow links; SRTCP keeps 80 bits.</summary>
    AesCm128HmacSha1_32,
}

/// <summary>Key, salt and tag sizes of each <see cref="SrtpSuite"/>, and its names in SDES.</summary>
public static class SrtpSuites
{
    /// <summary>Master key length in bytes (128 bits for both suites).</summary>
    public const int MasterKeyLength = 16;

    /// <summary>Master salt length in bytes (112 bits, RFC 3711 §8.2).</summary>
    public const int MasterSaltLength = 14;

    /// <summary>The SRTCP tag: 80 bits whatever the suite.</summary>
    public const int RtcpTagLength = 10;

    /// <summary>The E flag and 31-bit SRTCP index after the encrypted part (RFC 3711 §3.4).</summary>
    public const int RtcpIndexLength = 4;

    /// <summary>Bytes a protected RTP packet grows by (the tag; we send no MKI).</summary>
    public static int RtpOverhead(this SrtpSuite suite) => suite.RtpTagLength();

    /// <summary>Bytes a protected RTCP packet grows by (index word and tag).</summary>
    public static int RtcpOverhead(this SrtpSuite suite) => RtcpIndexLength + RtcpTagLength;

    /// <summary>Length in bytes of the SRTP authentication tag.</summary>
    public static int RtpTagLength(this SrtpSuite suite) => suite == SrtpSuite.AesCm128HmacSha1_32 ? 4 : 10;

    /// <summary>The suite's name in an SDES a=crypto line (RFC 4568 §6.2).</summary>
    public static string SdesName(this SrtpSuite suite) => suite switch
    {
        SrtpSuite.AesCm128HmacSha1_80 => "AES_CM_128_HMAC_SHA1_80",
        SrtpSuite.AesCm128HmacSha1_32 => "AES_CM_128_HMAC_SHA1_32",
        _ => throw new ArgumentOutOfRangeException(nameof(suite)),
    };

    /// <summary>The suite an SDES name stands for (exact, case-sensitive as RFC 4568 §9.1's grammar).</summary>
    public static bool TryParseSdesName(ReadOnlySpan<char> name, out SrtpSuite suite)
    {
        if (name.SequenceEqual("AES_CM_128_HMAC_SHA1_80"))
        {
            suite = SrtpSuite.AesCm128HmacSha1_80;
            return true;
        }
        if (name.SequenceEqual("AES_CM_128_HMAC_SHA1_32"))
        {
            suite = SrtpSuite.AesCm128HmacSha1_32;
            return true;
        }
        suite = default;
        return false;
    }
}
