namespace Telephony.Media.Tests.Rtcp;

public class ReceptionStatisticsTests
{
    // Arrival clock = RTP clock (8000 ticks/s) so arrival times are in timestamp units.
    private static ReceptionStatistics Stats() => new(8000, 8000);

    /// <summary>
    /// Feeds the sequence numbers in this order; <paramref name="onTheGrid"/>: timestamp and arrival are
    /// seq × 160 (a steady 20 ms stream), else both 0 (only the sequence matters).
    /// </summary>
    private static void Receive(ReceptionStatistics s, uint ssrc, bool onTheGrid, params ushort[] sequence)
    {
        foreach (ushort seq in sequence)
        {
            s.OnPacket(ssrc, seq, onTheGrid ? seq * 160u : 0, onTheGrid ? seq * 160L : 0);
        }
    }

    [Test]
    public void Jitter_follows_rfc_3550_a8_by_hand()
    {
        var s = Stats();
        Assert.That(s.OnPacket(1, 1, 0, 1000), Is.False, "first packet: source on probation (A.1)");
        Assert.That(s.OnPacket(1, 2, 160, 1160), Is.True);
        Assert.That(s.Jitter, Is.EqualTo(0));
        s.OnPacket(1, 3, 320, 1330); // D = 170 - 160 = 10 → J = 10/16
        Assert.That(s.Jitter, Is.EqualTo(0.625));
        s.OnPacket(1, 4, 480, 1480); // D = 150 - 160 = -10 → J = 0.625 + (10 - 0.625)/16
        Assert.That(s.Jitter, Is.EqualTo(1.2109375));
        s.OnPacket(1, 5, 640, 1640); // D = 0 → J = J·15/16
        Assert.That(s.Jitter, Is.EqualTo(1.2109375 * 15 / 16).Within(1e-12));
        s.OnPacket(1, 6, 640, 1700); // same timestamp (event update): no jitter sample
        Assert.That(s.Jitter, Is.EqualTo(1.2109375 * 15 / 16).Within(1e-12));
    }

    [Test]
    public void Jitter_handles_timestamp_wrap()
    {
        var s = Stats();
        s.OnPacket(1, 1, uint.MaxValue - 159, 0);
        s.OnPacket(1, 2, unchecked(uint.MaxValue - 159 + 160), 160); // wraps to 0
        s.OnPacket(1, 3, 160, 320);
        Assert.That(s.Jitter, Is.EqualTo(0));
    }

    [Test]
    public void Loss_and_fraction_lost_by_hand()
    {
        var s = Stats();
        Receive(s, 7, onTheGrid: true, 10, 11, 12, 14, 15, 17);

        // base = 11 (probation ends there), max = 17: expected 7, received 5 (11,12,14,15,17).
        Assert.That(s.CumulativeLost, Is.EqualTo(2));
        var first = s.CreateReportBlock(0)!.Value;
        Assert.That(first.Ssrc, Is.EqualTo(7u));
        Assert.That(first.CumulativeLost, Is.EqualTo(2));
        Assert.That(first.FractionLost, Is.EqualTo(2 * 256 / 7)); // 73
        Assert.That(first.ExtendedHighestSequence, Is.EqualTo(17u));

        Receive(s, 7, onTheGrid: true, 18, 19, 20, 21);

        var second = s.CreateReportBlock(0)!.Value;
        Assert.That(second.FractionLost, Is.EqualTo(0), "no loss in the second interval");
        Assert.That(second.CumulativeLost, Is.EqualTo(2));
    }

    [Test]
    public void Duplicates_make_loss_negative_and_reordering_is_not_loss()
    {
        var s = Stats();
        Receive(s, 7, onTheGrid: true, 1, 2, 4, 3, 5, 5);

        // base 2, max 5: expected 4, received 2,4,3,5,5 = 5.
        Assert.That(s.CumulativeLost, Is.EqualTo(-1));
        Assert.That(s.CreateReportBlock(0)!.Value.FractionLost, Is.EqualTo(0));
    }

    [Test]
    public void Sequence_wrap_extends_the_highest_sequence()
    {
        var s = Stats();
        Receive(s, 7, onTheGrid: false, 65533, 65534, 65535, 0, 2);

        Assert.That(s.ExtendedHighestSequence, Is.EqualTo(65536u + 2));
        Assert.That(s.CumulativeLost, Is.EqualTo(1), "sequence 1 is missing");
    }

    [Test]
    public void Ssrc_change_starts_a_new_source_and_a_restart_resyncs()
    {
        var s = Stats();
        Receive(s, 1, onTheGrid: false, 100, 101, 102, 103);

        Assert.That(s.OnPacket(2, 5000, 0, 0), Is.False);
        Assert.That(s.Ssrc, Is.EqualTo(2u));
        Assert.That(s.OnPacket(2, 5001, 0, 0), Is.True);
        Assert.That(s.Received, Is.EqualTo(1));

        // Same SSRC jumps far: the first such packet is ignored, a second in sequence resyncs (A.1).
        Assert.That(s.OnPacket(2, 20000, 0, 0), Is.False);
        Assert.That(s.OnPacket(2, 20001, 0, 0), Is.True);
        Assert.That(s.CumulativeLost, Is.EqualTo(0));
        Assert.That(s.ExtendedHighestSequence, Is.EqualTo(20001u));
    }

    [Test]
    public void Sender_report_echo_sets_lsr_and_dlsr()
    {
        var s = Stats();
        s.OnPacket(1, 1, 0, 0);
        s.OnPacket(1, 2, 160, 160);
        s.OnSenderReport(new RtcpSenderInfo(0x0001_2345_6789_0000UL, 0, 0, 0), 8000);
        var block = s.CreateReportBlock(8000 + 4000)!.Value; // 0.5 s later
        Assert.That(block.LastSenderReport, Is.EqualTo(0x2345_6789u));
        Assert.That(block.DelaySinceLastSenderReport, Is.EqualTo(32768u));
    }
}

public class RtcpPacketTests
{
    [Test]
    public void Sender_report_with_block_and_sdes_round_trips()
    {
        var buffer = new byte[256];
        var block = new RtcpReportBlock(0xAABBCCDD, 73, -5, 70000, 12, 0x11223344, 655);
        var sender = new RtcpSenderInfo(0x0102030405060708UL, 160000, 1000, 160000);
        int n = RtcpWriter.WriteReport(buffer, 0x01020304, sender, block);
        Assert.That(n, Is.EqualTo(52));
        n += RtcpWriter.WriteSdesCname(buffer.AsSpan(n), 0x01020304, "agent7@host");
        Assert.That(n % 4, Is.EqualTo(0));

        Assert.That(RtcpWriter.TryReadCompound(buffer.AsSpan(0, n), 0xAABBCCDD, out var info), Is.True);
        Assert.That(info.SenderSsrc, Is.EqualTo(0x01020304u));
        Assert.That(info.HasSenderInfo, Is.True);
        Assert.That(info.SenderInfo, Is.EqualTo(sender));
        Assert.That(info.HasReportAboutUs, Is.True);
        Assert.That(info.ReportAboutUs, Is.EqualTo(block));
    }

    [Test]
    public void Receiver_report_and_bye()
    {
        var buffer = new byte[64];
        int n = RtcpWriter.WriteReport(buffer, 5, null, null);
        n += RtcpWriter.WriteBye(buffer.AsSpan(n), 5);
        Assert.That(RtcpWriter.TryReadCompound(buffer.AsSpan(0, n), 9, out var info), Is.True);
        Assert.That(info.HasSenderInfo, Is.False);
        Assert.That(info.HasReportAboutUs, Is.False);
        Assert.That(info.Bye, Is.True);
    }

    [Test]
    public void Malformed_compounds_are_refused()
    {
        var buffer = new byte[64];
        int n = RtcpWriter.WriteReport(buffer, 5, null, null);
        Assert.That(RtcpWriter.TryReadCompound(buffer.AsSpan(0, n - 1), 0, out _), Is.False, "not a multiple of 4");
        Assert.That(RtcpWriter.TryReadCompound(buffer.AsSpan(0, n + 4), 0, out _), Is.False, "length does not add up");
        int bye = RtcpWriter.WriteBye(buffer, 5);
        Assert.That(RtcpWriter.TryReadCompound(buffer.AsSpan(0, bye), 0, out _), Is.False, "must start with SR or RR");
        buffer[0] = 0x81;
        buffer[1] = 201; // RR claiming one block but too short
        Assert.That(RtcpWriter.TryReadCompound(buffer.AsSpan(0, 8), 0, out _), Is.False);

        var random = new Random(3);
        for (int i = 0; i < 5000; i++)
        {
            random.NextBytes(buffer);
            Assert.DoesNotThrow(() => RtcpWriter.TryReadCompound(buffer.AsSpan(0, random.Next(64)), 1, out _));
        }
    }

    [Test]
    public void Ntp_timestamps()
    {
        var t = new DateTimeOffset(1900, 1, 1, 0, 0, 1, TimeSpan.Zero).AddMilliseconds(500);
        Assert.That(RtcpWriter.ToNtp(t), Is.EqualTo((1UL << 32) | 0x8000_0000UL));
    }
}
