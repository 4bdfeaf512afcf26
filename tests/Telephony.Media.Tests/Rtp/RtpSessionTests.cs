
namespace Telephony.Media.Tests.Rtp;

/// <summary>Each test runs with async receives and again with the sessions on an <see cref="RtpReceiveLoop"/>.</summary>
[TestFixture(false)]
[TestFixture(true)]
[CancelAfter(20_000)]
public class RtpSessionTests(bool loop) : ReceiveModeFixture(loop,
    new RtpPortPool(IPAddress.Loopback, 30400, 30499), new RtpPortPool(IPAddress.Loopback, 31400, 31499))
{
    private RtpSession Open(int latch = 3)
    {
        var session = RtpSession.TryOpen(Pool, SessionOptions(latch), out string? error);
        Assert.That(session, Is.Not.Null, error);
        session!.Start();
        return session;
    }

    [Test]
    public async Task Receives_and_counts_packets_and_rejects_garbage()
    {
        await using var session = Open();
        using var phone = new RawRtpPeer();
        Assert.That(session.LocalRtpEndPoint.Port % 2, Is.EqualTo(0));
        Assert.That(session.LocalRtcpEndPoint.Port, Is.EqualTo(session.LocalRtpEndPoint.Port + 1));
        for (int i = 0; i < 20; i++)
        {
            phone.Send(session.LocalRtpEndPoint, 0, (ushort)(65530 + i), (uint)(i * 160), 0x1234, new byte[160]);
        }

        phone.SendRaw(session.LocalRtpEndPoint, [1, 2, 3]);
        Assert.That(await RawRtpPeer.WaitUntil(() => session.GetStatistics().InvalidPackets == 1), Is.True);
        var stats = session.GetStatistics();
        Assert.That(stats.PacketsReceived, Is.EqualTo(20));
        Assert.That(stats.OctetsReceived, Is.EqualTo(20 * 160));
        Assert.That(stats.RemoteSsrc, Is.EqualTo(0x1234u));
        Assert.That(stats.PacketsLost, Is.EqualTo(0));
        Assert.That(stats.LastArrival, Is.Not.Null);
        Assert.That(session.Reception.ExtendedHighestSequence, Is.EqualTo(65536u + 13), "sequence wrapped");
        if (OnLoop)
        {
            Assert.That(Loop.Datagrams, Is.GreaterThanOrEqualTo(21), "the loop did the receiving");
        }
    }

    [Test]
    public async Task Latches_to_the_real_source_after_three_packets()
    {
        await using var session = Open();
        using var sdpAddress = new RawRtpPeer();
        using var natted = new RawRtpPeer();
        session.SetRemote(sdpAddress.EndPoint);

        natted.Send(session.LocalRtpEndPoint, 0, 1, 0, 9, new byte[10]);
        natted.Send(session.LocalRtpEndPoint, 0, 2, 160, 9, new byte[10]);
        Assert.That(await RawRtpPeer.WaitUntil(() => session.GetStatistics().StrangerPackets == 2), Is.True, "not heard until learned");
        Assert.That(session.GetStatistics().PacketsReceived, Is.Zero);
        Assert.That(session.Send(Packet(session)), Is.True);
        Assert.That(sdpAddress.Receive(), Is.Not.Null, "two packets are not enough to move");

        natted.Send(session.LocalRtpEndPoint, 0, 3, 320, 9, new byte[10]);
        Assert.That(await RawRtpPeer.WaitUntil(() => session.GetStatistics().Latched), Is.True);
        Assert.That(session.RemoteRtpEndPoint, Is.EqualTo(natted.EndPoint));
        Assert.That(session.Send(Packet(session)), Is.True);
        Assert.That(natted.Receive(), Is.Not.Null);

        // A new offer/answer resets the latch to the SDP address.
        session.SetRemote(sdpAddress.EndPoint);
        Assert.That(session.GetStatistics().Latched, Is.False);
        session.Send(Packet(session));
        Assert.That(sdpAddress.Receive(), Is.Not.Null);
    }

    [Test]
    public async Task Packets_with_changing_ssrcs_do_not_latch()
    {
        await using var session = Open();
        using var sdpAddress = new RawRtpPeer();
        using var spoofer = new RawRtpPeer();
        session.SetRemote(sdpAddress.EndPoint);
        for (ushort i = 0; i < 6; i++)
        {
            spoofer.Send(session.LocalRtpEndPoint, 0, i, i * 160u, 1000u + i, new byte[10]);
        }

        Assert.That(await RawRtpPeer.WaitUntil(() => session.GetStatistics().StrangerPackets == 6), Is.True);
        Assert.That((session.GetStatistics().Latched, session.GetStatistics().PacketsReceived), Is.EqualTo((false, 0L)));
        Assert.That(session.RemoteRtpEndPoint, Is.EqualTo(sdpAddress.EndPoint));
    }

    // Issue 10, finding 1 (critical): three packets to a live call's port took the call over.
    [Test]
    public async Task A_stranger_cannot_take_over_a_call_whose_peer_is_talking()
    {
        await using var session = Open();
        using var peer = new RawRtpPeer();
        using var attacker = new RawRtpPeer();
        var heard = new CountingHandler();
        session.Handler = heard;
        session.SetRemote(peer.EndPoint);
        peer.Send(session.LocalRtpEndPoint, 0, 1, 0, 7, new byte[10]);
        Assert.That(await RawRtpPeer.WaitUntil(() => heard.Count == 1), Is.True);

        // Inside the learning window, in sequence, one SSRC: still refused, the signalled peer is heard.
        for (ushort i = 0; i < 50; i++)
        {
            attacker.Send(session.LocalRtpEndPoint, 0, (ushort)(100 + i), i * 160u, 99, new byte[10]);
        }

        Assert.That(await RawRtpPeer.WaitUntil(() => session.GetStatistics().StrangerPackets == 50), Is.True);
        Assert.That((session.GetStatistics().Latched, heard.Count), Is.EqualTo((false, 1)), "nothing of the stranger reaches the call");
        Assert.That(session.RemoteRtpEndPoint, Is.EqualTo(peer.EndPoint));
        Assert.That(session.Send(Packet(session)), Is.True);
        Assert.That(peer.Receive(), Is.Not.Null, "the call's audio still goes to its peer");
        Assert.That(attacker.Receive(), Is.Null, "and not to the stranger");
    }

    [Test]
    public void After_the_learning_window_no_new_source_is_learned()
    {
        var options = new RtpSessionOptions { LatchAfterPackets = 3, LearningWindow = TimeSpan.FromSeconds(2) };
        using var silentPeer = new RawRtpPeer();
        var session = RtpSession.TryOpen(Pool, options, out var error) ?? throw new InvalidOperationException(error);
        try
        {
            session.SetRemote(silentPeer.EndPoint);
            var stranger = new IPEndPoint(IPAddress.Loopback, 40404).Serialize();
            long late = Stopwatch.GetTimestamp() + 3 * Stopwatch.Frequency;
            var packet = new byte[RtpPacket.FixedHeaderLength + 10];
            for (ushort i = 0; i < 5; i++)
            {
                RtpWriter.Write(packet, new RtpHeader { SequenceNumber = i, Timestamp = i * 160u, Ssrc = 5 }, new byte[10]);
                session.ProcessRtp(packet, stranger, late);
            }

            Assert.That((session.GetStatistics().Latched, session.GetStatistics().StrangerPackets), Is.EqualTo((false, 5L)));

            // The same packets inside the window (a NATed peer right after the answer) are learned.
            long early = Stopwatch.GetTimestamp();
            for (ushort i = 10; i < 13; i++)
            {
                RtpWriter.Write(packet, new RtpHeader { SequenceNumber = i, Timestamp = i * 160u, Ssrc = 5 }, new byte[10]);
                session.ProcessRtp(packet, stranger, early);
            }

            Assert.That(session.GetStatistics().Latched, Is.True);
        }
        finally
        {
            session.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private sealed class CountingHandler : IRtpPacketHandler
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        public void OnRtpPacket(RtpSession session, Span<byte> packet, long arrivalTicks) => Interlocked.Increment(ref _count);
    }

    [Test]
    public async Task Latching_can_be_turned_off_and_no_remote_means_no_send()
    {
        await using var session = Open(latch: 0);
        using var phone = new RawRtpPeer();
        Assert.That(session.Send(Packet(session)), Is.False, "no remote yet");
        for (ushort i = 0; i < 5; i++)
        {
            phone.Send(session.LocalRtpEndPoint, 0, i, i * 160u, 9, new byte[10]);
        }

        Assert.That(await RawRtpPeer.WaitUntil(() => session.GetStatistics().PacketsReceived == 5), Is.True);
        Assert.That(session.GetStatistics().Latched, Is.False);
        Assert.That(session.Send(Packet(session)), Is.False);
    }

    [Test]
    public async Task Rtcp_reports_give_round_trip_and_the_peers_view()
    {
        await using var a = Open();
        await using var b = Open();
        a.SetRemote(b.LocalRtpEndPoint);
        b.SetRemote(a.LocalRtpEndPoint);
        for (ushort i = 0; i < 10; i++)
        {
            a.Send(Packet(a, i));
            b.Send(Packet(b, i));
        }

        Assert.That(await RawRtpPeer.WaitUntil(() => a.GetStatistics().PacketsReceived == 10 && b.GetStatistics().PacketsReceived == 10), Is.True);
        Assert.That(a.SendRtcpReport(), Is.True); // SR from a
        await Task.Delay(50);
        Assert.That(b.SendRtcpReport(), Is.True); // SR from b with a block about a, echoing a's SR
        Assert.That(await RawRtpPeer.WaitUntil(() => a.GetStatistics().RoundTripMilliseconds is not null), Is.True);
        var stats = a.GetStatistics();
        Assert.That(stats.RoundTripMilliseconds, Is.LessThan(1000));
        Assert.That(stats.RemoteFractionLost, Is.EqualTo(0));
        Assert.That(stats.PacketsSent, Is.EqualTo(10));
    }

    [Test]
    public async Task A_withheld_remote_is_not_replaced_by_latching()
    {
        await using var session = Open();
        using var phone = new RawRtpPeer();
        session.SetRemote(null); // c=0.0.0.0 hold
        for (ushort i = 0; i < 5; i++)
        {
            phone.Send(session.LocalRtpEndPoint, 0, i, i * 160u, 9, new byte[10]);
        }

        Assert.That(await RawRtpPeer.WaitUntil(() => session.GetStatistics().PacketsReceived == 5), Is.True);
        Assert.That(session.GetStatistics().Latched, Is.False);
        Assert.That(session.Send(Packet(session)), Is.False);
    }

    [Test]
    public async Task Hostile_datagrams_on_both_ports_are_counted_and_the_loops_keep_running()
    {
        await using var session = Open();
        using var phone = new RawRtpPeer();
        var random = new Random(11);
        int garbage = 0;
        for (int i = 0; i < 300; i++)
        {
            var data = new byte[random.Next(1, 200)]; // small enough that the socket buffers never overflow
            random.NextBytes(data);
            data[0] = (byte)(data[0] & 0x3F); // version 0: never valid RTP or RTCP
            phone.SendRaw(i % 2 == 0 ? session.LocalRtpEndPoint : session.LocalRtcpEndPoint, data);
            garbage++;
        }

        Assert.That(await RawRtpPeer.WaitUntil(() => session.GetStatistics().InvalidPackets == garbage), Is.True,
            $"invalid counted: {session.GetStatistics().InvalidPackets}");
        phone.Send(session.LocalRtpEndPoint, 0, 1, 0, 5, new byte[160]);
        Assert.That(await RawRtpPeer.WaitUntil(() => session.GetStatistics().PacketsReceived == 1), Is.True);
        Assert.That(session.GetStatistics().Latched, Is.False, "garbage never counts towards latching");
    }

    [Test]
    public async Task Disposing_returns_the_ports()
    {
        int before = Pool.InUse;
        var session = Open();
        Assert.That(Pool.InUse, Is.EqualTo(before + 1));
        await session.DisposeAsync();
        await session.DisposeAsync();
        Assert.That(Pool.InUse, Is.EqualTo(before));
    }

    private static byte[] Packet(RtpSession from, ushort seq = 1)
    {
        var packet = new byte[12 + 160];
        RtpWriter.Write(packet, new RtpHeader { PayloadType = 0, SequenceNumber = seq, Timestamp = seq * 160u, Ssrc = from.LocalSsrc }, new byte[160]);
        return packet;
    }
}
