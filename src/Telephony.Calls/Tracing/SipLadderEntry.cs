using Telephony.Sip.Messages;
using Telephony.Sip.Transport;

namespace Telephony.Calls.Tracing;

/// <summary>One SIP message of a call's ladder: when, which way, on which of the call's dialogs, with whom, and its key fields.</summary>
/// <param name="Dialog">The call's dialog it belongs to: 0 the caller's, then in the order the B2BUA dialled them.</param>
/// <param name="Peer">The peer's address and port.</param>
public sealed record SipLadderEntry(DateTimeOffset At, SipTraceDirection Direction, int Dialog, string Peer, string Transport, SipTraceFields Message);

/// <summary>One leg's RTP reception over one sampling interval (RFC 3550 §6.4.1 figures) and its listening-quality estimate.</summary>
/// <param name="Leg">caller, agent, partner or supervisor.</param>
/// <param name="PacketsReceived">Received in the interval.</param>
/// <param name="PacketsLost">Expected minus received in the interval (never negative).</param>
/// <param name="JitterMilliseconds">The interarrival jitter estimate at the end of the interval.</param>
/// <param name="RoundTripMilliseconds">From RTCP (RFC 3550 §6.4.1 LSR/DLSR), when the peer reports.</param>
/// <param name="Mos">E-model estimate (<see cref="EModel"/>); null when nothing arrived in the interval.</param>
public sealed record QualitySample(DateTimeOffset At, string Leg, long PacketsReceived, long PacketsLost, double LossPercent,
    double JitterMilliseconds, double? RoundTripMilliseconds, double? RFactor, double? Mos);

/// <summary>A call's trace as the API and the database hold it.</summary>
/// <param name="DroppedMessages">Messages left out between the kept start of the call and its latest ones (the per-call cap).</param>
public sealed record CallTraceView(string CallId, bool Live, DateTimeOffset StartedAt, DateTimeOffset? EndedAt,
    IReadOnlyList<SipLadderEntry> Messages, long DroppedMessages, IReadOnlyList<QualitySample> Quality);
