using Telephony.Sip.Transport;

namespace Telephony.Sip.UserAgent;

/// <summary>Configuration of a <see cref="SipUserAgent"/>.</summary>
public sealed class SipUserAgentOptions
{
    /// <summary>Our address-of-record, e.g. <c>sip:1001@telephony.local</c>: the From of requests we send.</summary>
    public string LocalUri { get; set; } = "sip:telephony@127.0.0.1";

    /// <summary>Display name in From (optional).</summary>
    public string? DisplayName { get; set; }

    /// <summary>The User-Agent / Server header value (product name); empty: no such header is sent (RFC 3261 §20.35 warns that it helps attackers).</summary>
    public string Product { get; set; } = "Telephony";

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

    /// <summary>
    /// T1 for the UA's own timers: the UAS's 2xx retransmissions (§13.3.1.4) and how long an ended call stays
    /// reachable for retransmissions (64·T1). Null: the endpoint's <see cref="Stack.SipEndpoint.TimerSettings"/>,
    /// so one <c>Sip:T1</c> setting governs the transactions and the calls alike.
    /// </summary>
    public TimeSpan? T1 { get; set; }

    /// <summary>T2 cap for the 2xx retransmission interval; null: the endpoint's.</summary>
    public TimeSpan? T2 { get; set; }

    /// <summary>Per-call event buffer; the oldest events are dropped (and logged) when the application does not read.</summary>
    public int EventCapacity { get; set; } = 256;

    /// <summary>
    /// Bound on live incoming calls (not ended; calls we place, such as agent legs, do not count). Further
    /// out-of-dialog INVITEs get a stateless 503 with <see cref="OverloadRetryAfter"/> before any per-call work.
    /// </summary>
    public int MaxCalls { get; set; } = 1000;

    /// <summary>The Retry-After of the overload 503 (RFC 3261 §21.5.4, §20.33).</summary>
    public TimeSpan OverloadRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Whether an in-dialog REFER (RFC 3515) is accepted (202, then <see cref="TransferRequested"/>). False: it is
    /// declined with 603, for an application that does not carry transfers out (a 202 would promise a NOTIFY
    /// with the outcome that never comes).
    /// </summary>
    public bool AcceptTransfers { get; set; } = true;
}
