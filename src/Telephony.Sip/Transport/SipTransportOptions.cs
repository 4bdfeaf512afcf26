using System.Net;

namespace Telephony.Sip.Transport;

/// <summary>Limits and timeouts of the UDP/TCP/TLS transports (RFC 3261 §18). All have safe defaults.</summary>
public sealed class SipTransportOptions
{
    /// <summary>Receive buffer per UDP datagram; larger datagrams are truncated by the OS and dropped.</summary>
    public int MaxDatagramSize { get; set; } = 65_507;

    /// <summary>Largest SIP message (headers + body) accepted on a stream; a bigger one closes the connection.</summary>
    public int MaxMessageSize { get; set; } = 64 * 1024;

    /// <summary>Open TCP connections (accepted + outgoing); further accepts are closed at once.</summary>
    public int MaxConnections { get; set; } = 1024;

    /// <summary>
    /// Accepted TCP connections from one IP address at most, so that one host cannot hold the whole
    /// <see cref="MaxConnections"/> table (and keep everybody else out for the idle timeout); further
    /// accepts from that address are closed at once. A phone needs one connection (RFC 5626 §4.2 keeps it
    /// to one flow per registration), a NAT with a few dozen phones behind it a few dozen.
    /// </summary>
    public int MaxConnectionsPerAddress { get; set; } = 32;

    /// <summary>
    /// Addresses the per-address limit does not apply to (a carrier's trunk may open many connections from
    /// one address); asked only when an address reaches the limit. Null: none.
    /// </summary>
    public Func<IPAddress, bool>? ExemptFromPerAddressLimit { get; set; }

    /// <summary>A TCP connection with no traffic for this long is closed.</summary>
    public TimeSpan ConnectionIdleTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Once the first byte of a message arrives, the whole message must arrive within this time (stops trickling clients).</summary>
    public TimeSpan MessageCompletionTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Outgoing TCP connect timeout.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How often connections are checked against the two timeouts above.</summary>
    public TimeSpan HousekeepingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>TLS: the certificate for TLS listeners and how peers' certificates are judged.</summary>
    public SipTlsOptions Tls { get; set; } = new();

    /// <summary>Concurrent receive loops per UDP socket.</summary>
    public int UdpReceiveLoops { get; set; } = Math.Clamp(Environment.ProcessorCount, 1, 4);

    internal void Validate()
    {
        if (MaxDatagramSize is < 1500 or > 65_535) throw new ArgumentOutOfRangeException(nameof(MaxDatagramSize));
        if (MaxMessageSize < 1024) throw new ArgumentOutOfRangeException(nameof(MaxMessageSize));
        if (MaxConnections < 1) throw new ArgumentOutOfRangeException(nameof(MaxConnections));
        if (MaxConnectionsPerAddress < 1) throw new ArgumentOutOfRangeException(nameof(MaxConnectionsPerAddress));
        if (ConnectionIdleTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(ConnectionIdleTimeout));
        if (MessageCompletionTimeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(MessageCompletionTimeout));
        if (HousekeepingInterval <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(HousekeepingInterval));
        if (UdpReceiveLoops < 1) throw new ArgumentOutOfRangeException(nameof(UdpReceiveLoops));
        ArgumentNullException.ThrowIfNull(Tls);
        Tls.Validate();
    }
}
