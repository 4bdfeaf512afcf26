using Telephony.Sip.Messages;
using Telephony.Sip.Transport;

namespace Telephony.Sip.UserAgent;

/// <summary>
/// The UA's next-hop lookup: <see cref="SipDestinationResolver"/> (simplified RFC 3263) with the UA's
/// default transport applied to URIs that name none.
/// </summary>
internal static class UaDestinations
{
    /// <summary>Resolves a next-hop URI; throws <see cref="ArgumentException"/> for a non-SIP URI and <see cref="SipTransportException"/> when it cannot be reached.</summary>
    public static ValueTask<SipDestination> ResolveAsync(AddressUri uri, SipTransportProtocol defaultTransport, CancellationToken cancellationToken = default)
    {
        if (uri is not SipUri sip)
        {
            throw new ArgumentException($"cannot send to a {uri.Scheme}: URI", nameof(uri));
        }
        if (sip.Transport is null && defaultTransport != SipTransportProtocol.Udp)
        {
            sip = sip.WithParameter("transport", defaultTransport.ToViaToken().ToLowerInvariant());
        }
        return SipDestinationResolver.ResolveAsync(sip, cancellationToken);
    }
}
