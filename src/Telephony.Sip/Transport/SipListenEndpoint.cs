using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Telephony.Sip.Transport;

/// <summary>
/// One configured listening address: a protocol and an IP endpoint. Written in configuration as
/// <c>udp:127.0.0.1:5060</c>, <c>tcp:0.0.0.0:5060</c>, <c>tls:0.0.0.0:5061</c>, <c>[::1]:5060</c> or <c>127.0.0.1:5060</c>
/// (no prefix = both UDP and TCP, see <see cref="ParseList"/>). Port 0 lets the OS choose; the
/// bound port is then in <c>SipEndpoint.LocalEndPoints</c>.
/// </summary>
public readonly record struct SipListenEndpoint(SipTransportProtocol Protocol, IPEndPoint EndPoint)
{
    public override string ToString() => $"{Protocol.ToViaToken().ToLowerInvariant()}:{EndPoint}";

    /// <summary>Parses a comma/semicolon/space separated list; entries without a protocol prefix listen on UDP and TCP.</summary>
    public static IReadOnlyList<SipListenEndpoint> ParseList(string list)
    {
        ArgumentNullException.ThrowIfNull(list);
        var result = new List<SipListenEndpoint>();
        foreach (var raw in list.Split([',', ';', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!TryParseOne(raw, out var protocol, out var ep))
                throw new FormatException($"Invalid SIP listen endpoint '{raw}' (expected [udp:|tcp:|tls:]host:port, host an IP address).");
            if (protocol is { } p) result.Add(new SipListenEndpoint(p, ep));
            else
            {
                result.Add(new SipListenEndpoint(SipTransportProtocol.Udp, ep));
                result.Add(new SipListenEndpoint(SipTransportProtocol.Tcp, ep));
            }
        }
        return result;
    }

    private static bool TryParseOne(string text, out SipTransportProtocol? protocol, [NotNullWhen(true)] out IPEndPoint? endPoint)
    {
        protocol = null;
        endPoint = null;
        var span = text.AsSpan();
        int colon = span.IndexOf(':');
        if (colon > 0 && SipTransportProtocolExtensions.TryParseViaToken(span[..colon], out var p))
        {
            protocol = p;
            span = span[(colon + 1)..];
        }
        if (!IPEndPoint.TryParse(span, out endPoint)) return false;
        // IPEndPoint.TryParse accepts a bare address (port 0); we insist on an explicit port.
        int last = span.LastIndexOf(':');
        if (last < 0 || (span[0] == '[' && span[last - 1] != ']')) return false;
        return int.TryParse(span[(last + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out _);
    }
}
