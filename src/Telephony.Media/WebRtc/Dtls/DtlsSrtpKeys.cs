using Telephony.Media.Srtp;

namespace Telephony.Media.WebRtc.Dtls;

/// <summary>
/// The SRTP master keys a DTLS-SRTP handshake exported (RFC 5764 §4.2): the "EXTRACTOR-dtls_srtp" output is
/// client key | server key | client salt | server salt. The client protects with the client's, the server with
/// the server's.
/// </summary>
public sealed class DtlsSrtpKeys
{
    public const int KeyLength = 16;  // AES-128
    public const int SaltLength = 14; // 112 bits
    public const int ExportLength = 2 * (KeyLength + SaltLength);

    private readonly byte[] _material;

    public DtlsSrtpKeys(byte[] material)
    {
        ArgumentNullException.ThrowIfNull(material);
        if (material.Length != ExportLength)
        {
            throw new ArgumentException($"DTLS-SRTP exports {ExportLength} bytes for AES-128", nameof(material));
        }
        _material = material;
    }

    public ReadOnlySpan<byte> ClientKey => _material.AsSpan(0, KeyLength);
    public ReadOnlySpan<byte> ServerKey => _material.AsSpan(KeyLength, KeyLength);
    public ReadOnlySpan<byte> ClientSalt => _material.AsSpan(2 * KeyLength, SaltLength);
    public ReadOnlySpan<byte> ServerSalt => _material.AsSpan(2 * KeyLength + SaltLength, SaltLength);

    /// <summary>Both directions' SRTP for the side that was DTLS <paramref name="server"/> (or client).</summary>
    public SrtpProtection CreateProtection(bool server, SrtpSuite suite = SrtpSuite.AesCm128HmacSha1_80)
    {
        var client = SrtpContext.Create(suite, ClientKey, ClientSalt);
        var serverSide = SrtpContext.Create(suite, ServerKey, ServerSalt);
        return server ? new SrtpProtection(serverSide, client) : new SrtpProtection(client, serverSide);
    }
}
