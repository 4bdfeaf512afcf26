using System.Security.Cryptography;

namespace Telephony.Media.Srtp;

/// <summary>
/// The SRTP key derivation (RFC 3711 §4.3): each session key is the AES-CM keystream (the PRF of §4.3.3)
/// under the master key, started at x * 2^16 where x = (label || r) XOR master salt. We derive once per
/// context: the key derivation rate is 0 (RFC 3711 §4.3.1, the default; SDES lines asking for another
/// rate are refused), so r = 0.
/// </summary>
public static class SrtpKeyDerivation
{
    /// <summary>Labels of RFC 3711 §4.3.1 and §4.3.2.</summary>
    public const byte RtpEncryption = 0, RtpAuthentication = 1, RtpSalt = 2, RtcpEncryption = 3, RtcpAuthentication = 4, RtcpSalt = 5;

    /// <summary>Fills <paramref name="output"/> with the session key of <paramref name="label"/>.</summary>
    public static void Derive(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte label, Span<byte> output)
    {
        if (masterKey.Length != SrtpSuites.MasterKeyLength || masterSalt.Length != SrtpSuites.MasterSaltLength)
        {
            throw new ArgumentException("SRTP master key must be 16 bytes and master salt 14 bytes");
        }
        Span<byte> iv = stackalloc byte[16];
        masterSalt.CopyTo(iv);
        // key_id = label || r (56 bits) is right-aligned against the 112-bit salt: the label is byte 7.
        iv[7] ^= label;
        using var prf = new AesCounterMode(masterKey);
        output.Clear();
        prf.Apply(iv, output);
        CryptographicOperations.ZeroMemory(iv);
    }
}
