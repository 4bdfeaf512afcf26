namespace Telephony.Sip.Transport;

/// <summary>The transports this stack speaks (RFC 3261 §18; TLS per §26.2: TCP with TLS, port 5061 by default). WS comes later.</summary>
public enum SipTransportProtocol
{
    Udp,
    Tcp,
    Tls,
}

public static class SipTransportProtocolExtensions
{
    /// <summary>Reliable transports get no retransmissions and Timers E/G/A become irrelevant (§17.1.1.2, §17.1.2.2).</summary>
    public static bool IsReliable(this SipTransportProtocol protocol) => protocol != SipTransportProtocol.Udp;

    /// <summary>Stream transports (TCP, TLS): framed by Content-Length, one connection table each.</summary>
    public static bool IsStream(this SipTransportProtocol protocol) => protocol is SipTransportProtocol.Tcp or SipTransportProtocol.Tls;

    /// <summary>The default port (RFC 3261 §19.1.2: 5061 for TLS, 5060 otherwise).</summary>
    public static int DefaultPort(this SipTransportProtocol protocol) => protocol == SipTransportProtocol.Tls ? 5061 : 5060;

    /// <summary>The transport token used in Via (§20.42) and the transport URI parameter.</summary>
    public static string ToViaToken(this SipTransportProtocol protocol) => protocol switch
    {
        SipTransportProtocol.Udp => "UDP",
        SipTransportProtocol.Tcp => "TCP",
        SipTransportProtocol.Tls => "TLS",
        _ => throw new ArgumentOutOfRangeException(nameof(protocol)),
    };

    public static bool TryParseViaToken(ReadOnlySpan<char> token, out SipTransportProtocol protocol)
    {
        if (token.Equals("UDP", StringComparison.OrdinalIgnoreCase)) { protocol = SipTransportProtocol.Udp; return true; }
        if (token.Equals("TCP", StringComparison.OrdinalIgnoreCase)) { protocol = SipTransportProtocol.Tcp; return true; }
        if (token.Equals("TLS", StringComparison.OrdinalIgnoreCase)) { protocol = SipTransportProtocol.Tls; return true; }
        protocol = default;
        return false;
    }
}
