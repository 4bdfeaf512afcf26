using System.Globalization;
using Telephony.Sip.Stack;
using Telephony.Sip.UserAgent;

namespace Telephony.Server.Sip;

/// <summary>The SIP stack's timers and limits in the <c>Sip</c> section, checked at start.</summary>
public sealed partial class SipServerOptions
{
    /// <summary>RFC 3261 T1 (RTT estimate, first retransmit interval) in milliseconds.</summary>
    public int T1 { get; set; } = 500;

    /// <summary>RFC 3261 T2 (retransmit interval cap) in milliseconds; at least T1.</summary>
    public int T2 { get; set; } = 4000;

    /// <summary>RFC 3261 T4 (longest a message stays in the network) in milliseconds.</summary>
    public int T4 { get; set; } = 5000;

    /// <summary>Open TCP connections at most; further accepts are closed at once.</summary>
    public int MaxConnections { get; set; } = 1024;

    /// <summary>Accepted TCP connections from one address at most (trunk addresses are exempt); further accepts from it are closed at once.</summary>
    public int MaxConnectionsPerAddress { get; set; } = 32;

    /// <summary>Largest SIP message accepted on TCP (headers + body), in bytes.</summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>A TCP connection with no traffic for this many seconds is closed.</summary>
    public int TcpIdleTimeoutSeconds { get; set; } = 300;

    /// <summary>Once a TCP message has started, it must be complete within this many seconds (stops trickling clients).</summary>
    public int TcpMessageTimeoutSeconds { get; set; } = 10;

    /// <summary>Warnings about malformed input logged per source address per minute; the rest are counted and summarised.</summary>
    public int BadInputWarningsPerMinute { get; set; } = 5;

    /// <summary>
    /// Live incoming calls at most (ended calls and the calls the server places, such as agent legs, do not count);
    /// past it an INVITE gets a stateless 503 with Retry-After.
    /// </summary>
    public int MaxCalls { get; set; } = 1000;

    /// <summary>Product name in the Server and User-Agent headers; empty: no such header (RFC 3261 §20.35 asks for this to be configurable).</summary>
    public string Product { get; set; } = "Telephony";

    /// <summary>Copies the UA core's settings (<c>Sip:MaxCalls</c>, <c>Sip:Product</c>) into <paramref name="userAgent"/>, checked like the stack's.</summary>
    public void ApplyUserAgentSettings(SipUserAgentOptions userAgent)
    {
        ArgumentNullException.ThrowIfNull(userAgent);
        Check(nameof(MaxCalls), MaxCalls, 1, 1_000_000, "");
        var product = Product ?? "";
        // §20.35 / §20.41: product *( LWS ( product / comment ) ); a CR or LF would end the header line.
        if (product.Length > 128 || product.Any(c => char.IsControl(c) || c > '~'))
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Sip:{nameof(Product)} = '{(product.Length > 40 ? product[..40] + "…" : product)}' is not valid: use at most 128 printable ASCII characters (or empty for no Server/User-Agent header)"));
        }
        userAgent.MaxCalls = MaxCalls;
        userAgent.Product = product.Trim();
    }

    /// <summary>
    /// Copies the stack settings into <paramref name="endpoint"/>, first checking each one; nonsense
    /// fails the start with the setting named, its value and the range allowed.
    /// </summary>
    public void ApplyStackSettings(SipEndpointOptions endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Check(nameof(T1), T1, 1, 60_000, "ms");
        Check(nameof(T2), T2, T1, 600_000, "ms (and at least Sip:T1)");
        Check(nameof(T4), T4, 1, 600_000, "ms");
        Check(nameof(MaxConnections), MaxConnections, 1, 1_000_000, "");
        Check(nameof(MaxConnectionsPerAddress), MaxConnectionsPerAddress, 1, 1_000_000, "");
        Check(nameof(MaxMessageBytes), MaxMessageBytes, 1024, 16 * 1024 * 1024, "bytes");
        Check(nameof(TcpIdleTimeoutSeconds), TcpIdleTimeoutSeconds, 1, 86_400, "s");
        Check(nameof(TcpMessageTimeoutSeconds), TcpMessageTimeoutSeconds, 1, 3_600, "s");
        Check(nameof(BadInputWarningsPerMinute), BadInputWarningsPerMinute, 1, 100_000, "");

        endpoint.Timers.T1 = TimeSpan.FromMilliseconds(T1);
        endpoint.Timers.T2 = TimeSpan.FromMilliseconds(T2);
        endpoint.Timers.T4 = TimeSpan.FromMilliseconds(T4);
        endpoint.Transport.MaxConnections = MaxConnections;
        endpoint.Transport.MaxConnectionsPerAddress = MaxConnectionsPerAddress;
        endpoint.Transport.MaxMessageSize = MaxMessageBytes;
        endpoint.Transport.ConnectionIdleTimeout = TimeSpan.FromSeconds(TcpIdleTimeoutSeconds);
        endpoint.Transport.MessageCompletionTimeout = TimeSpan.FromSeconds(TcpMessageTimeoutSeconds);
        endpoint.WarningsPerSource = BadInputWarningsPerMinute;
        endpoint.WarningInterval = TimeSpan.FromMinutes(1);
    }

    private static void Check(string name, int value, int min, int max, string unit)
    {
        if (value < min || value > max)
        {
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                $"Sip:{name} = {value} is out of range: use {min}..{max}{(unit.Length > 0 ? " " + unit : "")}"));
        }
    }
}
