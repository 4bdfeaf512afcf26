using System.Globalization;
using System.Security.Cryptography;

namespace Telephony.Media.WebRtc.Dtls;

/// <summary>
/// A certificate fingerprint as SDP carries it (RFC 8122 §5: a=fingerprint:hash-func HH:HH:...): the hash
/// of the certificate's DER encoding. RFC 5763 §5: the DTLS peer's certificate must match the one its SDP signalled.
/// </summary>
public sealed record DtlsFingerprint(string HashFunction, byte[] Value)
{
    /// <summary>The fingerprint of <paramref name="der"/> with SHA-256 (what browsers use and we offer).</summary>
    public static DtlsFingerprint Sha256Of(ReadOnlySpan<byte> der) => new("sha-256", SHA256.HashData(der));

    /// <summary>Parses the attribute value "sha-256 AB:CD:..."; false for unknown hash functions or bad hex.</summary>
    public static bool TryParse(string? attribute, out DtlsFingerprint? fingerprint)
    {
        fingerprint = null;
        var parts = attribute?.Trim().Split(' ', 2, StringSplitOptions.RemoveEmptyEntries);
        if (parts is not { Length: 2 })
        {
            return false;
        }
        string function = parts[0].ToLowerInvariant();
        int length = function switch { "sha-1" => 20, "sha-256" => 32, "sha-384" => 48, "sha-512" => 64, _ => 0 };
        var hex = parts[1].Split(':');
        if (length == 0 || hex.Length != length)
        {
            return false;
        }
        var value = new byte[length];
        for (int i = 0; i < length; i++)
        {
            if (hex[i].Length != 2 || !byte.TryParse(hex[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value[i]))
            {
                return false;
            }
        }
        fingerprint = new DtlsFingerprint(function, value);
        return true;
    }

    /// <summary>Whether <paramref name="der"/> hashes to this fingerprint (constant time).</summary>
    public bool Matches(ReadOnlySpan<byte> der)
    {
        byte[] hash = HashFunction switch
        {
            "sha-1" => SHA1.HashData(der),
            "sha-256" => SHA256.HashData(der),
            "sha-384" => SHA384.HashData(der),
            "sha-512" => SHA512.HashData(der),
            _ => [],
        };
        return hash.Length == Value.Length && CryptographicOperations.FixedTimeEquals(hash, Value);
    }

    /// <summary>The SDP attribute value: "sha-256 AB:CD:...".</summary>
    public override string ToString() => HashFunction + " " + string.Join(':', Value.Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));
}
