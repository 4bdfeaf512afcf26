using System.Reflection;
using Microsoft.Extensions.Logging;

namespace Telephony.Media.Tests.Rtp;

/// <summary>
/// The receive loop on its own, with plain UDP sockets on 127.0.0.1 (port 0: the OS picks) and
/// handlers that record what they get. Each test makes its own loop so its counters are exact;
/// the loop is declared after the sockets so it is disposed (threads stopped) before they close.
/// </summary>
[CancelAfter(20_000)]
public class RtpReceiveLoopTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    [SetUp]
    public void OnlyWhereTheLoopExists() => Assume.That(RtpReceiveLoop.IsSupported, "the receive loop needs 64-bit Linux");

    /// <summary>One datagram as a handler saw it, copied out of the loop's buffers.</summary>
    internal sealed record Received(byte[] Data, SocketAddress From, long ArrivalTicks, string? Thread);

    /// <summary>Copies every datagram it gets; optionally throws after copying.</summary>
    internal sealed class Recorder(bool throws = false) : IDatagramHandler
    {
        private readonly List<Received> _items = [];
        private int _calls;

        public int Calls => Volatile.Read(ref _calls);

        public Received[] Items
        {
            get
            {
                lock (_items)
                {
                    return [.. _items];
                }
            }
        }

        public void OnDatagram(Span<byte> datagram, SocketAddress from, long arrivalTicks)
        {
            var copy = new SocketAddress(from.Family, from.Size);
            from.Buffer.Span[..from.Size].CopyTo(copy.Buffer.Span);
            lock (_items)
            {
                _items.Add(new Received(datagram.ToArray(), copy, arrivalTicks, Thread.CurrentThread.Name));
            }

            Interlocked.Increment(ref _calls);
            if (throws)
            {
                throw new InvalidOperationException("handler failure on purpose");
            }
        }
    }

    /// <summary>Counts error lines (the loop logs a handler's exception as an error).</summary>
    internal sealed class ErrorCounter : ILogger
    {
        private int _errors;
        public int Errors => Volatile.Read(ref _errors);
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel >= LogLevel.Error)
            {
                Interlocked.Increment(ref _errors);
            }
        }
    }

    internal static Socket Udp(IPAddress address)
    {
        var socket = new Socket(address.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        socket.Bind(new IPEndPoint(address, 0));
        return socket;
    }

    private static IPEndPoint EndPointOf(Socket socket) => (IPEndPoint)socket.LocalEndPoint!;

    private static byte[] Payload(int tag, int seq, int length = 32)
    {
        var data = new byte[length];
        BitConverter.TryWriteBytes(data, tag);
        BitConverter.TryWriteBytes(data.AsSpan(4), seq);
        for (int i = 8; i < length; i++)
        {
            data[i] = (byte)(tag + seq + i);
        }

        return data;
    }

    [Test]
    public async Task Delivers_the_bytes_and_the_source_address_with_monotonic_arrival_ticks()
    {
        using var receiver = Udp(IPAddress.Loopback);
        using var sender = Udp(IPAddress.Loopback);
        using var loop = new RtpReceiveLoop(threads: 1);
        var handler = new Recorder();
        var registration = loop.Register(0, receiver, handler);

        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < 20; i++)
        {
            sender.SendTo(Payload(7, i, 20 + i), EndPointOf(receiver));
            if (i % 5 == 4)
            {
                await Task.Delay(5); // several wake-ups, so the ticks come from several batches
            }
        }

        Assert.That(await RawRtpPeer.WaitUntil(() => handler.Calls == 20), Is.True, $"delivered: {handler.Calls}");
        long end = Stopwatch.GetTimestamp();
        var items = handler.Items;
        var expectedFrom = EndPointOf(sender).Serialize();
        for (int i = 0; i < 20; i++)
        {
            Assert.That(items[i].Data, Is.EqualTo(Payload(7, i, 20 + i)), $"datagram {i}");
            Assert.That(items[i].From, Is.EqualTo(expectedFrom), $"source of datagram {i}");
            Assert.That(((IPEndPoint)EndPointOf(sender).Create(items[i].From)).Port, Is.EqualTo(EndPointOf(sender).Port));
            Assert.That(items[i].ArrivalTicks, Is.InRange(start, end));
            Assert.That(items[i].Thread, Is.EqualTo("rtp-receive-0"), "handlers run on the loop thread");
            if (i > 0)
            {
                Assert.That(items[i].ArrivalTicks, Is.GreaterThanOrEqualTo(items[i - 1].ArrivalTicks), $"ticks of datagram {i}");
            }
        }

        Assert.That(loop.Datagrams, Is.EqualTo(20));
        await registration.DisposeAsync().AsTask().WaitAsync(Bound);
    }

    [Test]
    public async Task Two_hundred_sockets_on_two_threads_each_get_exactly_their_own_datagrams()
    {
        const int Sockets = 200, PerSocket = 5;
        var receivers = Enumerable.Range(0, Sockets).Select(_ => Udp(IPAddress.Loopback)).ToArray();
        using var sender = Udp(IPAddress.Loopback);
        try
        {
            using var loop = new RtpReceiveLoop(threads: 2);
            var handlers = new Recorder[Sockets];
            var registrations = new RtpReceiveLoop.Registration[Sockets];
            for (int s = 0; s < Sockets; s++)
            {
                handlers[s] = new Recorder();
                registrations[s] = loop.Register(loop.PickThread(), receivers[s], handlers[s]);
            }

            for (int seq = 0; seq < PerSocket; seq++)
            {
                for (int s = 0; s < Sockets; s++)
                {
                    sender.SendTo(Payload(s, seq), EndPointOf(receivers[s]));
                }
            }

            Assert.That(await RawRtpPeer.WaitUntil(() => handlers.Sum(h => h.Calls) == Sockets * PerSocket), Is.True,
                $"delivered {handlers.Sum(h => h.Calls)} of {Sockets * PerSocket}");
            for (int s = 0; s < Sockets; s++)
            {
                var items = handlers[s].Items;
                Assert.That(items.Select(r => BitConverter.ToInt32(r.Data)), Is.All.EqualTo(s), $"socket {s} got another socket's datagram");
                Assert.That(items.Select(r => BitConverter.ToInt32(r.Data, 4)), Is.EqualTo(Enumerable.Range(0, PerSocket)), $"socket {s}");
                Assert.That(items.Select(r => r.Thread).Distinct().Count(), Is.EqualTo(1), "one socket, one thread");
            }

            var threads = handlers.SelectMany(h => h.Items).Select(r => r.Thread).Distinct().Order().ToArray();
            Assert.That(threads, Is.EqualTo(new[] { "rtp-receive-0", "rtp-receive-1" }), "round-robin uses both threads");
            Assert.That(loop.Datagrams, Is.EqualTo(Sockets * PerSocket));

            await Task.WhenAll(registrations.Select(r => r.DisposeAsync().AsTask())).WaitAsync(Bound);
        }
        finally
        {
            foreach (var r in receivers)
            {
                r.Dispose();
            }
        }
    }

    [Test]
    public async Task A_burst_larger_than_one_batch_arrives_whole_and_in_order()
    {
        const int Burst = 50;
        using var receiver = Udp(IPAddress.Loopback);
        using var sender = Udp(IPAddress.Loopback);
        for (int i = 0; i < Burst; i++)
        {
            sender.SendTo(Payload(1, i, 172), EndPointOf(receiver)); // queued before anyone reads
        }

        Assert.That(await RawRtpPeer.WaitUntil(() => receiver.Available > 0), Is.True);
        using var loop = new RtpReceiveLoop(threads: 1);
        var handler = new Recorder();
        var registration = loop.Register(0, receiver, handler);

        Assert.That(await RawRtpPeer.WaitUntil(() => handler.Calls == Burst), Is.True, $"delivered: {handler.Calls}");
        var items = handler.Items;
        Assert.That(items.Select(r => BitConverter.ToInt32(r.Data, 4)), Is.EqualTo(Enumerable.Range(0, Burst)));
        Assert.That(items.Select(r => r.Data), Is.EqualTo(Enumerable.Range(0, Burst).Select(i => Payload(1, i, 172))));

        // One arrival time per recvmmsg: no more than BatchSize datagrams share one.
        var batches = items.GroupBy(r => r.ArrivalTicks).Select(g => g.Count()).ToArray();
        Assert.That(batches, Is.All.InRange(1, RtpReceiveLoop.BatchSize));
        Assert.That(batches, Has.Length.GreaterThanOrEqualTo((Burst + RtpReceiveLoop.BatchSize - 1) / RtpReceiveLoop.BatchSize));
        Assert.That(loop.Datagrams, Is.EqualTo(Burst));
        await registration.DisposeAsync().AsTask().WaitAsync(Bound);
    }

    [Test]
    public async Task After_unregistering_the_handler_is_never_called_and_a_new_socket_can_take_its_place()
    {
        using var sender = Udp(IPAddress.Loopback);
        var receiver = Udp(IPAddress.Loopback);
        using var loop = new RtpReceiveLoop(threads: 1);
        var old = new Recorder();
        var registration = loop.Register(0, receiver, old);
        var target = EndPointOf(receiver);

        // A sender keeps the socket busy while the registration goes away.
        using var stopSending = new CancellationTokenSource();
        var flood = Task.Run(async () =>
        {
            using var s = Udp(IPAddress.Loopback);
            var packet = Payload(9, 0);
            while (!stopSending.IsCancellationRequested)
            {
                s.SendTo(packet, target);
                await Task.Delay(1);
            }
        });

        try
        {
            Assert.That(await RawRtpPeer.WaitUntil(() => old.Calls >= 20), Is.True, "the flood arrives while registered");
            await registration.DisposeAsync().AsTask().WaitAsync(Bound);
            int callsAtRemoval = old.Calls;
            await Task.Delay(150); // the flood goes on
            Assert.That(old.Calls, Is.EqualTo(callsAtRemoval), "handler called after its registration was disposed");
            Assert.That(receiver.Available, Is.GreaterThan(0), "datagrams did keep arriving, unread by the loop");
            await registration.DisposeAsync().AsTask().WaitAsync(Bound); // twice is harmless
        }
        finally
        {
            await stopSending.CancelAsync();
            await flood.WaitAsync(Bound);
        }

        int oldDescriptor = LinuxUdp.Descriptor(receiver);
        receiver.Dispose();
        using var replacement = Udp(IPAddress.Loopback); // usually gets the same descriptor number back
        int newDescriptor = LinuxUdp.Descriptor(replacement);
        TestContext.Out.WriteLine($"descriptor {oldDescriptor} closed, new socket has {newDescriptor}");
        var fresh = new Recorder();
        int oldCalls = old.Calls;
        var second = loop.Register(0, replacement, fresh);
        for (int i = 0; i < 10; i++)
        {
            sender.SendTo(Payload(2, i), EndPointOf(replacement));
        }

        Assert.That(await RawRtpPeer.WaitUntil(() => fresh.Calls == 10), Is.True, $"delivered: {fresh.Calls}");
        Assert.That(fresh.Items.Select(r => BitConverter.ToInt32(r.Data, 4)), Is.EqualTo(Enumerable.Range(0, 10)));
        Assert.That(fresh.Items.Select(r => r.From), Is.All.EqualTo(EndPointOf(sender).Serialize()));
        Assert.That(old.Calls, Is.EqualTo(oldCalls), "the old handler gets nothing of the new socket");
        await second.DisposeAsync().AsTask().WaitAsync(Bound);
    }

    [Test]
    public async Task A_throwing_handler_does_not_stop_delivery_to_others_or_to_itself()
    {
        using var faulty = Udp(IPAddress.Loopback);
        using var healthy = Udp(IPAddress.Loopback);
        using var sender = Udp(IPAddress.Loopback);
        var log = new ErrorCounter();
        using var loop = new RtpReceiveLoop(threads: 1, log);
        var thrower = new Recorder(throws: true);
        var good = new Recorder();
        var r1 = loop.Register(0, faulty, thrower);
        var r2 = loop.Register(0, healthy, good);
        for (int i = 0; i < 30; i++)
        {
            sender.SendTo(Payload(1, i), EndPointOf(faulty));
            sender.SendTo(Payload(2, i), EndPointOf(healthy));
        }

        Assert.That(await RawRtpPeer.WaitUntil(() => thrower.Calls == 30 && good.Calls == 30), Is.True,
            $"thrower {thrower.Calls}, healthy {good.Calls}");
        Assert.That(thrower.Items.Select(r => BitConverter.ToInt32(r.Data, 4)), Is.EqualTo(Enumerable.Range(0, 30)),
            "every datagram of a batch still reaches the handler after it threw on an earlier one");
        Assert.That(good.Items.Select(r => BitConverter.ToInt32(r.Data, 4)), Is.EqualTo(Enumerable.Range(0, 30)));
        Assert.That(await RawRtpPeer.WaitUntil(() => log.Errors == 30), Is.True, $"one error line per failure, got {log.Errors}");
        await r1.DisposeAsync().AsTask().WaitAsync(Bound);
        await r2.DisposeAsync().AsTask().WaitAsync(Bound);
    }

    [Test]
    public async Task Disposing_the_loop_stops_its_threads_and_open_registrations_then_complete_at_once()
    {
        using var receiver = Udp(IPAddress.Loopback);
        using var sender = Udp(IPAddress.Loopback);
        var loop = new RtpReceiveLoop(threads: 2);
        var handler = new Recorder();
        var registration = loop.Register(1, receiver, handler);
        sender.SendTo(Payload(1, 0), EndPointOf(receiver));
        Assert.That(await RawRtpPeer.WaitUntil(() => handler.Calls == 1), Is.True);

        var threads = WorkerThreads(loop);
        Assert.That(threads.Select(t => t.IsAlive), Is.All.True);
        var disposing = Task.Run(loop.Dispose);
        await disposing.WaitAsync(Bound);
        Assert.That(threads.Select(t => t.IsAlive), Is.All.False, "the receive threads have ended");
        loop.Dispose(); // twice is harmless

        sender.SendTo(Payload(1, 1), EndPointOf(receiver));
        Assert.That(await RawRtpPeer.WaitUntil(() => receiver.Available > 0), Is.True);
        await Task.Delay(50);
        Assert.That(handler.Calls, Is.EqualTo(1), "nothing is delivered after the loop stopped");

        var removal = registration.DisposeAsync();
        Assert.That(removal.IsCompleted, Is.True, "no thread is left to drop the socket: disposal completes at once");
        await removal;
        Assert.Throws<ObjectDisposedException>(() => loop.Register(0, receiver, handler));
    }

    [Test]
    public async Task A_registration_pending_while_the_loop_is_disposed_completes()
    {
        using var sender = Udp(IPAddress.Loopback);
        var receivers = Enumerable.Range(0, 20).Select(_ => Udp(IPAddress.Loopback)).ToArray();
        try
        {
            var loop = new RtpReceiveLoop(threads: 1);
            var registrations = receivers.Select(r => loop.Register(0, r, new Recorder())).ToArray();
            // Removals and the loop's disposal race: every removal must still complete.
            var removals = registrations.Select(r => Task.Run(async () => await r.DisposeAsync())).ToList();
            removals.Add(Task.Run(loop.Dispose));
            await Task.WhenAll(removals).WaitAsync(Bound);
        }
        finally
        {
            foreach (var r in receivers)
            {
                r.Dispose();
            }
        }
    }

    [Test]
    public async Task A_datagram_larger_than_the_buffer_is_cut_to_2048_bytes_and_delivery_goes_on()
    {
        using var receiver = Udp(IPAddress.Loopback);
        using var sender = Udp(IPAddress.Loopback);
        using var loop = new RtpReceiveLoop(threads: 1);
        var handler = new Recorder();
        var registration = loop.Register(0, receiver, handler);
        var big = Payload(3, 0, 3000);
        var huge = Payload(4, 0, 65_000);
        sender.SendTo(big, EndPointOf(receiver));
        sender.SendTo(huge, EndPointOf(receiver));
        sender.SendTo(Payload(5, 1, 100), EndPointOf(receiver));

        Assert.That(await RawRtpPeer.WaitUntil(() => handler.Calls == 3), Is.True, $"delivered: {handler.Calls}");
        var items = handler.Items;
        // What the handler sees: the first 2048 bytes, with nothing telling it the rest was cut
        // (the loop ignores MSG_TRUNC in msg_flags). RtpSession then takes it as a whole packet,
        // as it does with async receives: see RtpSessionLoopModeTests.An_oversized_datagram_is_cut_to_2048_bytes_the_same_way_in_both_modes.
        Assert.That(items[0].Data, Is.EqualTo(big.AsSpan(0, 2048).ToArray()));
        Assert.That(items[1].Data, Is.EqualTo(huge.AsSpan(0, 2048).ToArray()));
        Assert.That(items[2].Data, Is.EqualTo(Payload(5, 1, 100)), "the next datagram is whole");
        Assert.That(items.Select(r => r.From), Is.All.EqualTo(EndPointOf(sender).Serialize()));
        await registration.DisposeAsync().AsTask().WaitAsync(Bound);
    }

    [Test]
    public async Task Works_on_ipv6_loopback()
    {
        Socket receiver, sender;
        try
        {
            receiver = Udp(IPAddress.IPv6Loopback);
            sender = Udp(IPAddress.IPv6Loopback);
        }
        catch (SocketException e)
        {
            Assume.That(false, $"no IPv6 loopback here: {e.SocketErrorCode}");
            return;
        }

        using (receiver)
        using (sender)
        {
            using var loop = new RtpReceiveLoop(threads: 1);
            var handler = new Recorder();
            var registration = loop.Register(0, receiver, handler);
            for (int i = 0; i < 12; i++)
            {
                sender.SendTo(Payload(6, i), EndPointOf(receiver));
            }

            Assert.That(await RawRtpPeer.WaitUntil(() => handler.Calls == 12), Is.True, $"delivered: {handler.Calls}");
            var items = handler.Items;
            Assert.That(items.Select(r => BitConverter.ToInt32(r.Data, 4)), Is.EqualTo(Enumerable.Range(0, 12)));
            Assert.That(items.Select(r => r.From), Is.All.EqualTo(EndPointOf(sender).Serialize()));
            Assert.That(items[0].From.Family, Is.EqualTo(AddressFamily.InterNetworkV6));
            Assert.That(EndPointOf(sender).Create(items[0].From), Is.EqualTo(EndPointOf(sender)));
            await registration.DisposeAsync().AsTask().WaitAsync(Bound);
        }
    }

    /// <summary>The loop's threads, to see them end (no public way to; the loop's shape is asserted).</summary>
    private static Thread[] WorkerThreads(RtpReceiveLoop loop)
    {
        const BindingFlags Private = BindingFlags.NonPublic | BindingFlags.Instance;
        var workers = (Array)typeof(RtpReceiveLoop).GetField("_workers", Private)!.GetValue(loop)!;
        var thread = typeof(RtpReceiveLoop.Worker).GetField("_thread", Private)!;
        return workers.Cast<object>().Select(w => (Thread)thread.GetValue(w)!).ToArray();
    }
}
