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

    /// <summary>
    /// The TLS settings' errors, found while the settings are bound (so a bad file stops the start with one line, before
    /// any service starts): a listener without a certificate, a missing or unreadable file, a certificate without its key.
    /// </summary>
    public IEnumerable<string> ValidateTls(string section)
    {
        var errors = new List<string>();
        try
        {
            Check(nameof(TlsHandshakeTimeoutSeconds), TlsHandshakeTimeoutSeconds, 1, 300, "s");
            LoadCertificate()?.Dispose();
            LoadTrustedRoots();
        }
        catch (InvalidOperationException e)
        {
            errors.Add(e.Message.StartsWith("Sip:", StringComparison.Ordinal) ? e.Message : $"{section}: {e.Message}");
        }
        return errors;
    }

    /// <summary>Loads the certificate and roots into <paramref name="endpoint"/> (checked by <see cref="ValidateTls"/> at start).</summary>
    public void ApplyTlsSettings(SipEndpointOptions endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        endpoint.Transport.Tls.HandshakeTimeout = TimeSpan.FromSeconds(TlsHandshakeTimeoutSeconds);
        endpoint.Transport.Tls.Certificate = LoadCertificate();
        endpoint.Transport.Tls.TrustedRoots = LoadTrustedRoots();
    }

    private X509Certificate2? LoadCertificate()
    {
        if (string.IsNullOrWhiteSpace(TlsCertificate))
        {
            return SplitList(Tls).Count > 0
                ? throw new ConfigurationException($"Sip:{nameof(Tls)} = '{Tls}' needs Sip:{nameof(TlsCertificate)} (a PEM certificate with its key)")
                : null;
        }
        var file = ServerPaths.FromWorkingDirectory(TlsCertificate);
        var key = string.IsNullOrWhiteSpace(TlsKey) ? null : ServerPaths.FromWorkingDirectory(TlsKey);
        if (key is not null && !File.Exists(key))
        {
            throw new ConfigurationException($"Sip:{nameof(TlsKey)} = '{key}': file not found");
        }
        var certificate = Load(nameof(TlsCertificate), file, () => X509Certificate2.CreateFromPemFile(file, key));
        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new ConfigurationException($"Sip:{nameof(TlsCertificate)} = '{file}': no private key (put it in the file or name it in Sip:{nameof(TlsKey)})");
        }
        return certificate;
    }

    private X509Certificate2Collection? LoadTrustedRoots()
    {
        if (string.IsNullOrWhiteSpace(TlsTrustedRoots))
        {
            return null;
        }
        var file = ServerPaths.FromWorkingDirectory(TlsTrustedRoots);
        var roots = new X509Certificate2Collection();
        Load(nameof(TlsTrustedRoots), file, () => { roots.ImportFromPemFile(file); return roots; });
        return roots.Count > 0 ? roots : throw new ConfigurationException($"Sip:{nameof(TlsTrustedRoots)} = '{file}' holds no certificate");
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
