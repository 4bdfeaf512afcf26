using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Telephony.Media.Bridge;
using Telephony.Media.Ports;
using Telephony.Media.Rtp;
using Telephony.Media.Rtp.Linux;

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
    /// Bytes per relayed packet we accept. Not 0: the relay runs on a loop thread whose own
    /// allocation counter cannot be read from here, so the process-wide
    /// <see cref="GC.GetTotalAllocatedBytes"/> is used, and it also counts whatever the test
    /// runner, timers and the thread pool allocate meanwhile (usually nothing in a quiet window, but
    /// the test host's reporting can add a MB now and then: see the windows below). The smallest
    /// managed object is 24 bytes, so anything allocated per packet averages at least that:
    /// <see cref="The_guard_catches_one_small_allocation_per_packet"/> shows the guard trips.
    /// </summary>
    private const double MaxBytesPerPacket = 16;
    private const int Packets = 1000;
    private const int Windows = 4;

    private sealed class CountingTap : IRtpTap
    {
        public long Count;
        public void OnRtpPacket(int leg, ReadOnlySpan<byte> rtpPacket) => Count += rtpPacket.Length > 0 ? 1 : 0;
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

    private static async Task<double> MeasureBytesPerRelayedPacket(IRtpTap tap)
    {
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

        // The process-wide counter also sees the test host now and then (it reports finished
        // tests, e.g. serialising results: up to a MB or so in one window). That noise comes and
        // goes; an allocation per packet shows in every window. So: the quietest of a few windows.
        double perPacket = double.MaxValue;
        for (int window = 0; window < Windows && perPacket >= MaxBytesPerPacket; window++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            bool done = Pump(Packets, (ushort)relayed);
            long after = GC.GetTotalAllocatedBytes(precise: true);
            relayed += Packets;
            Assert.That(done, Is.True, $"relayed {bridge.Relayed(0)} of {relayed} in time");
            perPacket = Math.Min(perPacket, (after - before) / (double)Packets);
            TestContext.Out.WriteLine($"window {window}: {after - before} bytes allocated in the process while relaying {Packets} packets");
        }

        Assert.That(bridge.Relayed(0), Is.EqualTo(relayed));
        Assert.That(drained, Is.EqualTo(relayed), "every relayed packet reached the far phone");
        Assert.That(loop.Datagrams, Is.EqualTo(relayed), "the loop read them");
        return perPacket;
    }
}
