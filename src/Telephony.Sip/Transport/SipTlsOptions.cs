using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Telephony.Sip.Transport;

/// <summary>
/// TLS for SIP (RFC 3261 §26.2, RFC 5922 for the certificates): the certificate this endpoint presents to
/// peers that connect to its TLS listeners, and how it judges the certificates of peers it connects to.
/// </summary>
public sealed class SipTlsOptions
{
    /// <summary>The server certificate with its private key; required to listen on TLS.</summary>
    public X509Certificate2? Certificate { get; set; }

    /// <summary>
    /// Roots a peer's certificate must chain to when we connect out (a private CA for phones, say). Null: the
    /// machine's trust store. The peer's name (the host we dialled, or its IP address) must match the
    /// certificate either way (RFC 5922 §7.2).
    /// </summary>
    public X509Certificate2Collection? TrustedRoots { get; set; }

    /// <summary>A TLS handshake not finished within this time closes the connection (a slow handshake holds a slot).</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>TLS versions; None lets the OS choose (TLS 1.2 and 1.3 on current systems).</summary>
    public SslProtocols Protocols { get; set; } = SslProtocols.None;

    internal void Validate()
    {
        if (HandshakeTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(HandshakeTimeout));
        if (Certificate is { HasPrivateKey: false }) throw new ArgumentException("The SIP TLS certificate has no private key.", nameof(Certificate));
    }

    internal SslServerAuthenticationOptions ServerOptions() => new()
    {
        ServerCertificate = Certificate ?? throw new InvalidOperationException("No SIP TLS certificate configured."),
        ClientCertificateRequired = false, // phones authenticate with digest (RFC 3261 §22), not with certificates
        EnabledSslProtocols = Protocols,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
    };

    internal SslClientAuthenticationOptions ClientOptions(string targetHost) => new()
    {
        TargetHost = targetHost,
        EnabledSslProtocols = Protocols,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        ClientCertificates = Certificate is null ? null : [Certificate],
        RemoteCertificateValidationCallback = TrustedRoots is null ? null : ValidateAgainstTrustedRoots,
    };

    // With configured roots: the name must match (SslStream checked it) and the chain must end in one of them.
    private bool ValidateAgainstTrustedRoots(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
        {
            return false;
        }
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(TrustedRoots!);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }
        return custom.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }
}
