using System.Security.Cryptography;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;

namespace Telephony.Media.WebRtc.Dtls;

/// <summary>
/// Our DTLS certificate: self-signed ECDSA P-256 made at start (RFC 5763 §5: nobody checks a chain, the
/// fingerprint in the signalled SDP is the trust), its private key in BouncyCastle's form for the handshake,
/// and its SHA-256 fingerprint for a=fingerprint. One per process: making a key costs about a millisecond.
/// </summary>
public sealed class DtlsIdentity
{
    private DtlsIdentity(byte[] der, AsymmetricKeyParameter privateKey)
    {
        Der = der;
        PrivateKey = privateKey;
        Fingerprint = DtlsFingerprint.Sha256Of(der);
    }

    /// <summary>The certificate's DER encoding.</summary>
    public byte[] Der { get; }

    /// <summary>The private key for the handshake's signatures.</summary>
    public AsymmetricKeyParameter PrivateKey { get; }

    /// <summary>SHA-256 of <see cref="Der"/>, for a=fingerprint.</summary>
    public DtlsFingerprint Fingerprint { get; }

    /// <summary>A fresh self-signed certificate valid from a day ago for <paramref name="validity"/> (default 30 days).</summary>
    public static DtlsIdentity Create(string commonName = "telephony", TimeSpan? validity = null)
    {
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=" + commonName, ecdsa, HashAlgorithmName.SHA256);
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddDays(-1), now + (validity ?? TimeSpan.FromDays(30)));
        return new DtlsIdentity(certificate.RawData, PrivateKeyFactory.CreateKey(ecdsa.ExportPkcs8PrivateKey()));
    }

    /// <summary>The certificate in the form a handshake on <paramref name="crypto"/> sends.</summary>
    internal Certificate CertificateFor(TlsCrypto crypto) => new([crypto.CreateCertificate(Der)]);
}
