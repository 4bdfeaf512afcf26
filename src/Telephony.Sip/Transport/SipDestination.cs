namespace Telephony.Sip.Transport;

/// <summary>
/// Where to send a request: a transport and an IP endpoint (RFC 3263 resolution happens before this), and for
/// TLS the host name the peer's certificate must carry (RFC 5922 §7.2; null: the IP address).
/// </summary>
public readonly record struct SipDestination(SipTransportProtocol Protocol, IPEndPoint EndPoint, string? ServerName = null)
{
    public static SipDestination Udp(IPEndPoint endPoint) => new(SipTransportProtocol.Udp, endPoint);

    public static SipDestination Tcp(IPEndPoint endPoint) => new(SipTransportProtocol.Tcp, endPoint);

    public override string ToString() => $"{Protocol.ToViaToken()} {EndPoint}";
}
