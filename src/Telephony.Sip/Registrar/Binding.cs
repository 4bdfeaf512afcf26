using System.Net;
using Telephony.Sip.Transport;

namespace Telephony.Sip.Registrar;

/// <summary>
/// One registration binding of an address-of-record to a contact (RFC 3261 §10.3).
/// <paramref name="ContactUri"/> is the contact URI as text; <paramref name="Source"/> is where the
/// REGISTER came from ("udp:127.0.0.1:5090"), so a later request can follow the same path.
/// <paramref name="Path"/> is the REGISTER's Path header values in order (RFC 3327 §5.3: the proxies a request
/// to this contact must go through, e.g. the Kamailio in front of the nodes); a request to the contact puts
/// them in its Route header (§5.3: "the registrar ... MUST use them as a preloaded Route set").
/// </summary>
public sealed record Binding(
    string Aor, string ContactUri, string CallId, uint CSeq, DateTimeOffset ExpiresAt,
    string? Q = null, string? InstanceId = null, string? Source = null, IReadOnlyList<string>? Path = null)
{
    /// <summary>The Route set a request to this contact carries (empty when it registered directly).</summary>
    public IReadOnlyList<string> RouteSet => Path ?? [];

    /// <summary>Whole seconds left before the binding expires (never negative).</summary>
    public int SecondsLeft(DateTimeOffset now) => (int)Math.Max(0, Math.Ceiling((ExpiresAt - now).TotalSeconds));

    /// <summary>The text of <see cref="Source"/> for a REGISTER that came over <paramref name="protocol"/> from <paramref name="remote"/>: "tls:10.0.0.5:49152", "udp:[::1]:5060".</summary>
    public static string SourceText(SipTransportProtocol protocol, IPEndPoint remote) =>
        protocol.ToViaToken().ToLowerInvariant() + ":" + remote.ToString();

    /// <summary>Reads a <see cref="SourceText"/> back; false when it is absent or not of that form.</summary>
    public static bool TryReadSource(string? source, out SipTransportProtocol protocol, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out IPEndPoint? remote)
    {
        protocol = default;
        remote = null;
        int colon = source?.IndexOf(':') ?? -1;
        if (colon <= 0)
        {
            return false;
        }
        var token = source.AsSpan(0, colon);
        foreach (var candidate in (ReadOnlySpan<SipTransportProtocol>)[SipTransportProtocol.Udp, SipTransportProtocol.Tcp, SipTransportProtocol.Tls])
        {
            if (token.Equals(candidate.ToViaToken(), StringComparison.OrdinalIgnoreCase))
            {
                protocol = candidate;
                return IPEndPoint.TryParse(source.AsSpan(colon + 1), out remote);
            }
        }
        return false;
    }

    /// <summary>Contact URIs are compared case-insensitively here; the SIP adapter normalises them first.</summary>
    public static bool SameContact(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
