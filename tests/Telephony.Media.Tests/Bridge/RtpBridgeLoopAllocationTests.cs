namespace Telephony.Media.Tests.Bridge;

/// <summary>
/// The zero-allocation guard of <see cref="RtpBridgeTests"/>, but end to end: real sockets, the
/// receive loop's threads reading (recvmmsg), the bridge relaying, and sendto out of the other leg.
/// </summary>
[CancelAfter(30_000)]
public class RtpBridgeLoopAllocationTests
{
    private static readonly RtpPortPool Pool = new(IPAddress.Loopback, 31800, 31849);

    /// <summary>
    /// Bytes per relayed packet we accept, measured on the loop thread that relays them (the tap
    /// reads <see cref="GC.GetAllocatedBytesForCurrentThread"/> there), so nothing other threads
    /// or earlier tests do can count. The smallest managed object is 24 bytes, so anything
    /// allocated per packet averages at least that: <see cref="The_guard_catches_one_small_allocation_per_packet"/>
    /// shows the guard trips; a quiet relay path measures 0.
    /// </summary>
    private const double MaxBytesPerPacket = 16;
    private const int Packets = 1000;

    private sealed class CountingTap : IRtpTap
    {
        public long Count;
        public void OnRtpPacket(int leg, ReadOnlySpan<byte> rtpPacket) => Count += rtpPacket.Length > 0 ? 1 : 0;
    }

    /// <summary>Runs on the relaying loop thread: counts packets and reads that thread's allocation counter after each.</summary>
    private sealed class ThreadAllocationTap(IRtpTap inner) : IRtpTap
    {
        private long _packets;
        private long _allocated;

        public (long Packets, long Allocated) Reading => (Volatile.Read(ref _packets), Volatile.Read(ref _allocated));

        public void OnRtpPacket(int leg, ReadOnlySpan<byte> rtpPacket)
        {
            inner.OnRtpPacket(leg, rtpPacket);
            Volatile.Write(ref _allocated, GC.GetAllocatedBytesForCurrentThread());
            Volatile.Write(ref _packets, _packets + 1);
        }
    }

    /// <summary>A recorder gone wrong: one small array per packet (kept, so it cannot be optimised away).</summary>
    private sealed class AllocatingTap : IRtpTap
    {
        public byte[]? Last;
        public void OnRtpPacket(int leg, ReadOnlySpan<byte> rtpPacket) => Last = new byte[1];
    }

    [OneTimeSetUp]
    public void OnlyWhereTheLoopExists() => Assume.That(RtpReceiveLoop.IsSupported, "the receive loop needs 64-bit Linux");

    [Test]
    public async Task Relaying_through_the_receive_loop_allocates_nothing_per_packet()
    {
        double perPacket = await MeasureBytesPerRelayedPacket(new CountingTap());
        Assert.That(perPacket, Is.LessThan(MaxBytesPerPacket),
            "bytes allocated per packet (recvmmsg, validate, stats, latch check, bridge rewrite, tap, sendto)");
    }

    [Test]
    public async Task The_guard_catches_one_small_allocation_per_packet()
    {
        double perPacket = await MeasureBytesPerRelayedPacket(new AllocatingTap());
        Assert.That(perPacket, Is.GreaterThanOrEqualTo(MaxBytesPerPacket), "a 1-byte array per packet must trip the guard");
    }

    private static async Task<double> MeasureBytesPerRelayedPacket(IRtpTap inner)
    {
        var tap = new ThreadAllocationTap(inner);
        using var caller = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        using var sink = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        caller.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        sink.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        using var loop = new RtpReceiveLoop(threads: 2); // the legs land on different threads
        await using var leg0 = RtpSession.TryOpen(Pool, new RtpSessionOptions { ReceiveLoop = loop }, out _)!;
        await using var leg1 = RtpSession.TryOpen(Pool, new RtpSessionOptions { ReceiveLoop = loop }, out _)!;
        leg0.SetRemote((IPEndPoint)caller.LocalEndPoint!);
        leg1.SetRemote((IPEndPoint)sink.LocalEndPoint!);
        var format = new BridgeLegFormat { EncodingName = "PCMU", AudioPayloadType = 0, TelephoneEventPayloadType = 101, TelephoneEventPayloadTypes = [101] };
        using var bridge = new RtpBridge(leg0, format, leg1, format, tap);
        leg0.Start();
        leg1.Start();

        var to = leg0.LocalRtpEndPoint.Serialize();
        var packet = new byte[12 + 160];
        var received = new byte[2048];
        long drained = 0;
        long deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);

        // Sends in small bursts and waits for each to be relayed and drained, so no socket
        // buffer overflows; allocates nothing itself (span sends and receives, no awaits).
        bool Pump(int count, ushort firstSeq)
        {
            long target = bridge.Relayed(0);
            for (int i = 0; i < count; i++)
            {
                ushort seq = (ushort)(firstSeq + i);
                RtpWriter.Write(packet, new RtpHeader { PayloadType = i % 10 == 0 ? 101 : 0, SequenceNumber = seq, Timestamp = seq * 160u, Ssrc = 7 }, []);
                caller.SendTo(packet, SocketFlags.None, to);
                target++;
                if (i % 16 == 15 || i == count - 1)
                {
                    while (bridge.Relayed(0) < target || sink.Available > 0)
                    {
                        while (sink.Available > 0)
                        {
                            sink.Receive(received.AsSpan(), SocketFlags.None);
                            drained++;
                        }

                        if (Stopwatch.GetTimestamp() > deadline)
                        {
                            return false;
                        }

                        Thread.Yield();
                    }
                }
            }

            return true;
        }

        Assert.That(Pump(300, 0), Is.True, "warm-up relayed in time"); // JIT, first-packet paths, statistics probation
        long relayed = 300;

        // Between two readings taken inside the tap lie whole packets of the loop thread's work:
        // recvmmsg, validation, statistics, latch check, bridge rewrite, the tap itself, sendto.
        var (packetsBefore, bytesBefore) = tap.Reading;
        bool done = Pump(Packets, (ushort)relayed);
        relayed += Packets;
        Assert.That(done, Is.True, $"relayed {bridge.Relayed(0)} of {relayed} in time");
        var (packetsAfter, bytesAfter) = tap.Reading;
        Assert.That(packetsAfter - packetsBefore, Is.EqualTo(Packets));
        double perPacket = (bytesAfter - bytesBefore) / (double)Packets;
        TestContext.Out.WriteLine($"{bytesAfter - bytesBefore} bytes allocated on the relaying loop thread for {Packets} packets");

        Assert.That(bridge.Relayed(0), Is.EqualTo(relayed));
        Assert.That(drained, Is.EqualTo(relayed), "every relayed packet reached the far phone");
        Assert.That(loop.Datagrams, Is.EqualTo(relayed), "the loop read them");
        return perPacket;
    }
}
