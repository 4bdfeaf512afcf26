using Telephony.Sip.Transport;

namespace Telephony.Sip.UserAgent;

/// <summary>Configuration of a <see cref="SipUserAgent"/>.</summary>
public sealed class SipUserAgentOptions
{
    /// <summary>Our address-of-record, e.g. <c>sip:1001@telephony.local</c>: the From of requests we send.</summary>
    public string LocalUri { get; set; } = "sip:telephony@127.0.0.1";

    /// <summary>Display name in From (optional).</summary>
    public string? DisplayName { get; set; }

    /// <summary>Digest user name used to answer 401/407 challenges (null: do not answer challenges).</summary>
    public string? Username { get; set; }

    /// <summary>Digest password.</summary>
    public string? Password { get; set; }

    /// <summary>When set, every out-of-dialog request goes to this URI (e.g. <c>sip:127.0.0.1:5060;transport=tcp</c>) instead of the Request-URI's host.</summary>
    public string? OutboundProxy { get; set; }

    /// <summary>Host written in our Contact; default: the listener's address, or the local address routing to the peer.</summary>
    public string? ContactHost { get; set; }

    /// <summary>Transport for URIs without a transport parameter.</summary>
    public SipTransportProtocol DefaultTransport { get; set; } = SipTransportProtocol.Udp;

    /// <summary>The User-Agent / Server header value.</summary>
    public string Product { get; set; } = "Telephony";

    /// <summary>T1 for the UAS's own 2xx retransmissions (§13.3.1.4); should match the endpoint's timers.</summary>
    public TimeSpan T1 { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>T2 cap for the 2xx retransmission interval.</summary>
    public TimeSpan T2 { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Per-call event buffer; the oldest events are dropped (and logged) when the application does not read.</summary>
    public int EventCapacity { get; set; } = 256;

    /// <summary>Bound on calls in progress; further incoming INVITEs get 503.</summary>
    public int MaxCalls { get; set; } = 1000;
}
