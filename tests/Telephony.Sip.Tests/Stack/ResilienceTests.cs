namespace Telephony.Sip.Tests.Stack;

/// <summary>
/// Hostile input against an endpoint on 127.0.0.1 with short limits. Through all of it a prober
/// keeps sending OPTIONS (UDP and TCP) and every one must get its 200; afterwards connections are
/// closed and the tables drain.
/// </summary>
[CancelAfter(60_000)]
public class ResilienceTests
{
    private SipEndpoint _server = null!;
    private SipEndpoint _prober = null!;
    private AnsweringUser _serverUser = null!;

    [SetUp]
    public async Task SetUp()
    {
        _serverUser = new AnsweringUser();
        _server = await StartEndpointAsync(_serverUser, configure: o =>
        {
            o.Transport.MaxConnections = 20;
            o.Transport.MessageCompletionTimeout = TimeSpan.FromSeconds(2);
            o.Transport.ConnectionIdleTimeout = TimeSpan.FromSeconds(5);
            o.Transport.HousekeepingInterval = TimeSpan.FromMilliseconds(200);
            o.Timers.T1 = TimeSpan.FromMilliseconds(50); // J = 3.2 s so the table drains quickly
            o.Timers.T2 = TimeSpan.FromMilliseconds(400);
            o.Timers.T4 = TimeSpan.FromMilliseconds(500);
        });
        _prober = await StartEndpointAsync(new AnsweringUser());
        // The prober's TCP connection exists before any attack starts.
        Assert.That((await _prober.SendRequestAsync(Request("OPTIONS"), _server.Destination(SipTransportProtocol.Tcp))).StatusCode, Is.EqualTo(200));
    }

    [TearDown]
    public async Task TearDown()
    {
        await _prober.DisposeAsync();
        await _server.DisposeAsync();
    }

    /// <summary>Sends OPTIONS over UDP and (on one reused connection) TCP until stopped; returns (ok, failed).</summary>
    private async Task<(int Ok, int Failed)> ProbeUntilAsync(Task stop)
    {
        int ok = 0, failed = 0;
        do
        {
            foreach (var protocol in new[] { SipTransportProtocol.Udp, SipTransportProtocol.Tcp })
            {
                var r = await _prober.SendRequestAsync(Request("OPTIONS"), _server.Destination(protocol));
                if (r.StatusCode == 200) ok++;
                else failed++;
            }
            await Task.Delay(50);
        }
        while (!stop.IsCompleted);
        await stop;
        return (ok, failed);
    }

    private async Task AssertStillAnsweringAsync(Func<Task> attack)
    {
        var attackTask = Task.Run(attack);
        var (ok, failed) = await ProbeUntilAsync(attackTask);
        Assert.That(failed, Is.Zero);
        Assert.That(ok, Is.GreaterThanOrEqualTo(2));
    }

    private static async Task<TcpClient> ConnectAsync(IPEndPoint to)
    {
        var c = new TcpClient(AddressFamily.InterNetwork);
        await c.ConnectAsync(to);
        return c;
    }

    private static async Task<bool> ClosedByServerAsync(TcpClient client, int timeoutMs)
    {
        var buffer = new byte[4096];
        using var cts = new CancellationTokenSource(timeoutMs);
        try
        {
            // The socket, not GetStream(): after a failed write TcpClient refuses to hand out its stream.
            while (await client.Client.ReceiveAsync(buffer, SocketFlags.None, cts.Token) > 0) { }
            return true;
        }
        catch (SocketException) { return true; } // reset by the server
        catch (OperationCanceledException) { return false; }
    }

    [Test]
    public async Task Garbage_datagrams_are_dropped_and_options_keep_being_answered()
    {
        var target = _server.Local(SipTransportProtocol.Udp);
        await AssertStillAnsweringAsync(async () =>
        {
            using var raw = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
            var random = new Random(42);
            for (int i = 0; i < 2000; i++)
            {
                var junk = new byte[random.Next(40, 1400)];
                random.NextBytes(junk);
                if (i % 3 == 0) Encoding.ASCII.GetBytes("INVITE sip:x SIP/2.0\r\nVia: ").CopyTo(junk, 0);
                await raw.SendAsync(junk, target);
            }
        });
        Assert.That(_server.DroppedMessages, Is.GreaterThan(1000));
    }

    [Test]
    public async Task Udp_content_length_lie_gets_400_with_the_reason()
    {
        using var raw = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var me = (IPEndPoint)raw.Client.LocalEndPoint!;
        var lie = RawRequest("OPTIONS", me, "z9hG4bKlie1").Replace("Content-Length: 0", "Content-Length: 5000", StringComparison.Ordinal);
        await raw.SendTextAsync(lie, _server.Local(SipTransportProtocol.Udp));
        var answer = await raw.ReceiveTextAsync();
        Assert.That(StatusOf(answer), Is.EqualTo(400));
        Assert.That(answer, Does.Contain("Content-Length").IgnoreCase);
        Assert.That(_serverUser.Requests.Count(t => t.Request.CallId == "raw-1"), Is.Zero);
    }

    [Test]
    public async Task Oversized_truncated_and_lying_tcp_frames_close_only_their_connection()
    {
        var target = _server.Local(SipTransportProtocol.Tcp);
        await AssertStillAnsweringAsync(async () =>
        {
            // Oversized: a Content-Length beyond the body limit closes the connection at once.
            using (var big = await ConnectAsync(target))
            {
                var me = (IPEndPoint)big.Client.LocalEndPoint!;
                var text = RawRequest("OPTIONS", me, "z9hG4bKbig", transport: "TCP").Replace("Content-Length: 0", "Content-Length: 10000000", StringComparison.Ordinal);
                await big.GetStream().WriteAsync(Encoding.ASCII.GetBytes(text));
                Assert.That(await ClosedByServerAsync(big, 2000), Is.True, "oversized");
            }
            // Headers that never end: closed when the header limit is passed.
            using (var endless = await ConnectAsync(target))
            {
                var line = Encoding.ASCII.GetBytes("X-Filler: " + new string('a', 1000) + "\r\n");
                await endless.GetStream().WriteAsync("OPTIONS sip:x SIP/2.0\r\n"u8.ToArray());
                try
                {
                    for (int i = 0; i < 100; i++) await endless.GetStream().WriteAsync(line);
                }
                catch (Exception ex) when (ex is IOException or InvalidOperationException) { } // closed under our feet
                Assert.That(await ClosedByServerAsync(endless, 2000), Is.True, "endless headers");
            }
            // Truncated: half a message, then the client goes away.
            using (var half = await ConnectAsync(target))
            {
                await half.GetStream().WriteAsync("OPTIONS sip:service@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:1;bra"u8.ToArray());
            }
            // Content-Length larger than what is sent: the message deadline closes it.
            using (var liar = await ConnectAsync(target))
            {
                var me = (IPEndPoint)liar.Client.LocalEndPoint!;
                var text = RawRequest("OPTIONS", me, "z9hG4bKliar", transport: "TCP").Replace("Content-Length: 0", "Content-Length: 100", StringComparison.Ordinal) + "short";
                await liar.GetStream().WriteAsync(Encoding.ASCII.GetBytes(text));
                Assert.That(await ClosedByServerAsync(liar, 5000), Is.True, "lying Content-Length");
            }
            // No Content-Length at all on a stream (§18.3 makes it mandatory).
            using (var none = await ConnectAsync(target))
            {
                var me = (IPEndPoint)none.Client.LocalEndPoint!;
                var text = RawRequest("OPTIONS", me, "z9hG4bKnone", transport: "TCP").Replace("Content-Length: 0\r\n", "", StringComparison.Ordinal);
                await none.GetStream().WriteAsync(Encoding.ASCII.GetBytes(text));
                Assert.That(await ClosedByServerAsync(none, 2000), Is.True, "missing Content-Length");
            }
        });
        Assert.That(_serverUser.Requests.Count(t => t.Request.CallId == "raw-1"), Is.Zero, "none of the broken frames reached the TU");
        await WaitUntil(() => _server.ConnectionCount <= 1); // only the prober's connection is left
    }

    [Test]
    public async Task Tcp_client_trickling_one_byte_a_second_is_dropped_at_the_message_deadline()
    {
        var target = _server.Local(SipTransportProtocol.Tcp);
        var elapsed = TimeSpan.Zero;
        await AssertStillAnsweringAsync(async () =>
        {
            using var slow = await ConnectAsync(target);
            var started = DateTime.UtcNow;
            var closedAt = TimeSpan.Zero;
            foreach (var b in "OPTIONS sip:service@127.0.0.1 SIP/2.0\r\n"u8.ToArray())
            {
                try
                {
                    await slow.GetStream().WriteAsync(new[] { b });
                }
                catch (Exception ex) when (ex is IOException or InvalidOperationException)
                {
                    break;
                }
                if (await ClosedByServerAsync(slow, 1000)) break;
            }
            elapsed = DateTime.UtcNow - started;
        });
        // Deadline 2 s + a 200 ms sweep; one byte per second.
        Assert.That(elapsed, Is.LessThan(TimeSpan.FromSeconds(4.5)));
        Assert.That(elapsed, Is.GreaterThan(TimeSpan.FromSeconds(1.5)));
    }

    [Test]
    public async Task Connections_beyond_the_limit_are_refused_and_released_ones_free_slots()
    {
        var target = _server.Local(SipTransportProtocol.Tcp);
        var clients = new List<TcpClient>();
        try
        {
            await AssertStillAnsweringAsync(async () =>
            {
                for (int i = 0; i < 60; i++) clients.Add(await ConnectAsync(target));
                await WaitUntil(() => _server.ConnectionCount == 20);
                // Refused ones are closed right after accept; the accepted 20 stay open (2 s window, in parallel).
                var closed = await Task.WhenAll(clients.Select(c => ClosedByServerAsync(c, 2000)));
                var refused = closed.Count(x => x);
                Assert.That(refused, Is.GreaterThanOrEqualTo(41), "20 slots, one of them the prober's");
                foreach (var c in clients) c.Dispose();
                await WaitUntil(() => _server.ConnectionCount <= 1);
            });
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
        var r = await _prober.SendRequestAsync(Request("OPTIONS"), _server.Destination(SipTransportProtocol.Tcp));
        Assert.That(r.StatusCode, Is.EqualTo(200));
    }

    [Test]
    public async Task Idle_connections_are_closed_and_tables_drain_so_memory_stays_bounded()
    {
        var target = _server.Local(SipTransportProtocol.Tcp);
        long before = GC.GetTotalMemory(forceFullCollection: true);
        for (int round = 0; round < 5; round++)
        {
            var batch = new List<TcpClient>();
            for (int i = 0; i < 15; i++) batch.Add(await ConnectAsync(target));
            foreach (var c in batch)
            {
                var me = (IPEndPoint)c.Client.LocalEndPoint!;
                await c.GetStream().WriteAsync(Encoding.ASCII.GetBytes(RawRequest("OPTIONS", me, "z9hG4bKmem" + round + "x" + me.Port, transport: "TCP")));
            }
            foreach (var c in batch) c.Dispose();
        }
        await WaitUntil(() => _server.ConnectionCount <= 1 && _server.ServerTransactionCount == 0, 10_000); // the prober's may stay
        long after = GC.GetTotalMemory(forceFullCollection: true);
        Assert.That(after - before, Is.LessThan(8 * 1024 * 1024), "no per-connection memory left behind");

        // A connection that just sits there is closed by the idle timeout (5 s here).
        using var idle = await ConnectAsync(target);
        Assert.That(await ClosedByServerAsync(idle, 8000), Is.True);
    }
}
