using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Telephony.Server.Hosting;
using Telephony.Sip.Stack;

namespace Telephony.Server.Sip;

/// <summary>SIP over TLS (RFC 3261 §26.2) in the <c>Sip</c> section: listeners and certificates, checked at start.</summary>
public sealed partial class SipServerOptions
{
    /// <summary>TLS listen addresses, "host:port" separated by commas (5061 by convention); empty disables TLS listening.</summary>
    public string Tls { get; set; } = "";

    /// <summary>The server certificate, PEM (the chain may follow it in the same file); required when <see cref="Tls"/> is set.</summary>
    public string TlsCertificate { get; set; } = "";

    /// <summary>The certificate's private key, PEM; empty: the key is in <see cref="TlsCertificate"/>'s file.</summary>
    public string TlsKey { get; set; } = "";

    /// <summary>
    /// CA certificates (PEM bundle) that the certificates of peers we connect to over TLS must chain to (a private CA
    /// for phones or a trunk); empty: the machine's trust store.
    /// </summary>
    public string TlsTrustedRoots { get; set; } = "";

    /// <summary>A TLS handshake must be done within this many seconds.</summary>
    public int TlsHandshakeTimeoutSeconds { get; set; } = 10;

    /// <summary>Loads the certificate and roots into <paramref name="endpoint"/>; a missing or unreadable file stops the start with the key named.</summary>
    public void ApplyTlsSettings(SipEndpointOptions endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Check(nameof(TlsHandshakeTimeoutSeconds), TlsHandshakeTimeoutSeconds, 1, 300, "s");
        endpoint.Transport.Tls.HandshakeTimeout = TimeSpan.FromSeconds(TlsHandshakeTimeoutSeconds);
        if (!string.IsNullOrWhiteSpace(TlsCertificate))
        {
            var certificate = ServerPaths.FromWorkingDirectory(TlsCertificate);
            var key = string.IsNullOrWhiteSpace(TlsKey) ? null : ServerPaths.FromWorkingDirectory(TlsKey);
            endpoint.Transport.Tls.Certificate = Load(nameof(TlsCertificate), certificate, () => X509Certificate2.CreateFromPemFile(certificate, key));
            if (!endpoint.Transport.Tls.Certificate.HasPrivateKey)
            {
                throw new ConfigurationException($"Sip:{nameof(TlsCertificate)} = '{TlsCertificate}': no private key (put it in the file or name it in Sip:{nameof(TlsKey)})");
            }
        }
        else if (SplitList(Tls).Count > 0)
        {
            throw new ConfigurationException($"Sip:{nameof(Tls)} = '{Tls}' needs Sip:{nameof(TlsCertificate)} (a PEM certificate with its key)");
        }
        if (!string.IsNullOrWhiteSpace(TlsTrustedRoots))
        {
            var roots = ServerPaths.FromWorkingDirectory(TlsTrustedRoots);
            var collection = new X509Certificate2Collection();
            Load(nameof(TlsTrustedRoots), roots, () => { collection.ImportFromPemFile(roots); return collection; });
            if (collection.Count == 0)
            {
                throw new ConfigurationException($"Sip:{nameof(TlsTrustedRoots)} = '{TlsTrustedRoots}' holds no certificate");
            }
            endpoint.Transport.Tls.TrustedRoots = collection;
        }
    }

    private static T Load<T>(string key, string path, Func<T> load)
    {
        if (!File.Exists(path))
        {
            throw new ConfigurationException($"Sip:{key} = '{path}': file not found");
        }
        try
        {
            return load();
        }
        catch (Exception e) when (e is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new ConfigurationException($"Sip:{key} = '{path}' cannot be read: {e.Message}");
        }
    }
}
