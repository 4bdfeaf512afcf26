namespace Telephony.Media.Tests.Rtp;

/// <summary>Real captures (TestData/Pcap, committed with the tests) through our RTP parser and statistics.</summary>
public class PcapReplayTests
{
    [Test]
    public void G711_capture_matches_wiresharks_stream_analysis()
    {
        // tshark -r g711a.pcap -d udp.port==0-65535,rtp -q -z rtp,streams:
        // 236 packets, 0 lost, SSRC 0xDEE0EE8F, g711A, jitter min 0.002 / mean 0.350 / max 0.829 ms.
        var packets = PcapReader.ReadUdp("g711a.pcap");
        var stats = new ReceptionStatistics(8000, 1_000_000);
        int rtp = 0;
        double max = 0, sum = 0;
        foreach (var (micros, _, _, udp) in packets)
        {
            Assert.That(RtpPacket.TryParse(udp, out var p), Is.True);
            Assert.That((p.PayloadType, p.Ssrc), Is.EqualTo((8, 0xDEE0EE8Fu)));
            stats.OnPacket(p.Ssrc, p.SequenceNumber, p.Timestamp, micros);
            double jitterMs = stats.Jitter / 8.0;
            max = Math.Max(max, jitterMs);
            sum += jitterMs;
            rtp++;
        }

        Assert.That(rtp, Is.EqualTo(236));
        Assert.That(stats.CumulativeLost, Is.EqualTo(0));
        Assert.That(max, Is.EqualTo(0.829).Within(0.01), "max jitter as Wireshark computes it (RFC 3550 A.8)");
        Assert.That(sum / rtp, Is.EqualTo(0.350).Within(0.02), "mean jitter");
    }

    [Test]
    public void Rfc4733_capture_parses_as_telephone_events()
    {
        var packets = PcapReader.ReadUdp("dtmf_2833_1.pcap");
        Assert.That(packets, Is.Not.Empty);
        foreach (var (_, _, _, udp) in packets)
        {
            Assert.That(RtpPacket.TryParse(udp, out var p), Is.True);
            Assert.That(p.PayloadType, Is.EqualTo(101));
            Assert.That(p.PayloadLength, Is.EqualTo(4), "event, E/R/volume, duration");
        }
    }
}
