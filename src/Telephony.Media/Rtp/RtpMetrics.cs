using System.Diagnostics.Metrics;

namespace Telephony.Media.Rtp;

/// <summary>
/// Process-wide RTP instruments (meter "Telephony.Media.Rtp") for Prometheus/OpenTelemetry
/// export. Per-call figures come from <see cref="RtpSession.GetStatistics"/>.
/// </summary>
public static class RtpMetrics
{
    public const string MeterName = "Telephony.Media.Rtp";

    private static readonly Meter Meter = new(MeterName);

    public static readonly UpDownCounter<long> ActiveSessions = Meter.CreateUpDownCounter<long>("telephony.rtp.sessions.active", description: "Open RTP sessions");
    public static readonly Counter<long> PacketsReceived = Meter.CreateCounter<long>("telephony.rtp.packets.received", description: "Valid RTP packets received");
    public static readonly Counter<long> InvalidPackets = Meter.CreateCounter<long>("telephony.rtp.packets.invalid", description: "Datagrams refused as RTP/RTCP");
    public static readonly Counter<long> StrangerPackets = Meter.CreateCounter<long>("telephony.rtp.packets.stranger", description: "RTP/RTCP packets dropped because they came from a source other than the call's peer (strict RTP)");
    public static readonly Counter<long> UnauthenticatedPackets = Meter.CreateCounter<long>("telephony.rtp.packets.unauthenticated", description: "SRTP/SRTCP packets dropped on a protected session: bad tag, replay, plain RTP or not RTP at all (RFC 3711)");
    public static readonly Counter<long> Relayed = Meter.CreateCounter<long>("telephony.rtp.bridge.relayed", description: "Packets relayed by bridges");
    public static readonly Counter<long> RelayDropped = Meter.CreateCounter<long>("telephony.rtp.bridge.dropped", description: "Packets a bridge did not relay (hold, unknown PT)");
    public static readonly Counter<long> PortPoolExhausted = Meter.CreateCounter<long>("telephony.rtp.ports.exhausted", description: "Session opens refused for lack of ports");
}
