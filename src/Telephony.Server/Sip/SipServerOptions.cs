namespace Telephony.Server.Sip;

/// <summary>The <c>Sip</c> configuration section.</summary>
public sealed partial class SipServerOptions
{
    /// <summary>Config section name.</summary>
    public const string Section = "Sip";

    /// <summary>UDP listen addresses, "host:port" separated by commas; empty disables UDP.</summary>
    public string Udp { get; set; } = "0.0.0.0:5060";

    /// <summary>TCP listen addresses, "host:port" separated by commas; empty disables TCP.</summary>
    public string Tcp { get; set; } = "0.0.0.0:5060";

    /// <summary>Our SIP domain: the registrar's domain and the digest realm.</summary>
    public string Domain { get; set; } = "telephony.local";

    /// <summary>The seats file (JSON: extension + password per seat); relative paths are taken from the app's base directory.</summary>
    public string SeatsFile { get; set; } = "seats.json";

    /// <summary>Service numbers reachable without authentication, comma separated.</summary>
    public string PublicNumbers { get; set; } = "12345";

    /// <summary>Registrar: shortest registration accepted (seconds).</summary>
    public int MinExpires { get; set; } = 60;

    /// <summary>Registrar: longest registration granted (seconds).</summary>
    public int MaxExpires { get; set; } = 3600;

    /// <summary>
    /// Digest algorithms offered in challenges, preferred first (RFC 8760: SHA-256, MD5). Note: the libre
    /// stack in Debian 12's baresip 1.0 fails on any challenge set that contains SHA-256; use "MD5" for it.
    /// </summary>
    public string DigestAlgorithms { get; set; } = "SHA-256,MD5";

    /// <summary>Parses <see cref="DigestAlgorithms"/>; throws with the bad token named.</summary>
    public IReadOnlyList<Telephony.Sip.Auth.DigestAlgorithm> ParseDigestAlgorithms()
    {
        var list = new List<Telephony.Sip.Auth.DigestAlgorithm>();
        foreach (var token in SplitList(DigestAlgorithms))
        {
            if (!Telephony.Sip.Auth.DigestAlgorithms.TryParse(token, out var a))
            {
                throw new InvalidOperationException($"Sip:DigestAlgorithms: unknown algorithm '{token}' (use SHA-256 and/or MD5)");
            }
            list.Add(a);
        }
        return list.Count > 0 ? list : throw new InvalidOperationException("Sip:DigestAlgorithms is empty");
    }

    /// <summary>Failed authentications from one address before it is banned.</summary>
    public int AuthMaxFailures { get; set; } = 5;

    /// <summary>How long a ban lasts (seconds).</summary>
    public int AuthBanSeconds { get; set; } = 300;

    /// <summary>Splits one of the list settings.</summary>
    public static IReadOnlyList<string> SplitList(string? value) =>
        (value ?? string.Empty).Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
