using System.Buffers.Binary;
using Telephony.Media.Rtcp;
using Telephony.Media.Rtp;

namespace Telephony.Media.Tests.Rtp;

/// <summary>Real captures (copies of /work/shared/pcap) through our RTP parser and statistics.</summary>
public class PcapReplayTests
{
    private static string DataFile(string name)
    {
        // Walk up from the test binaries to the repository's copy of the capture.
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "Telephony.Media.Tests", "Rtp", "Data", name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException(name);
    }

    /// <summary>UDP payloads of a classic little-endian Ethernet pcap with their capture times (µs).</summary>
    private static List<(long Micros, byte[] Udp)> ReadUdp(string name)
    {
        byte[] file = File.ReadAllBytes(DataFile(name));
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file), Is.EqualTo(0xA1B2C3D4u), "little-endian µs pcap");
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(20)), Is.EqualTo(1u), "Ethernet");
        var result = new List<(long, byte[])>();
        int at = 24;
        while (at + 16 <= file.Length)
        {
            long micros = (BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at)) * 1_000_000L) + BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 4));
            int length = (int)BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(at + 8));
            var frame = file.AsSpan(at + 16, length);
            at += 16 + length;
            int l3 = 14;
            ushort etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
            if (etherType == 0x8100)
            {
                etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[16..]);
                l3 = 18;
            }

            if (etherType != 0x0800 || frame[l3 + 9] != 17)
            {
                continue; // not IPv4/UDP
            }

            int ihl = (frame[l3] & 0x0F) * 4;
            int udpLength = BinaryPrimitives.ReadUInt16BigEndian(frame[(l3 + ihl + 4)..]);
            result.Add((micros, frame.Slice(l3 + ihl + 8, udpLength - 8).ToArray()));
        }

        return result;
    }

    [Test]
    public void G711_capture_matches_wiresharks_stream_analysis()
    {
        // tshark -r g711a.pcap -d udp.port==0-65535,rtp -q -z rtp,streams:
        // 236 packets, 0 lost, SSRC 0xDEE0EE8F, g711A, jitter min 0.002 / mean 0.350 / max 0.829 ms.
        var packets = ReadUdp("g711a.pcap");
        var stats = new ReceptionStatistics(8000, 1_000_000);
        int rtp = 0;
        double max = 0, sum = 0;
        foreach (var (micros, udp) in packets)
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
        var packets = ReadUdp("dtmf_2833_1.pcap");
        Assert.That(packets, Is.Not.Empty);
        foreach (var (_, udp) in packets)
        {
            Assert.That(RtpPacket.TryParse(udp, out var p), Is.True);
            Assert.That(p.PayloadType, Is.EqualTo(101));
            Assert.That(p.PayloadLength, Is.EqualTo(4), "event, E/R/volume, duration");
        }
    }
}
