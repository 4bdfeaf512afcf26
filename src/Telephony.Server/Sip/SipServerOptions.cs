namespace Telephony.Server.Sip;

/// <summary>The <c>Sip</c> configuration section.</summary>
public sealed class SipServerOptions
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

    /// <summary>Failed authentications from one address before it is banned.</summary>
    public int AuthMaxFailures { get; set; } = 5;

    /// <summary>How long a ban lasts (seconds).</summary>
    public int AuthBanSeconds { get; set; } = 300;

    /// <summary>Splits one of the list settings.</summary>
    public static IReadOnlyList<string> SplitList(string? value) =>
        (value ?? string.Empty).Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
