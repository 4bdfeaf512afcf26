using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Telephony.Media.WebRtc.Dtls;

/// <summary>
/// The DTLS client side of DTLS-SRTP (what a browser is to us): for tests and the load generator's
/// browser-like legs. Sends our certificate, checks the server's against its signalled fingerprint,
/// offers SRTP_AES128_CM_HMAC_SHA1_80 and exports the keys.
/// </summary>
public sealed class DtlsSrtpClient : DefaultTlsClient
{
    private readonly DtlsIdentity _identity;
    private readonly DtlsFingerprint _expectedServer;

    public DtlsSrtpClient(DtlsIdentity identity, DtlsFingerprint expectedServer)
        : base(new BcTlsCrypto(new SecureRandom()))
    {
        _identity = identity ?? throw new ArgumentNullException(nameof(identity));
        _expectedServer = expectedServer ?? throw new ArgumentNullException(nameof(expectedServer));
    }

    /// <summary>The SRTP keys, once the handshake completed.</summary>
    public DtlsSrtpKeys? Keys { get; private set; }

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() =>
        TlsUtilities.GetSupportedCipherSuites(Crypto, [CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256]);

    public override IDictionary<int, byte[]> GetClientExtensions()
    {
        var extensions = TlsExtensionsUtilities.EnsureExtensionsInitialised(base.GetClientExtensions());
        TlsSrtpUtilities.AddUseSrtpExtension(extensions,
            new UseSrtpData([SrtpProtectionProfile.SRTP_AES128_CM_HMAC_SHA1_80], TlsUtilities.EmptyBytes));
        return extensions;
    }

    public override TlsAuthentication GetAuthentication() => new Authentication(this);

    public override void NotifyHandshakeComplete()
    {
        base.NotifyHandshakeComplete();
        Keys = new DtlsSrtpKeys(m_context.ExportKeyingMaterial(ExporterLabel.dtls_srtp, null, DtlsSrtpKeys.ExportLength));
    }

    private sealed class Authentication(DtlsSrtpClient client) : TlsAuthentication
    {
        public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
        {
            var chain = serverCertificate.Certificate;
            if (chain is null || chain.IsEmpty || !client._expectedServer.Matches(chain.GetCertificateAt(0).GetEncoded()))
            {
                throw new TlsFatalAlert(AlertDescription.bad_certificate);
            }
        }

        public TlsCredentials GetClientCredentials(CertificateRequest certificateRequest) =>
            new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(client.m_context), (BcTlsCrypto)client.Crypto,
                client._identity.PrivateKey, client._identity.CertificateFor(client.Crypto),
                SignatureAndHashAlgorithm.GetInstance(HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
    }
}
