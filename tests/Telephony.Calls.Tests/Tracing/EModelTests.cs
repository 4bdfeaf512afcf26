using Telephony.Calls.Tracing;

namespace Telephony.Calls.Tests.Tracing;

/// <summary>
/// The MOS estimate against values worked by hand from the formulas <see cref="EModel"/> cites:
/// d = rtt/2 + 2·jitter + 20 ms; Id = 0.024 d + 0.11 (d − 177.3) when d &gt; 177.3; Ie,eff = 95 · Ppl / (Ppl + 25.1);
/// R = 93.2 − Id − Ie,eff; MOS = 1 + 0.035 R + R (R − 60)(100 − R) · 7e-6.
/// </summary>
public sealed class EModelTests
{
    // Clean line: d = 20 → Id = 0.48, Ie = 0 → R = 92.72 → MOS = 1 + 3.2452 + 92.72·32.72·7.28·7e-6 = 4.39980.
    [TestCase(0, 0, null, 92.72, 4.39980)]
    // 2 % loss, 10 ms jitter, 100 ms round trip: d = 50 + 20 + 20 = 90 → Id = 2.16; Ie = 190 / 27.1 = 7.01107 → R = 84.02893 → MOS 4.16675.
    [TestCase(2, 10, 100.0, 84.02893, 4.16675)]
    // 400 ms round trip, no loss: d = 220 → Id = 5.28 + 0.11 · 42.7 = 9.977 → R = 83.223 → MOS 4.13978.
    [TestCase(0, 0, 400.0, 83.223, 4.13978)]
    // 10 % loss, 30 ms jitter: d = 80 → Id = 1.92; Ie = 950 / 35.1 = 27.06553 → R = 64.21447 → MOS 3.31530.
    [TestCase(10, 30, null, 64.21447, 3.31530)]
    public void Mos_matches_the_hand_computed_value(double lossPercent, double jitterMs, double? rttMs, double r, double mos)
    {
        Assert.That(EModel.RFactor(lossPercent, jitterMs, rttMs), Is.EqualTo(r).Within(0.0001));
        Assert.That(EModel.Mos(lossPercent, jitterMs, rttMs), Is.EqualTo(mos).Within(0.00001));
    }

    [Test]
    public void Mos_is_bounded_by_the_scale()
    {
        Assert.That(EModel.Mos(-5), Is.EqualTo(1));
        Assert.That(EModel.Mos(120), Is.EqualTo(4.5));
        Assert.That(EModel.Mos(100, 500, 2000), Is.EqualTo(1), "everything lost, seconds of delay");
    }
}
