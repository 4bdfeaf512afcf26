using System.Net;
using System.Net.Sockets;
using Telephony.Sip.Messages;
using Telephony.Sip.Transport;

namespace Telephony.Sip.UserAgent;

/// <summary>
/// Turns a SIP URI into a transport destination (RFC 3263 in its simplest form: transport from the
/// <c>transport</c> parameter or the default, an IP literal or the host's A/AAAA record, port or 5060).
/// NAPTR/SRV lookups are not done.
/// </summary>
public static class SipDestinationResolver
{
    /// <summary>Resolves <paramref name="uri"/>; throws <see cref="ArgumentException"/> for a non-SIP URI and <see cref="SocketException"/> when the host does not resolve.</summary>
    public static async ValueTask<SipDestination> ResolveAsync(AddressUri uri, SipTransportProtocol defaultTransport, CancellationToken cancellationToken = default)
    {
        if (uri is not SipUri sip)
        {
            throw new ArgumentException($"cannot send to a {uri.Scheme}: URI", nameof(uri));
        }
        var protocol = sip.Transport is { } t && SipTransportProtocolExtensions.TryParseViaToken(t, out var p) ? p : defaultTransport;
        var host = sip.MAddr ?? sip.Host;
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        if (!IPAddress.TryParse(host, out var address))
        {
            var addresses = await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false);
            address = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.FirstOrDefault()
                ?? throw new SocketException((int)SocketError.HostNotFound);
        }
        return new SipDestination(protocol, new IPEndPoint(address, sip.Port ?? 5060));
    }
}
