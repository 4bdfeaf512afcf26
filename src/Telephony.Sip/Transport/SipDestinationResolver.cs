using System.Net.Sockets;
using Telephony.Sip.Messages;

namespace Telephony.Sip.Transport;

/// <summary>
/// Turns a SIP URI (a Request-URI or the first Route) into a <see cref="SipDestination"/>: a
/// simplified RFC 3263 — transport from the <c>transport</c> parameter (UDP when absent; TLS for a
/// <c>sips:</c> URI, RFC 3261 §26.2.2), the <c>maddr</c> or host as an IP literal or via an A/AAAA lookup,
/// port from the URI or the transport's default (5060, 5061 for TLS). No NAPTR/SRV lookups.
/// </summary>
public static class SipDestinationResolver
{
    public const int DefaultPort = 5060;

    public static async ValueTask<SipDestination> ResolveAsync(SipUri uri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var protocol = uri.IsSecure ? SipTransportProtocol.Tls : SipTransportProtocol.Udp;
        if (uri.Transport is { } t && !SipTransportProtocolExtensions.TryParseViaToken(t, out protocol))
            throw new SipTransportException($"Unsupported transport '{t}' in {uri}.");
        // A sips: URI is reached over TLS hop by hop; "transport=tcp" in one means TLS over TCP (§26.2.2).
        if (uri.IsSecure && protocol == SipTransportProtocol.Tcp) protocol = SipTransportProtocol.Tls;
        if (uri.IsSecure && protocol != SipTransportProtocol.Tls)
            throw new SipTransportException($"A sips: URI cannot be reached over {protocol.ToViaToken()} ({uri}).");
        var host = uri.MAddr ?? uri.Host;
        var literal = host.Length > 2 && host[0] == '[' && host[^1] == ']' ? host[1..^1] : host;
        if (!IPAddress.TryParse(literal, out var address))
        {
            IPAddress[] found;
            try
            {
                found = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            }
            catch (SocketException ex)
            {
                throw new SipTransportException($"Cannot resolve '{host}': {ex.Message}", ex);
            }
            address = found.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? found.FirstOrDefault()
                ?? throw new SipTransportException($"'{host}' has no address.");
        }
        return new SipDestination(protocol, new IPEndPoint(address, uri.Port ?? protocol.DefaultPort()),
            protocol == SipTransportProtocol.Tls ? literal : null);
    }
}
