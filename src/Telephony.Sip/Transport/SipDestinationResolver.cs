using System.Net.Sockets;
using Telephony.Sip.Messages;

namespace Telephony.Sip.Transport;

/// <summary>
/// Turns a SIP URI (a Request-URI or the first Route) into a <see cref="SipDestination"/>: a
/// simplified RFC 3263 — transport from the <c>transport</c> parameter (UDP when absent), the
/// <c>maddr</c> or host as an IP literal or via an A/AAAA lookup, port from the URI or 5060. No
/// NAPTR/SRV lookups, and sips:/TLS is not supported yet.
/// </summary>
public static class SipDestinationResolver
{
    public const int DefaultPort = 5060;

    public static async ValueTask<SipDestination> ResolveAsync(SipUri uri, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.IsSecure) throw new SipTransportException($"sips: URIs need TLS, which this stack does not offer yet ({uri}).");
        var protocol = SipTransportProtocol.Udp;
        if (uri.Transport is { } t && !SipTransportProtocolExtensions.TryParseViaToken(t, out protocol))
            throw new SipTransportException($"Unsupported transport '{t}' in {uri}.");
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
        return new SipDestination(protocol, new IPEndPoint(address, uri.Port ?? DefaultPort));
    }
}
