using System.Security.Cryptography;

namespace Telephony.Sip.Auth;

/// <summary>The digest hash algorithms we speak (RFC 8760 §2: SHA-256 preferred, MD5 for old peers).</summary>
public enum DigestAlgorithm
{
    /// <summary>MD5, the RFC 2617 default when no algorithm is named.</summary>
    Md5,
    /// <summary>SHA-256 (RFC 7616 §3.2, RFC 8760).</summary>
    Sha256,
}

/// <summary>Names and the H() function of RFC 7616 §3.4 for each <see cref="DigestAlgorithm"/>.</summary>
public static class DigestAlgorithms
{
    /// <summary>The token used in the <c>algorithm</c> parameter.</summary>
    public static string Token(DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Sha256 => "SHA-256",
        _ => "MD5",
    };

    /// <summary>Parses an <c>algorithm</c> token; a missing one means MD5 (RFC 7616 §3.3).</summary>
    public static bool TryParse(string? token, out DigestAlgorithm algorithm)
    {
        if (string.IsNullOrEmpty(token) || token.Equals("MD5", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = DigestAlgorithm.Md5;
            return true;
        }
        if (token.Equals("SHA-256", StringComparison.OrdinalIgnoreCase))
        {
            algorithm = DigestAlgorithm.Sha256;
            return true;
        }
        algorithm = default;
        return false;
    }

    /// <summary>H(data) as lower-case hex (RFC 7616 §3.4.1).</summary>
    public static string Hash(DigestAlgorithm algorithm, string data)
    {
        var byteCount = Encoding.UTF8.GetByteCount(data);
        Span<byte> input = byteCount <= 512 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(data, input);
        Span<byte> digest = stackalloc byte[32];
        int length = algorithm switch
        {
            // MD5 is what the RFC names for interop; it is not used for any new security decision here.
#pragma warning disable CA5351
            DigestAlgorithm.Md5 => MD5.HashData(input, digest),
#pragma warning restore CA5351
            _ => SHA256.HashData(input, digest),
        };
        return Convert.ToHexStringLower(digest[..length]);
    }
}
