using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Telephony.Tests.Shared;

/// <summary>
/// A private CA and the certificates it issues, made in memory for TLS tests (nothing from the machine's trust
/// store, nothing from the internet): SIP TLS transport tests and the baresip-over-TLS interop test link this file.
/// </summary>
internal static class TestCertificates
{
    /// <summary>A self-signed CA certificate with its key.</summary>
    public static X509Certificate2 CreateAuthority(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(2));
    }

    /// <summary>A server certificate for <paramref name="addresses"/> and <paramref name="dnsNames"/>, issued by <paramref name="authority"/>, with its key.</summary>
    public static X509Certificate2 IssueServer(X509Certificate2 authority, IEnumerable<IPAddress> addresses, params string[] dnsNames)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsNames.FirstOrDefault() ?? "telephony test"}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        foreach (var address in addresses)
        {
            names.AddIpAddress(address);
        }
        foreach (var dns in dnsNames)
        {
            names.AddDnsName(dns);
        }
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false));
        var serial = new byte[12];
        RandomNumberGenerator.Fill(serial);
        using var issued = request.Create(authority, DateTimeOffset.UtcNow.AddMinutes(-4), DateTimeOffset.UtcNow.AddDays(1), serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Writes the certificate (PEM) and, when it has one, its PKCS#8 key (PEM) after it in one file.</summary>
    public static void WritePem(X509Certificate2 certificate, string path, bool withKey = true)
    {
        var text = certificate.ExportCertificatePem() + "\n";
        if (withKey && certificate.GetECDsaPrivateKey() is { } key)
        {
            text += key.ExportPkcs8PrivateKeyPem() + "\n";
        }
        File.WriteAllText(path, text);
    }
}
