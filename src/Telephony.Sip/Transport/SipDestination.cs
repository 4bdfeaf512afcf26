namespace Telephony.Sip.Transport;

/// <summary>Where to send a request: a transport and an IP endpoint (RFC 3263 resolution happens before this).</summary>
public readonly record struct SipDestination(SipTransportProtocol Protocol, IPEndPoint EndPoint)
{
    public static SipDestination Udp(IPEndPoint endPoint) => new(SipTransportProtocol.Udp, endPoint);

    public static SipDestination Tcp(IPEndPoint endPoint) => new(SipTransportProtocol.Tcp, endPoint);

    public override string ToString() => $"{Protocol.ToViaToken()} {EndPoint}";
}
