using System.Security.Cryptography;
using Telephony.Media.Srtp;

namespace Telephony.Media.Tests.Srtp;

/// <summary>Round trips, tampering, replays and the rollover counter of <see cref="SrtpContext"/>.</summary>
public class SrtpContextTests
{
    private readonly byte[] _key = RandomNumberGenerator.GetBytes(16);
    private readonly byte[] _salt = RandomNumberGenerator.GetBytes(14);

    private SrtpContext Context(SrtpSuite suite = SrtpSuite.AesCm128HmacSha1_80) => SrtpContext.Create(suite, _key, _salt);

    private static int Rtp(byte[] buffer, ushort seq, uint ssrc = 0x1234_5678, int payload = 160)
    {
        var bytes = new byte[payload];
        for (int i = 0; i < payload; i++)
        {
            bytes[i] = (byte)(seq + i);
        }
        return RtpWriter.Write(buffer, new RtpHeader { PayloadType = 0, SequenceNumber = seq, Timestamp = seq * 160u, Ssrc = ssrc }, bytes);
    }

    [TestCase(SrtpSuite.AesCm128HmacSha1_80, 10)]
    [TestCase(SrtpSuite.AesCm128HmacSha1_32, 4)]
    public void Round_trip_restores_the_packet_and_hides_the_payload(SrtpSuite suite, int tag)
    {
        using var sender = Context(suite);
        using var receiver = Context(suite);
        var buffer = new byte[256];
        int n = Rtp(buffer, 1000);
        var plain = buffer[..n];
        int protectedLength = sender.ProtectRtp(buffer, n);
        Assert.That(protectedLength, Is.EqualTo(n + tag));
        Assert.That(buffer.AsSpan(0, 12).SequenceEqual(plain.AsSpan(0, 12)), Is.True, "the header stays clear");
        Assert.That(buffer.AsSpan(12, n - 12).SequenceEqual(plain.AsSpan(12)), Is.False, "the payload is encrypted");

        Assert.That(receiver.TryUnprotectRtp(buffer, protectedLength, out int plainLength), Is.True);
        Assert.That(buffer[..plainLength], Is.EqualTo(plain));
        Assert.That(receiver.RtpAuthenticated, Is.EqualTo(1));
    }

    [Test]
    public void A_packet_with_header_extension_and_csrcs_keeps_them_clear()
    {
        using var sender = Context();
        using var receiver = Context();
        // V=2, X=1, CC=1; one CSRC; extension of one word; 4 payload bytes.
        byte[] plain = Convert.FromHexString("9100000100000002AAAAAAAA" + "11111111" + "BEDE0001" + "01020304" + "DEADBEEF");
        var buffer = new byte[64];
        plain.CopyTo(buffer, 0);
        int n = sender.ProtectRtp(buffer, plain.Length);
        Assert.That(buffer.AsSpan(0, 24).SequenceEqual(plain.AsSpan(0, 24)), Is.True);
        Assert.That(buffer.AsSpan(24, 4).SequenceEqual(plain.AsSpan(24, 4)), Is.False);
        Assert.That(receiver.TryUnprotectRtp(buffer, n, out int m), Is.True);
        Assert.That(buffer[..m], Is.EqualTo(plain));
    }

    [Test]
    public void A_tampered_packet_is_refused_and_counted_and_the_next_good_one_still_passes()
    {
        using var sender = Context();
        using var receiver = Context();
        var buffer = new byte[256];
        foreach (int flip in new[] { 1, 3, 11, 40, 171 })
        {
            int n = sender.ProtectRtp(buffer, Rtp(buffer, (ushort)(2000 + flip)));
            buffer[flip] ^= 0x01;
            Assert.That(receiver.UnprotectRtp(buffer, n, out _), Is.EqualTo(SrtpStatus.AuthenticationFailed), $"byte {flip}");
        }
        Assert.That(receiver.AuthenticationFailures, Is.EqualTo(5));

        int good = sender.ProtectRtp(buffer, Rtp(buffer, 2500));
        Assert.That(receiver.UnprotectRtp(buffer, good, out _), Is.EqualTo(SrtpStatus.Ok));
    }

    [Test]
    public void Plain_rtp_and_a_stranger_key_are_refused()
    {
        using var receiver = Context();
        using var stranger = SrtpContext.Create(SrtpSuite.AesCm128HmacSha1_80, RandomNumberGenerator.GetBytes(16), _salt);
        var buffer = new byte[256];
        int plain = Rtp(buffer, 7);
        Assert.That(receiver.UnprotectRtp(buffer, plain, out _), Is.EqualTo(SrtpStatus.AuthenticationFailed));
        int forged = stranger.ProtectRtp(buffer, Rtp(buffer, 8));
        Assert.That(receiver.UnprotectRtp(buffer, forged, out _), Is.EqualTo(SrtpStatus.AuthenticationFailed));
        Assert.That(receiver.UnprotectRtp(buffer, 5, out _), Is.EqualTo(SrtpStatus.Malformed));
        Assert.That(receiver.UnprotectRtp(buffer, buffer.Length + 1, out _), Is.EqualTo(SrtpStatus.Malformed));
    }

    [Test]
    public void A_replayed_packet_is_refused_and_counted_but_late_ones_within_the_window_pass()
    {
        using var sender = Context();
        using var receiver = Context();
        var packets = new List<byte[]>();
        for (ushort seq = 100; seq < 200; seq++)
        {
            var buffer = new byte[256];
            int n = sender.ProtectRtp(buffer, Rtp(buffer, seq));
            packets.Add(buffer[..n]);
        }
        // Everything but 120 and 180 in order; then 180 (19 behind: in the window) passes once, and 120 (79 behind, never seen) is too old.
        for (int i = 0; i < packets.Count; i++)
        {
            if (i is 20 or 80) continue;
            Assert.That(receiver.UnprotectRtp(packets[i].ToArray(), packets[i].Length, out _), Is.EqualTo(SrtpStatus.Ok), $"packet {i}");
        }
        Assert.That(receiver.UnprotectRtp(packets[80].ToArray(), packets[80].Length, out _), Is.EqualTo(SrtpStatus.Ok), "late within 64");
        Assert.That(receiver.UnprotectRtp(packets[80].ToArray(), packets[80].Length, out _), Is.EqualTo(SrtpStatus.Replayed), "twice");
        Assert.That(receiver.UnprotectRtp(packets[99].ToArray(), packets[99].Length, out _), Is.EqualTo(SrtpStatus.Replayed), "the newest again");
        Assert.That(receiver.UnprotectRtp(packets[20].ToArray(), packets[20].Length, out _), Is.EqualTo(SrtpStatus.Replayed), "older than the window");
        Assert.That(receiver.Replays, Is.EqualTo(3));
    }

    [Test]
    public void The_rollover_counter_follows_the_sequence_number_across_65535_to_0_with_reordering()
    {
        using var sender = Context();
        using var receiver = Context();
        var order = new List<byte[]>();
        for (int i = 0; i < 40; i++)
        {
            ushort seq = (ushort)(65520 + i); // wraps after 16 packets
            var buffer = new byte[256];
            int n = sender.ProtectRtp(buffer, Rtp(buffer, seq));
            order.Add(buffer[..n]);
        }
        Assert.That(sender.RolloverCounter, Is.EqualTo(1u));
        // Swap packets either side of the wrap: 0 arrives before 65535.
        (order[15], order[16]) = (order[16], order[15]);
        foreach (var packet in order)
        {
            var copy = packet.ToArray();
            Assert.That(receiver.UnprotectRtp(copy, copy.Length, out int m), Is.EqualTo(SrtpStatus.Ok));
            Assert.That(copy[12], Is.EqualTo((byte)(BinaryPrimitives.ReadUInt16BigEndian(copy.AsSpan(2)) + 0)), "payload decrypted");
        }
        Assert.That(receiver.RolloverCounter, Is.EqualTo(1u));
        // The packet with seq 65535 from before the wrap, replayed after it: index 65535, not 131071.
        var old = order[16].ToArray();
        Assert.That(receiver.UnprotectRtp(old, old.Length, out _), Is.EqualTo(SrtpStatus.Replayed));
    }

    [Test]
    public void A_new_ssrc_with_the_same_key_starts_a_new_stream()
    {
        using var sender = Context();
        using var receiver = Context();
        var buffer = new byte[256];
        int n = sender.ProtectRtp(buffer, Rtp(buffer, 50000, ssrc: 1));
        Assert.That(receiver.TryUnprotectRtp(buffer, n, out _), Is.True);
        n = sender.ProtectRtp(buffer, Rtp(buffer, 10, ssrc: 2));
        Assert.That(receiver.TryUnprotectRtp(buffer, n, out _), Is.True);
    }

    [Test]
    public void Rtcp_round_trip_tamper_and_replay()
    {
        using var sender = Context(SrtpSuite.AesCm128HmacSha1_32);
        using var receiver = Context(SrtpSuite.AesCm128HmacSha1_32);
        var buffer = new byte[128];
        var report = new byte[] { 0x81, 0xC9, 0x00, 0x07, 0x11, 0x22, 0x33, 0x44 }.Concat(Enumerable.Range(0, 24).Select(i => (byte)i)).ToArray();
        report.CopyTo(buffer, 0);
        int n = sender.ProtectRtcp(buffer, report.Length);
        Assert.That(n, Is.EqualTo(report.Length + 14), "E flag and index, and an 80-bit tag even for the _32 suite");
        var saved = buffer[..n];
        Assert.That(receiver.UnprotectRtcp(buffer, n, out int m), Is.EqualTo(SrtpStatus.Ok));
        Assert.That(buffer[..m], Is.EqualTo(report));
        Assert.That(receiver.UnprotectRtcp(saved.ToArray(), n, out _), Is.EqualTo(SrtpStatus.Replayed));
        saved[10] ^= 0x80;
        var second = new byte[128];
        report.CopyTo(second, 0);
        int n2 = sender.ProtectRtcp(second, report.Length);
        second[9] ^= 1;
        Assert.That(receiver.UnprotectRtcp(second, n2, out _), Is.EqualTo(SrtpStatus.AuthenticationFailed));
        Assert.That(receiver.RtcpAuthenticated, Is.EqualTo(1));
    }

    [Test]
    public void Create_refuses_keys_of_the_wrong_size()
    {
        Assert.Throws<ArgumentException>(() => SrtpContext.Create(SrtpSuite.AesCm128HmacSha1_80, new byte[15], _salt));
        Assert.Throws<ArgumentException>(() => SrtpContext.Create(SrtpSuite.AesCm128HmacSha1_80, _key, new byte[16]));
        Assert.Throws<ArgumentOutOfRangeException>(() => SrtpContext.Create((SrtpSuite)9, _key, _salt));
    }

    [Test]
    public void Protect_and_unprotect_allocate_nothing()
    {
        using var sender = Context();
        using var receiver = Context();
        var buffer = new byte[256];
        int plain = Rtp(buffer, 1);
        var template = buffer[..plain];
        for (int warm = 0; warm < 10; warm++)
        {
            template.CopyTo(buffer, 0);
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), (ushort)warm);
            receiver.TryUnprotectRtp(buffer, sender.ProtectRtp(buffer, plain), out _);
        }
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 10; i < 1010; i++)
        {
            template.CopyTo(buffer, 0);
            BinaryPrimitives.WriteUInt16BigEndian(buffer.AsSpan(2), (ushort)i);
            if (!receiver.TryUnprotectRtp(buffer, sender.ProtectRtp(buffer, plain), out _))
            {
                Assert.Fail("round trip failed");
            }
        }
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.EqualTo(0));
    }
}
