namespace Telephony.Media.Tests.Dtmf;

public class DtmfEventTests
{
    private const uint Ssrc = 0x1234;

    private static (DtmfEventReceiver Receiver, List<char> Digits) NewReceiver(params int[] payloadTypes)
    {
        var digits = new List<char>();
        return (new DtmfEventReceiver(payloadTypes, (_, e) => digits.Add(e.Digit)), digits);
    }

    private static byte[] Event(int pt, ushort seq, uint ts, int code, bool end, int duration, bool marker = false, uint ssrc = Ssrc)
    {
        var payload = new byte[4];
        new TelephoneEvent(code, end, 10, duration).Write(payload);
        return TestRtp.Packet(pt, seq, ts, ssrc, payload, marker);
    }

    /// <summary>A key press the way phones send it: start with marker, continuations, end ×3.</summary>
    private static List<byte[]> KeyPress(int pt, ref ushort seq, uint ts, int code, int packets = 5)
    {
        var list = new List<byte[]>();
        for (int i = 1; i <= packets; i++)
            list.Add(Event(pt, seq++, ts, code, false, 160 * i, marker: i == 1));
        for (int i = 0; i < 3; i++)
            list.Add(Event(pt, seq++, ts, code, true, 160 * (packets + 1)));
        return list;
    }

    [Test]
    public void Sequence_with_triple_end_yields_each_digit_once()
    {
        var (rx, digits) = NewReceiver(101);
        ushort seq = 100;
        uint ts = 8000;
        foreach (int code in new[] { 1, 2, 3, 10, 11, 0, 12, 15, 1 })
        {
            foreach (var p in KeyPress(101, ref seq, ts, code))
                rx.OnRtpPacket(0, p);
            ts += 2000;
        }
        Assert.That(new string([.. digits]), Is.EqualTo("123*#0AD1"));
    }

    [Test]
    public void Same_digit_twice_is_two_presses_because_the_timestamp_is_new()
    {
        var (rx, digits) = NewReceiver(101);
        ushort seq = 1;
        foreach (var p in KeyPress(101, ref seq, 1000, 5).Concat(KeyPress(101, ref seq, 3000, 5)))
            rx.OnRtpPacket(0, p);
        Assert.That(digits, Is.EqualTo(new[] { '5', '5' }));
    }

    [Test]
    public void Duplicates_retransmissions_and_reordering_do_not_double_count()
    {
        var (rx, digits) = NewReceiver(101);
        ushort seq = 1;
        var first = KeyPress(101, ref seq, 1000, 7);
        var second = KeyPress(101, ref seq, 3000, 8);
        var packets = new List<byte[]>();
        packets.AddRange(first.Take(6));
        packets.AddRange(second.Take(2));
        packets.AddRange(first.Skip(6)); // late end packets of 7 after 8 began
        packets.AddRange(second.Skip(2).Reverse());
        packets.AddRange(first);         // the whole of 7 retransmitted
        packets.Add(second[^1]);
        foreach (var p in packets)
            rx.OnRtpPacket(0, p);
        Assert.That(digits, Is.EqualTo(new[] { '7', '8' }));
    }

    [Test]
    public void Legs_interleaved_on_one_tap_are_tracked_apart()
    {
        var got = new List<(int Leg, char Digit)>();
        var rx = new DtmfEventReceiver([101], (leg, e) => got.Add((leg, e.Digit)));
        ushort s0 = 1, s1 = 500;
        var caller = KeyPress(101, ref s0, 1000, 2);
        var agent = KeyPress(101, ref s1, 1000, 3); // same timestamp and SSRC by coincidence
        for (int i = 0; i < caller.Count; i++)
        {
            rx.OnRtpPacket(0, caller[i]);
            rx.OnRtpPacket(1, agent[i]);
        }
        rx.OnRtpPacket(9, caller[0]); // a leg the receiver does not track
        Assert.That(got, Is.EqualTo(new[] { (0, '2'), (1, '3') }));
    }

    [Test]
    public void Start_packets_lost_still_reports_the_digit_from_the_end_packet()
    {
        var (rx, digits) = NewReceiver(101);
        ushort seq = 1;
        foreach (var p in KeyPress(101, ref seq, 1000, 9).Skip(5))
            rx.OnRtpPacket(0, p);
        Assert.That(digits, Is.EqualTo(new[] { '9' }));
    }

    [Test]
    public void Every_offered_telephone_event_payload_type_is_accepted_and_audio_is_ignored()
    {
        var (rx, digits) = NewReceiver(101, 96);
        ushort seq = 1;
        foreach (var p in KeyPress(96, ref seq, 1000, 4))
            rx.OnRtpPacket(0, p);
        rx.OnRtpPacket(0, TestRtp.Packet(0, seq++, 2000, Ssrc, new byte[160]));   // PCMU audio
        foreach (var p in KeyPress(97, ref seq, 3000, 6))                       // never offered
            rx.OnRtpPacket(0, p);
        rx.OnRtpPacket(0, Event(101, seq++, 5000, 16, false, 160));              // flash: not a digit
        rx.OnRtpPacket(0, TestRtp.Packet(101, seq++, 6000, Ssrc, [1, 2]));       // truncated
        rx.OnRtpPacket(0, [0x80, 101, 0]);                                      // not even RTP
        Assert.That(digits, Is.EqualTo(new[] { '4' }));
    }

    [Test]
    public void Long_event_split_in_segments_is_one_press()
    {
        var (rx, digits) = NewReceiver(101);
        // §2.5.1.3: duration saturates at 0xFFFF, then a new segment with timestamp + 0xFFFF.
        rx.OnRtpPacket(0, Event(101, 1, 1000, 3, false, 160, marker: true));
        rx.OnRtpPacket(0, Event(101, 2, 1000, 3, false, 0xFFFF));
        rx.OnRtpPacket(0, Event(101, 3, 1000 + 0xFFFF, 3, false, 160));
        rx.OnRtpPacket(0, Event(101, 4, 1000 + 0xFFFF, 3, true, 800));
        Assert.That(digits, Is.EqualTo(new[] { '3' }));
    }

    [Test]
    public void Sender_produces_marker_first_growing_duration_and_three_end_packets()
    {
        var tx = new DtmfEventSender();
        tx.Start('#', 48000, durationMilliseconds: 100);
        var packets = new List<DtmfOutgoingPacket>();
        while (tx.TryNext(out var p))
            packets.Add(p);
        Assert.That(packets, Has.Count.EqualTo(5 + 2));
        Assert.That(packets.Select(p => p.Marker), Is.EqualTo(new[] { true, false, false, false, false, false, false }));
        Assert.That(packets.Select(p => p.Timestamp).Distinct(), Is.EqualTo(new[] { 48000u }));
        Assert.That(packets.Select(p => p.Event.Duration), Is.EqualTo(new[] { 160, 320, 480, 640, 800, 800, 800 }));
        Assert.That(packets.Select(p => p.Event.End), Is.EqualTo(new[] { false, false, false, false, true, true, true }));
        Assert.That(packets.All(p => p.Event.EventCode == 11), Is.True);
        Assert.That(packets.Select(p => p.IsEndRepeat), Is.EqualTo(new[] { false, false, false, false, false, true, true }));
        Assert.That(tx.IsSending, Is.False);
        Assert.That(() => tx.Start('X', 0), Throws.ArgumentException);
    }

    [Test]
    public void Sender_output_round_trips_through_receiver()
    {
        var (rx, digits) = NewReceiver(101);
        var tx = new DtmfEventSender();
        ushort seq = 7;
        uint ts = 0xFFFFFF00; // timestamps near wrap
        foreach (char d in "0123456789*#ABCD")
        {
            tx.Start(d, ts, 60);
            var payload = new byte[4];
            while (tx.TryNext(out var p))
            {
                p.Event.Write(payload);
                rx.OnRtpPacket(1, TestRtp.Packet(101, seq++, p.Timestamp, Ssrc, payload, p.Marker));
            }
            ts += 1600;
        }
        Assert.That(new string([.. digits]), Is.EqualTo("0123456789*#ABCD"));
    }

    [Test]
    public void Capture_dtmf_2833_1_pcap_yields_the_digit_it_carries()
    {
        // tshark -r dtmf_2833_1.pcap -d udp.port==10000,rtp shows 10 packets of PT 101, one
        // event (code 1) at timestamp 13280: start with marker, 6 continuations, end bit ×3.
        var packets = PcapReader.ReadUdp("dtmf_2833_1.pcap");
        Assert.That(packets, Has.Count.EqualTo(10));
        var (rx, digits) = NewReceiver(101);
        foreach (var (_, _, dport, payload) in packets)
        {
            Assert.That(dport, Is.EqualTo(10000));
            rx.OnRtpPacket(0, payload);
        }
        Assert.That(new string([.. digits]), Is.EqualTo("1"));
    }
}
