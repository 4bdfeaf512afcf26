namespace Telephony.Sip.Transport;

/// <summary>The transports this stack speaks (RFC 3261 §18). TLS/WS come later.</summary>
public enum SipTransportProtocol
{
    Udp,
    Tcp,
}

public static class SipTransportProtocolExtensions
{
    /// <summary>Reliable transports get no retransmissions and Timers E/G/A become irrelevant (§17.1.1.2, §17.1.2.2).</summary>
    public static bool IsReliable(this SipTransportProtocol protocol) => protocol != SipTransportProtocol.Udp;

    /// <summary>The transport token used in Via (§20.42) and the transport URI parameter.</summary>
    public static string ToViaToken(this SipTransportProtocol protocol) => protocol switch
    {
        SipTransportProtocol.Udp => "UDP",
        SipTransportProtocol.Tcp => "TCP",
        _ => throw new ArgumentOutOfRangeException(nameof(protocol)),
    };

    public static bool TryParseViaToken(ReadOnlySpan<char> token, out SipTransportProtocol protocol)
    {
        if (token.Equals("UDP", StringComparison.OrdinalIgnoreCase)) { protocol = SipTransportProtocol.Udp; return true; }
        if (token.Equals("TCP", StringComparison.OrdinalIgnoreCase)) { protocol = SipTransportProtocol.Tcp; return true; }
        protocol = default;
        return false;
    }
}
