namespace Telephony.Calls.Tracing;

/// <summary>
/// A listening-quality estimate from what the receiver measured, by the E-model of ITU-T G.107 reduced to
/// the terms a media relay can know (the usual practice for passive monitoring, as in the RFC 3611 §4.7.5
/// VoIP-metrics R factor and ITU-T G.113):
/// <list type="bullet">
/// <item>R = R0 − Is − Id − Ie,eff + A with the G.107 §7 default values for everything not measured: R0 − Is = 93.2, A = 0.</item>
/// <item>Ie,eff = Ie + (95 − Ie) · Ppl / (Ppl / BurstR + Bpl) (G.107 eq. 7-29), random loss (BurstR = 1); for G.711
///   Ie = 0 and Bpl = 25.1 with packet-loss concealment (G.113 Appendix I, Table I.3; phones conceal as in G.711 Appendix I).</item>
/// <item>Id from the one-way delay d (ms) by the simplification of Cole and Rosenbluth ("Voice over IP performance
///   monitoring", ACM SIGCOMM CCR 31(2), 2001), which tracks G.107's Idd for echo-free calls:
///   Id = 0.024 d + 0.11 (d − 177.3) H(d − 177.3). d = half the RTCP round trip (0 when unknown) + a jitter
///   buffer of twice the interarrival jitter (RFC 3550 §6.4.1) + one 20 ms packet.</item>
/// <item>MOS = 1 + 0.035 R + R (R − 60)(100 − R) · 7·10⁻⁶ for 0 &lt; R &lt; 100; 1 below, 4.5 above (G.107 Annex B, eq. B-4).</item>
/// </list>
/// </summary>
public static class EModel
{
    /// <summary>R0 − Is with G.107's default values.</summary>
    public const double BaseR = 93.2;

    /// <summary>G.711 with packet-loss concealment (G.113 Appendix I).</summary>
    public const double G711Bpl = 25.1;

    /// <summary>One packet of audio, the delay every packet has before it is sent.</summary>
    public const double PacketMilliseconds = 20;

    /// <summary>The one-way delay d (ms) used for Id: half the round trip, a 2×jitter buffer and one packet.</summary>
    public static double DelayMilliseconds(double jitterMilliseconds, double? roundTripMilliseconds) =>
        (roundTripMilliseconds is > 0 ? roundTripMilliseconds.Value / 2 : 0) + 2 * Math.Max(0, jitterMilliseconds) + PacketMilliseconds;

    /// <summary>The delay impairment Id for a one-way delay of <paramref name="delayMilliseconds"/>.</summary>
    public static double DelayImpairment(double delayMilliseconds) =>
        0.024 * delayMilliseconds + (delayMilliseconds > 177.3 ? 0.11 * (delayMilliseconds - 177.3) : 0);

    /// <summary>Ie,eff for a loss of <paramref name="lossPercent"/> % (random loss, G.711 with concealment).</summary>
    public static double LossImpairment(double lossPercent, double ie = 0, double bpl = G711Bpl, double burstR = 1)
    {
        var ppl = Math.Clamp(lossPercent, 0, 100);
        return ie + (95 - ie) * ppl / (ppl / burstR + bpl);
    }

    /// <summary>The rating factor R.</summary>
    public static double RFactor(double lossPercent, double jitterMilliseconds, double? roundTripMilliseconds = null) =>
        BaseR - DelayImpairment(DelayMilliseconds(jitterMilliseconds, roundTripMilliseconds)) - LossImpairment(lossPercent);

    /// <summary>The estimated MOS (1–4.5) for a rating factor R (G.107 Annex B).</summary>
    public static double Mos(double r) => r <= 0 ? 1 : r >= 100 ? 4.5 : 1 + 0.035 * r + r * (r - 60) * (100 - r) * 7e-6;

    /// <summary>MOS estimate from loss, jitter and (when RTCP gave one) the round trip.</summary>
    public static double Mos(double lossPercent, double jitterMilliseconds, double? roundTripMilliseconds) =>
        Mos(RFactor(lossPercent, jitterMilliseconds, roundTripMilliseconds));
}
