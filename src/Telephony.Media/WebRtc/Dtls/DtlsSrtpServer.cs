using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Telephony.Media.WebRtc.Dtls;

/// <summary>
/// Our side of DTLS-SRTP as the DTLS server (we offer a=setup:actpass, the browser answers active, RFC 5763
/// §5): DTLS 1.2, ECDSA certificate, a client certificate required and checked against the fingerprint the
/// peer signalled, use_srtp with SRTP_AES128_CM_HMAC_SHA1_80 and no MKI (RFC 5764 §4.1), keys from the
/// exporter (§4.2). BouncyCastle drives the handshake and its retransmissions; this class makes the choices.
/// </summary>
public sealed class DtlsSrtpServer : DefaultTlsServer
{
    private readonly DtlsIdentity _identity;
    private readonly DtlsFingerprint _expectedPeer;
    private readonly int _timeoutMilliseconds;

    public DtlsSrtpServer(DtlsIdentity identity, DtlsFingerprint expectedPeer, int timeoutMilliseconds = 10_000)
        : base(new BcTlsCrypto(new SecureRandom()))
    {
        _identity = identity ?? throw new ArgumentNullException(nameof(identity));
        _expectedPeer = expectedPeer ?? throw new ArgumentNullException(nameof(expectedPeer));
        _timeoutMilliseconds = timeoutMilliseconds;
    }

    /// <summary>Why the handshake failed, when it failed for a reason of ours.</summary>
    public WebRtcFailure Failure { get; private set; }

    /// <summary>The SRTP keys, once the handshake completed.</summary>
    public DtlsSrtpKeys? Keys { get; private set; }

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    public override int GetHandshakeTimeoutMillis() => _timeoutMilliseconds;

    protected override TlsCredentialedSigner GetECDsaSignerCredentials() =>
        new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(m_context), (BcTlsCrypto)Crypto, _identity.PrivateKey,
            _identity.CertificateFor(Crypto), SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));

    // Only our ECDSA certificate exists: RSA-keyed suites are not offered.
    protected override int[] GetSupportedCipherSuites() =>
        TlsUtilities.GetSupportedCipherSuites(Crypto, [
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
            CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
        ]);

    // RFC 5763 §5: "the server MUST request a certificate from the client".
    public override CertificateRequest GetCertificateRequest() =>
        new([ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign],
            TlsUtilities.GetDefaultSupportedSignatureAlgorithms(m_context), null);

    public override void NotifyClientCertificate(Certificate clientCertificate)
    {
        if (clientCertificate is null || clientCertificate.IsEmpty)
        {
            Failure = WebRtcFailure.NoCertificate;
            throw new TlsFatalAlert(AlertDescription.certificate_required);
        }
        if (!_expectedPeer.Matches(clientCertificate.GetCertificateAt(0).GetEncoded()))
        {
            Failure = WebRtcFailure.FingerprintMismatch;
            throw new TlsFatalAlert(AlertDescription.bad_certificate);
        }
    }

    public override void ProcessClientExtensions(IDictionary<int, byte[]> clientExtensions)
    {
        base.ProcessClientExtensions(clientExtensions);
        var offered = TlsSrtpUtilities.GetUseSrtpExtension(clientExtensions);
        if (offered is null || !offered.ProtectionProfiles.Contains(SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80)
            || offered.Mki.Length != 0)
        {
            Failure = WebRtcFailure.NoSrtpProfile;
            throw new TlsFatalAlert(AlertDescription.handshake_failure);
        }
    }

    public override IDictionary<int, byte[]> GetServerExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetServerExtensions());
        TlsSrtpUtilities.AddUseSrtpExtension(extensions,
            new UseSrtpData([SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80], TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        Keys = new DtlsSrtpKeys(m_context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, DtlsSrtpKeys.ExportLength));
    }
}
