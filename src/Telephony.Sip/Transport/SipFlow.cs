namespace Telephony.Sip.Transport;

/// <summary>
/// Where a message came from (or goes to): protocol, the peer's address and our local address,
/// plus the socket it travelled on (a UDP listener or a TCP connection) so a response can go back
/// the same way (§18.2.2: responses on the connection the request arrived on; RFC 3581: from the
/// socket the request was received on). A value type: receiving it allocates nothing.
/// </summary>
public readonly struct SipFlow : IEquatable<SipFlow>
{
    internal SipFlow(SipTransportProtocol protocol, IPEndPoint remote, IPEndPoint local, object? channel) =>
        (Protocol, Remote, Local, Channel) = (protocol, remote, local, channel);

    public SipTransportProtocol Protocol { get; }

    /// <summary>The peer's IP endpoint (source of a received message).</summary>
    public IPEndPoint Remote { get; }

    /// <summary>Our IP endpoint the message arrived on or leaves from.</summary>
    public IPEndPoint Local { get; }

    /// <summary>The <see cref="SipUdpListener"/> or <see cref="SipTcpConnection"/> this flow travels on.</summary>
    internal object? Channel { get; }

    internal SipTcpConnection? Connection => Channel as SipTcpConnection;

    internal SipUdpListener? UdpListener => Channel as SipUdpListener;

    public bool IsDefault => Remote is null;

    public override string ToString() => Remote is null ? "(none)" : $"{Protocol.ToViaToken()} {Remote} via {Local}";

    public bool Equals(SipFlow other) =>
        Protocol == other.Protocol && Equals(Remote, other.Remote) && Equals(Local, other.Local) && ReferenceEquals(Channel, other.Channel);

    public override bool Equals(object? obj) => obj is SipFlow f && Equals(f);

    public override int GetHashCode() => HashCode.Combine(Protocol, Remote, Local);

    public static bool operator ==(SipFlow left, SipFlow right) => left.Equals(right);

    public static bool operator !=(SipFlow left, SipFlow right) => !left.Equals(right);
}

/// <summary>Receives every complete message a transport read. Must not block: parse and hand on.</summary>
internal interface ISipTransportSink
{
    /// <summary><paramref name="message"/> is only valid during the call (the buffer is reused).</summary>
    void OnMessage(in SipFlow flow, ReadOnlySpan<byte> message);

    /// <summary>A stream was dropped for breaking a limit or framing rule (already logged by the transport).</summary>
    void OnStreamError(in SipFlow flow, string reason) { }

    /// <summary>
    /// Whether a transport may log a warning about bad input from <paramref name="source"/> now:
    /// the endpoint bounds such warnings per source, so a flood of garbage cannot flood the log.
    /// </summary>
    bool MayWarnAbout(System.Net.IPAddress? source) => true;
}
