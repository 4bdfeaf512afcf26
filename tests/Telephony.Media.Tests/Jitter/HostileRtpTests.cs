namespace Telephony.Media.Tests.Jitter;

public class HostileRtpTests
{
    private static IEnumerable<byte[]> Malformed()
    {
        yield return [];
        yield return [0x80, 0, 0, 1];                                   // shorter than the fixed header
        var v1 = TestRtp.Packet(0, 1, 0, 1, new byte[160]);
        v1[0] = 0x40;                                                   // version 1
        yield return v1;
        var csrc = TestRtp.Packet(0, 1, 0, 1, new byte[8]);
        csrc[0] = 0x8F;                                                 // 15 CSRCs announced, 8 bytes follow
        yield return csrc;
        var ext = TestRtp.Packet(0, 1, 0, 1, [0xBE, 0xDE, 0xFF, 0xFF, 0, 0, 0, 0]);
        ext[0] = 0x90;                                                  // extension claims 65535 words
        yield return ext;
        var pad = TestRtp.Packet(0, 1, 0, 1, [1, 2, 3, 200]);
        pad[0] = 0xA0;                                                  // 200 bytes of padding in a 16-byte packet
        yield return pad;
        var pad0 = TestRtp.Packet(0, 1, 0, 1, [1, 2, 3, 0]);
        pad0[0] = 0xA0;                                                 // padding count 0 is invalid
        yield return pad0;
    }

    [Test]
    public void Malformed_packets_are_refused_without_exceptions()
    {
        var jb = new AdaptiveJitterBuffer();
        var digits = new List<char>();
        var rx = new DtmfEventReceiver([0, 101], (_, e) => digits.Add(e.Digit));
        foreach (var p in Malformed())
        {
            Assert.That(jb.Push(p, 0), Is.False);
            Assert.DoesNotThrow(() => rx.OnRtpPacket(0, p));
        }
        Assert.That(jb.BufferedPackets, Is.Zero);
        Assert.That(digits, Is.Empty);
    }

    [Test]
    public void Padding_csrc_and_extension_are_skipped_to_find_the_payload()
    {
        // V=2, P=1, X=1, CC=1; one CSRC; extension of 1 word; payload 4 bytes; 2 bytes padding.
        byte[] packet =
        [
            0xB1, 101, 0, 5, 0, 0, 0, 100, 0, 0, 0, 9,
            0, 0, 0, 42,                    // CSRC
            0xBE, 0xDE, 0, 1, 1, 2, 3, 4,   // extension header + 1 word
            3, 0x8A, 0, 160,                // telephone-event '3', end, volume 10, duration 160
            0, 2,                           // padding (last byte = count)
        ];
        var digits = new List<char>();
        new DtmfEventReceiver([101], (_, e) => digits.Add(e.Digit)).OnRtpPacket(0, packet);
        Assert.That(digits, Is.EqualTo(new[] { '3' }));
    }

    [Test]
    public void G722_leg_decodes_into_an_8khz_frame_source()
    {
        var encoder = new G722AudioCodec();
        var leg = new JitterDecodingSource(new G722AudioCodec(), 9, 8000, new JitterBufferOptions { MinDepthFrames = 1 });
        var wide = ToneAnalysis.Tone(16000, 16000, 6000, 700);
        var payload = new byte[160];
        var heard = new short[8000];
        for (int f = 0; f < 50; f++)
        {
            encoder.Encode(wide.AsSpan(f * 320, 320), payload);
            leg.Push(TestRtp.Packet(9, (ushort)f, (uint)(f * 160), 5, payload)); // RTP clock 8000 for G.722
            Assert.That(leg.ReadFrame(heard.AsSpan(f * 160, 160)), Is.True);
        }
        Assert.That(ToneAnalysis.Amplitude(heard.AsSpan(2000), 700, 8000), Is.EqualTo(6000).Within(900));
    }
}
