using System.Security.Cryptography;
using Telephony.Media.Srtp;

namespace Telephony.Media.Tests.Srtp;

/// <summary>
/// SRTP on <see cref="RtpSession"/>: what one protected session sends the other authenticates and hears as
/// plain RTP, with RTCP too; plain RTP from anyone and replays are dropped and counted. Runs with async
/// receives and again on the receive loop.
/// </summary>
[TestFixture(false)]
[TestFixture(true)]
[CancelAfter(20_000)]
public class SrtpSessionTests(bool loop) : ReceiveModeFixture(loop,
    new RtpPortPool(IPAddress.Loopback, 32200, 32299), new RtpPortPool(IPAddress.Loopback, 32300, 32399))
{
    private readonly byte[] _keyA = RandomNumberGenerator.GetBytes(30);
    private readonly byte[] _keyB = RandomNumberGenerator.GetBytes(30);

    private SrtpContext Context(byte[] key) => SrtpContext.Create(SrtpSuite.AesCm128HmacSha1_80, key.AsSpan(0, 16), key.AsSpan(16));

    private RtpSession Open()
    {
        var session = RtpSession.TryOpen(Pool, SessionOptions(), out string? error);
        Assert.That(session, Is.Not.Null, error);
        session!.Start();
        return session;
    }

    private static byte[] Packet(RtpSession from, ushort seq)
    {
        var packet = new byte[12 + 160];
        packet.AsSpan(12).Fill(0x55);
        RtpWriter.Write(packet, new RtpHeader { PayloadType = 0, SequenceNumber = seq, Timestamp = seq * 160u, Ssrc = from.LocalSsrc }, packet.AsSpan(12));
        return packet;
    }

    [Test]
    public async Task Protected_sessions_hear_each_other_in_plain_and_the_wire_carries_srtp()
    {
        await using var a = Open();
        await using var b = Open();
        a.Protection = new SrtpProtection(Context(_keyA), Context(_keyB));
        b.Protection = new SrtpProtection(Context(_keyB), Context(_keyA));
        a.SetRemote(b.LocalRtpEndPoint);
        b.SetRemote(a.LocalRtpEndPoint);
        var heard = new Capture();
        b.Handler = heard;
        for (ushort i = 0; i < 10; i++)
        {
            Assert.That(a.Send(Packet(a, (ushort)(65530 + i))), Is.True);
        }
        Assert.That(await RawRtpPeer.WaitUntil(() => b.GetStatistics().PacketsReceived == 10), Is.True);
        var stats = b.GetStatistics();
        Assert.That((stats.Secure, stats.UnauthenticatedPackets, stats.OctetsReceived), Is.EqualTo((true, 0L, 1600L)));
        Assert.That(heard.Last.AsSpan(12).ToArray(), Is.All.EqualTo(0x55), "the handler sees the decrypted payload");
        Assert.That(heard.Last, Has.Length.EqualTo(172), "without the tag");
        Assert.That(b.Protection!.Remote.RtpAuthenticated, Is.EqualTo(10));

        Assert.That(a.SendRtcpReport(), Is.True);
        Assert.That(await RawRtpPeer.WaitUntil(() => b.Protection!.Remote.RtcpAuthenticated == 1), Is.True, "SRTCP");
        Assert.That(b.SendRtcpReport(), Is.True);
        Assert.That(await RawRtpPeer.WaitUntil(() => a.GetStatistics().RoundTripMilliseconds is not null), Is.True, "reports decrypted and read");
    }

    [Test]
    public async Task What_leaves_a_protected_session_is_srtp_not_the_plain_packet()
    {
        await using var a = Open();
        using var peer = new RawRtpPeer();
        a.Protection = new SrtpProtection(Context(_keyA), Context(_keyB));
        a.SetRemote(peer.EndPoint);
        var plain = Packet(a, 1);
        Assert.That(a.Send(plain), Is.True);
        var wire = peer.Receive();
        Assert.That(wire, Has.Length.EqualTo(plain.Length + 10));
        Assert.That(wire!.AsSpan(12, 160).SequenceEqual(plain.AsSpan(12)), Is.False);
        using var check = Context(_keyA);
        Assert.That(check.TryUnprotectRtp(wire, wire.Length, out int n), Is.True);
        Assert.That(wire[..n], Is.EqualTo(plain));
    }

    [Test]
    public async Task Plain_rtp_from_a_stranger_or_the_peer_and_replays_are_dropped_and_counted()
    {
        await using var session = Open();
        using var peer = new RawRtpPeer();
        using var stranger = new RawRtpPeer();
        session.Protection = new SrtpProtection(Context(_keyA), Context(_keyB));
        var heard = new Capture();
        session.Handler = heard;
        session.SetRemote(peer.EndPoint);

        for (ushort i = 0; i < 5; i++)
        {
            stranger.Send(session.LocalRtpEndPoint, 0, i, i * 160u, 99, new byte[160]);
            peer.Send(session.LocalRtpEndPoint, 0, (ushort)(100 + i), i * 160u, 7, new byte[160]);
        }
        stranger.SendRaw(session.LocalRtcpEndPoint, [0x81, 0xC9, 0, 1, 0, 0, 0, 99]);
        Assert.That(await RawRtpPeer.WaitUntil(() => session.GetStatistics().UnauthenticatedPackets == 11), Is.True,
            $"unauthenticated: {session.GetStatistics().UnauthenticatedPackets}");
        Assert.That((heard.Count, session.GetStatistics().PacketsReceived, session.GetStatistics().Latched), Is.EqualTo((0, 0L, false)));

        // The peer's real SRTP is heard; the same datagram again is a replay.
        using var peerKey = Context(_keyB);
        var packet = new byte[200];
        int n = peerKey.ProtectRtp(packet, RtpWriter.Write(packet, new RtpHeader { SequenceNumber = 7, Ssrc = 7 }, new byte[160]));
        peer.SendRaw(session.LocalRtpEndPoint, packet[..n]);
        peer.SendRaw(session.LocalRtpEndPoint, packet[..n]);
        Assert.That(await RawRtpPeer.WaitUntil(() => session.GetStatistics().UnauthenticatedPackets == 12), Is.True);
        Assert.That(await RawRtpPeer.WaitUntil(() => heard.Count == 1), Is.True);
        Assert.That(session.Protection!.Remote.Replays, Is.EqualTo(1));
    }

    private sealed class Capture : IRtpPacketHandler
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public byte[] Last { get; private set; } = [];

        public void OnRtpPacket(RtpSession session, Span<byte> packet, long arrivalTicks)
        {
            Last = packet.ToArray();
            Interlocked.Increment(ref _count);
        }
    }
}
