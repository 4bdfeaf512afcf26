namespace Telephony.Sip.Auth;

/// <summary>The digest response computation of RFC 7616 §3.4 (qop=auth or no qop), as used by SIP (RFC 8760).</summary>
public static class DigestCalculator
{
    /// <summary>HA1 = H(username ":" realm ":" password) (RFC 7616 §3.4.2, non-session algorithms).</summary>
    public static string Ha1(DigestAlgorithm algorithm, string username, string realm, string password) =>
        DigestAlgorithms.Hash(algorithm, $"{username}:{realm}:{password}");

    /// <summary>HA2 = H(method ":" digest-uri) (RFC 7616 §3.4.3, qop=auth).</summary>
    public static string Ha2(DigestAlgorithm algorithm, string method, string digestUri) =>
        DigestAlgorithms.Hash(algorithm, $"{method}:{digestUri}");

    /// <summary>
    /// The request-digest. With qop: H(HA1:nonce:nc:cnonce:qop:HA2) (RFC 7616 §3.4.1); without qop the
    /// RFC 2069 form H(HA1:nonce:HA2) that RFC 3261 §22.4 still allows.
    /// </summary>
    public static string Response(
        DigestAlgorithm algorithm, string ha1, string nonce, string? nc, string? cnonce, string? qop, string method, string digestUri)
    {
        var ha2 = Ha2(algorithm, method, digestUri);
        return string.IsNullOrEmpty(qop)
            ? DigestAlgorithms.Hash(algorithm, $"{ha1}:{nonce}:{ha2}")
            : DigestAlgorithms.Hash(algorithm, $"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}");
    }
}
