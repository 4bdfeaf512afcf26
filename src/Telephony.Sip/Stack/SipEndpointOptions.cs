using Telephony.Sip.Messages;
using Telephony.Sip.Transactions;
using Telephony.Sip.Transport;

namespace Telephony.Sip.Stack;

/// <summary>Configuration of a <see cref="SipEndpoint"/>.</summary>
public sealed class SipEndpointOptions
{
    /// <summary>Where to listen, e.g. <c>SipListenEndpoint.ParseList("udp:0.0.0.0:5060,tcp:0.0.0.0:5060")</c>. Port 0 = OS-assigned.</summary>
    public IList<SipListenEndpoint> Listen { get; } = new List<SipListenEndpoint>();

    /// <summary>Host written into the sent-by of our Via headers; default: the listener's address, or the local address routing to the peer when listening on 0.0.0.0/::.</summary>
    public string? ViaHost { get; set; }

    /// <summary>Add an empty <c>rport</c> to our Via (RFC 3581 §3: clients SHOULD) so responses come back to the source port.</summary>
    public bool RequestRPort { get; set; } = true;

    /// <summary>The warn-agent in Warning headers of the 400s we send to malformed requests (§20.43).</summary>
    public string WarnAgent { get; set; } = "telephony";

    /// <summary>Warnings about malformed or invalid input written per source address per <see cref="WarningInterval"/>; the rest are counted and summarised.</summary>
    public int WarningsPerSource { get; set; } = 5;

    /// <summary>The window of <see cref="WarningsPerSource"/>.</summary>
    public TimeSpan WarningInterval { get; set; } = TimeSpan.FromMinutes(1);

    public SipTransportOptions Transport { get; set; } = new();

    public SipTimerSettings Timers { get; set; } = new();

    /// <summary>Parser limits (header bytes, header count, body bytes).</summary>
    public SipParserOptions Parser { get; set; } = SipParserOptions.Default;
}
