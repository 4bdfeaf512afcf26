namespace Telephony.Media.Tests.Rtp;

/// <summary>What is particular to sessions on an <see cref="RtpReceiveLoop"/>: closing, sending late, oversized datagrams, IPv6.</summary>
[CancelAfter(20_000)]
public class RtpSessionLoopModeTests
{
    // Media.Tests range 31000-31999; none of these overlaps another fixture's pool.
    private static readonly RtpPortPool LoopPool = new(IPAddress.Loopback, 31600, 31649);
    private static readonly RtpPortPool AsyncPool = new(IPAddress.Loopback, 31650, 31699);
    private static RtpReceiveLoop? s_loop;

    [OneTimeSetUp]
    public void StartTheLoop()
    {
        Assume.That(RtpReceiveLoop.IsSupported, "the receive loop needs 64-bit Linux");
        s_loop = new RtpReceiveLoop(threads: 2);
    }

    [OneTimeTearDown]
    public void StopTheLoop()
    {
        s_loop?.Dispose();
        s_loop = null;
    }

    private static RtpReceiveLoop Loop => s_loop ?? throw new InvalidOperationException("no receive loop");

    private static RtpSession Open(RtpPortPool pool, bool loop)
    {
        var session = RtpSession.TryOpen(pool, new RtpSessionOptions { ReceiveLoop = loop ? Loop : null }, out string? error);
        Assert.That(session, Is.Not.Null, error);
        session!.Start();
        return session;
    }

    private static byte[] Packet(uint ssrc, ushort seq, int payload = 160)
    {
        var packet = new byte[12 + payload];
        RtpWriter.Write(packet, new RtpHeader { PayloadType = 0, SequenceNumber = seq, Timestamp = seq * 160u, Ssrc = ssrc }, new byte[payload]);
        return packet;
    }

    [Test]
    public async Task Disposing_is_prompt_and_frees_the_ports_for_the_next_session_again_and_again()
    {
        // One pair only: the next lease can only succeed if the last session really let go.
        var pool = new RtpPortPool(IPAddress.Loopback, 31900, 31901);
        using var phone = new RawRtpPeer();
        for (int round = 0; round < 10; round++)
        {
            var session = Open(pool, loop: true);
            Assert.That(session.LocalRtpEndPoint.Port, Is.EqualTo(31900));
            session.SetRemote(phone.EndPoint); // so disposing also sends an RTCP BYE
            for (ushort i = 0; i < 5; i++)
            {
                phone.Send(session.LocalRtpEndPoint, 0, i, i * 160u, (uint)(100 + round), new byte[160]);
            }

            Assert.That(await RawRtpPeer.WaitUntil(() => session.GetStatistics().PacketsReceived == 5), Is.True, $"round {round}");
            Assert.That(session.GetStatistics().RemoteSsrc, Is.EqualTo((uint)(100 + round)), "only this round's packets");

            // Packets still coming in while it closes.
            phone.Send(session.LocalRtpEndPoint, 0, 5, 800, (uint)(100 + round), new byte[160]);
            var watch = Stopwatch.StartNew();
            await session.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(2));
            Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(2)));
            Assert.That(pool.InUse, Is.EqualTo(0));

            using var lease = pool.TryLease(out string? error);
            Assert.That(lease, Is.Not.Null, $"round {round}: the pair is still held: {error}");
            Assert.That(lease!.RtpPort, Is.EqualTo(31900));
        }
    }

    [Test]
    public async Task Disposing_is_prompt_even_after_the_loop_itself_was_disposed()
    {
        var pool = new RtpPortPool(IPAddress.Loopback, 31902, 31903);
        var loop = new RtpReceiveLoop(threads: 1);
        var session = RtpSession.TryOpen(pool, new RtpSessionOptions { ReceiveLoop = loop }, out _)!;
        session.Start();
        loop.Dispose(); // node shutdown ordering gone wrong: the loop first
        await session.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(2));
        using var lease = pool.TryLease(out string? error);
        Assert.That(lease, Is.Not.Null, error);
    }

    [Test]
    public async Task Send_after_dispose_returns_false_with_async_receives()
    {
        await SendAfterDispose(loop: false);
    }

    [Test]
    public async Task Send_after_dispose_returns_false_on_the_loop()
    {
        await SendAfterDispose(loop: true);
    }

    private static async Task SendAfterDispose(bool loop)
    {
        var session = Open(loop ? LoopPool : AsyncPool, loop);
        using var phone = new RawRtpPeer();
        session.SetRemote(phone.EndPoint);
        Assert.That(session.Send(Packet(session.LocalSsrc, 1)), Is.True);
        await session.DisposeAsync();
        // A player on the media clock, or the other leg of a bridge, may still send once after the call ended.
        bool sent = true;
        Assert.DoesNotThrow(() => sent = session.Send(Packet(session.LocalSsrc, 2)));
        Assert.That(sent, Is.False);
        Assert.That(session.SendRtcpReport(), Is.False);
    }

    [Test]
    public async Task An_oversized_datagram_is_cut_to_2048_bytes_the_same_way_in_both_modes([Values] bool loop)
    {
        // Both modes read into 2048 bytes and neither looks at MSG_TRUNC, so a longer datagram
        // with a valid header counts as a packet with a cut payload (RtpReceiveLoop.cs:128 says
        // "cut and refused": only the cutting happens). Pinned here so the modes stay alike.
        await using var session = Open(loop ? LoopPool : AsyncPool, loop);
        using var sender = RtpReceiveLoopTests.Udp(IPAddress.Loopback);
        sender.SendTo(Packet(42, 1, payload: 3000), session.LocalRtpEndPoint); // valid header, 3012 bytes
        sender.SendTo(Packet(42, 2), session.LocalRtpEndPoint);
        Assert.That(await RawRtpPeer.WaitUntil(() => session.GetStatistics().PacketsReceived == 2), Is.True,
            $"received {session.GetStatistics().PacketsReceived}");
        var stats = session.GetStatistics();
        Assert.That(stats.OctetsReceived, Is.EqualTo(2048 - 12 + 160), "the cut packet's payload is what fitted");
        Assert.That(stats.InvalidPackets, Is.EqualTo(0));
    }

    [Test]
    public async Task Sessions_on_ipv6_loopback_exchange_media_and_latch()
    {
        RtpPortPool pool;
        Socket natted;
        try
        {
            natted = RtpReceiveLoopTests.Udp(IPAddress.IPv6Loopback);
            pool = new RtpPortPool(IPAddress.IPv6Loopback, 31700, 31709);
        }
        catch (SocketException e)
        {
            Assume.That(false, $"no IPv6 loopback here: {e.SocketErrorCode}");
            return;
        }

        using (natted)
        {
            await using var a = Open(pool, loop: true);
            await using var b = Open(pool, loop: true);
            a.SetRemote(b.LocalRtpEndPoint);
            b.SetRemote(a.LocalRtpEndPoint);
            for (ushort i = 0; i < 10; i++)
            {
                Assert.That(a.Send(Packet(a.LocalSsrc, i)), Is.True);
                Assert.That(b.Send(Packet(b.LocalSsrc, i)), Is.True);
            }

            Assert.That(await RawRtpPeer.WaitUntil(() => a.GetStatistics().PacketsReceived == 10 && b.GetStatistics().PacketsReceived == 10), Is.True);
            Assert.That(a.GetStatistics().RemoteSsrc, Is.EqualTo(b.LocalSsrc));
            Assert.That(a.GetStatistics().Latched, Is.False, "the SDP address is where it comes from");

            // RTCP over the loop both ways: a's SR, echoed in b's report, gives a a round trip.
            Assert.That(a.SendRtcpReport(), Is.True);
            await Task.Delay(50);
            Assert.That(b.SendRtcpReport(), Is.True);
            Assert.That(await RawRtpPeer.WaitUntil(() => a.GetStatistics().RoundTripMilliseconds is not null), Is.True);

            // A source the SDP did not give, once the signalled peer has been heard: strict RTP drops it.
            for (ushort i = 0; i < 3; i++)
            {
                natted.SendTo(Packet(77, (ushort)(100 + i)), a.LocalRtpEndPoint);
            }

            Assert.That(await RawRtpPeer.WaitUntil(() => a.GetStatistics().StrangerPackets == 3), Is.True);
            Assert.That(a.GetStatistics().Latched, Is.False);

            // A re-INVITE opens the learning window again: a phone behind NAT, three packets in sequence.
            a.SetRemote(b.LocalRtpEndPoint);
            for (ushort i = 3; i < 6; i++)
            {
                natted.SendTo(Packet(77, (ushort)(100 + i)), a.LocalRtpEndPoint);
            }

            Assert.That(await RawRtpPeer.WaitUntil(() => a.GetStatistics().Latched), Is.True);
            Assert.That(a.RemoteRtpEndPoint, Is.EqualTo(natted.LocalEndPoint));
            Assert.That(a.Send(Packet(a.LocalSsrc, 11)), Is.True);
            Assert.That(natted.Poll(2_000_000, SelectMode.SelectRead), Is.True, "media goes to the latched IPv6 source");
        }
    }
}
