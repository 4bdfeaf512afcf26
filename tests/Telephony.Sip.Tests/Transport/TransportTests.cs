using Microsoft.Extensions.Logging.Abstractions;

namespace Telephony.Sip.Tests.Transport;

/// <summary>Byte-level transport tests: the sink sees framed bytes, no parsing.</summary>
[CancelAfter(30_000)]
public class TransportTests
{
    private sealed class RecordingSink : ISipTransportSink
    {
        public ConcurrentQueue<(SipFlow Flow, string Text)> Messages { get; } = new();
        public ConcurrentQueue<string> StreamErrors { get; } = new();
        public void OnMessage(in SipFlow flow, ReadOnlySpan<byte> message) => Messages.Enqueue((flow, Encoding.UTF8.GetString(message)));
        public void OnStreamError(in SipFlow flow, string reason) => StreamErrors.Enqueue(reason);
    }

    /// <summary>A transport manager listening on one loopback port, with its sink and timers; disposes both.</summary>
    private sealed class Listening(SipTransportManager manager, RecordingSink sink, SipTimerQueue timers) : IAsyncDisposable
    {
        public void Deconstruct(out SipTransportManager transport, out RecordingSink received, out IPEndPoint bound) =>
            (transport, received, bound) = (manager, sink, manager.BoundEndPoints[0].EndPoint);

        public async ValueTask DisposeAsync()
        {
            timers.Dispose();
            await manager.DisposeAsync();
        }
    }

    private static async Task<Listening> ListenAsync(SipTransportProtocol protocol, SipTransportOptions? options = null)
    {
        var sink = new RecordingSink();
        var timers = new SipTimerQueue();
        var manager = new SipTransportManager(sink, SipParserOptions.Default, options ?? new SipTransportOptions(), timers, NullLogger.Instance);
        manager.Listen(new SipListenEndpoint(protocol, new IPEndPoint(IPAddress.Loopback, 0)));
        await Task.Yield();
        return new Listening(manager, sink, timers);
    }

    private static async Task WaitUntil(Func<bool> condition, int timeoutMs = 5000)
    {
        var until = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail("condition not met in time");
            await Task.Delay(10);
        }
    }

    [Test]
    public void Listen_list_parses_prefixes_and_bare_entries()
    {
        var list = SipListenEndpoint.ParseList("udp:127.0.0.1:5060, tcp:[::1]:5070 0.0.0.0:0");
        Assert.That(list, Has.Count.EqualTo(4));
        Assert.That(list[0], Is.EqualTo(new SipListenEndpoint(SipTransportProtocol.Udp, IPEndPoint.Parse("127.0.0.1:5060"))));
        Assert.That(list[1].EndPoint.Port, Is.EqualTo(5070));
        Assert.That(list[2].Protocol, Is.EqualTo(SipTransportProtocol.Udp));
        Assert.That(list[3].Protocol, Is.EqualTo(SipTransportProtocol.Tcp));
        Assert.Throws<FormatException>(() => SipListenEndpoint.ParseList("udp:localhost:5060"));
        Assert.Throws<FormatException>(() => SipListenEndpoint.ParseList("127.0.0.1"));
    }

    [Test]
    public async Task Udp_datagram_reaches_the_sink_with_the_bound_port_and_the_source()
    {
        await using var listening = await ListenAsync(SipTransportProtocol.Udp);
        var (manager, sink, bound) = listening;
        Assert.That(bound.Port, Is.Not.Zero);
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        for (int i = 0; i < 3; i++) await client.SendAsync(Encoding.ASCII.GetBytes($"hello {i}"), bound);
        await WaitUntil(() => sink.Messages.Count == 3);
        Assert.That(sink.Messages.Select(m => m.Text), Is.EquivalentTo(new[] { "hello 0", "hello 1", "hello 2" }));
        var flow = sink.Messages.First().Flow;
        Assert.That(flow.Remote, Is.EqualTo(client.Client.LocalEndPoint));
        Assert.That(flow.Protocol, Is.EqualTo(SipTransportProtocol.Udp));

        await manager.SendAsync(flow, "reply"u8.ToArray(), CancellationToken.None);
        var reply = await client.ReceiveAsync();
        Assert.That(Encoding.ASCII.GetString(reply.Buffer), Is.EqualTo("reply"));
        Assert.That(reply.RemoteEndPoint, Is.EqualTo(bound));
    }

    [Test]
    public async Task Tcp_frames_pipelined_and_split_messages_answers_keepalive_and_reuses_the_connection()
    {
        await using var listening = await ListenAsync(SipTransportProtocol.Tcp);
        var (manager, sink, bound) = listening;
        using var client = new TcpClient();
        await client.ConnectAsync(bound);
        var stream = client.GetStream();
        const string M1 = "A\r\nContent-Length: 3\r\n\r\nabc";
        const string M2 = "B\r\nContent-Length: 0\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes("\r\n" + M1 + M2 + "C\r\nContent-"));
        await WaitUntil(() => sink.Messages.Count == 2);
        await stream.WriteAsync(Encoding.ASCII.GetBytes("Length: 1\r\n\r\nx"));
        await WaitUntil(() => sink.Messages.Count == 3);
        Assert.That(sink.Messages.Select(m => m.Text), Is.EqualTo(new[] { M1, M2, "C\r\nContent-Length: 1\r\n\r\nx" }));

        // RFC 5626 §4.4.1: CRLFCRLF ping → CRLF pong.
        await stream.WriteAsync("\r\n\r\n"u8.ToArray());
        var pong = new byte[2];
        await stream.ReadExactlyAsync(pong);
        Assert.That(pong, Is.EqualTo("\r\n"u8.ToArray()));

        // Sending to the peer reuses the connection it opened.
        var flow = await manager.GetFlowAsync(SipDestination.Tcp((IPEndPoint)client.Client.LocalEndPoint!), CancellationToken.None);
        Assert.That(flow, Is.EqualTo(sink.Messages.First().Flow));
        await manager.SendAsync(flow, "out"u8.ToArray(), CancellationToken.None);
        var got = new byte[3];
        await stream.ReadExactlyAsync(got);
        Assert.That(got, Is.EqualTo("out"u8.ToArray()));
        Assert.That(manager.Tcp.ConnectionCount, Is.EqualTo(1));
    }

    [Test]
    public async Task Tcp_keepalive_ping_split_across_reads_still_gets_one_pong_and_lone_crlf_does_not()
    {
        var options = new SipTransportOptions { MessageCompletionTimeout = TimeSpan.FromMilliseconds(300), HousekeepingInterval = TimeSpan.FromMilliseconds(50) };
        await using var listening = await ListenAsync(SipTransportProtocol.Tcp, options);
        var (manager, sink, bound) = listening;
        using var client = new TcpClient();
        await client.ConnectAsync(bound);
        var stream = client.GetStream();
        await stream.WriteAsync("\r\n"u8.ToArray());
        await Task.Delay(100);
        await stream.WriteAsync("\r\n"u8.ToArray());
        var pong = new byte[2];
        await stream.ReadExactlyAsync(pong);
        Assert.That(pong, Is.EqualTo("\r\n"u8.ToArray()));
        // A lone CRLF (e.g. a peer's pong) waits quietly: no deadline, no pong, the connection stays.
        await stream.WriteAsync("\r\n"u8.ToArray());
        await Task.Delay(600);
        Assert.That(manager.Tcp.ConnectionCount, Is.EqualTo(1));
        Assert.That(client.Available, Is.Zero);
        Assert.That(sink.Messages, Is.Empty);
    }

    [Test]
    public async Task Tcp_oversized_or_unframeable_stream_is_closed()
    {
        var options = new SipTransportOptions { MaxMessageSize = 2048 };
        await using var listening = await ListenAsync(SipTransportProtocol.Tcp, options);
        var (manager, sink, bound) = listening;

        using (var big = new TcpClient())
        {
            await big.ConnectAsync(bound);
            try { await big.GetStream().WriteAsync(Encoding.ASCII.GetBytes("X\r\nContent-Length: 100000\r\n\r\n" + new string('a', 4000))); }
            catch (IOException) { } // the server may already have closed it
            Assert.That(await ReadToEndAsync(big), Is.Zero);
        }
        using (var noLength = new TcpClient())
        {
            await noLength.ConnectAsync(bound);
            await noLength.GetStream().WriteAsync("X\r\nFoo: bar\r\n\r\n"u8.ToArray());
            Assert.That(await ReadToEndAsync(noLength), Is.Zero);
        }
        await WaitUntil(() => manager.Tcp.ConnectionCount == 0);
        Assert.That(sink.StreamErrors, Has.Count.EqualTo(2));
        Assert.That(sink.Messages, Is.Empty);
    }

    [Test]
    public async Task Tcp_trickling_client_is_dropped_after_the_message_deadline()
    {
        var options = new SipTransportOptions { MessageCompletionTimeout = TimeSpan.FromSeconds(1), HousekeepingInterval = TimeSpan.FromMilliseconds(100) };
        await using var listening = await ListenAsync(SipTransportProtocol.Tcp, options);
        var (manager, _, bound) = listening;
        using var client = new TcpClient();
        await client.ConnectAsync(bound);
        var stream = client.GetStream();
        var started = DateTime.UtcNow;
        var closed = false;
        foreach (var b in "OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/TCP"u8.ToArray())
        {
            try
            {
                await stream.WriteAsync(new[] { b });
                await Task.Delay(250);
            }
            catch (IOException) { closed = true; break; }
            if (manager.Tcp.ConnectionCount == 0) { closed = true; break; }
        }
        Assert.That(closed, Is.True);
        Assert.That(DateTime.UtcNow - started, Is.LessThan(TimeSpan.FromSeconds(4)));
    }

    [Test]
    public async Task Tcp_connections_beyond_the_limit_are_refused()
    {
        var options = new SipTransportOptions { MaxConnections = 3 };
        await using var listening = await ListenAsync(SipTransportProtocol.Tcp, options);
        var (manager, _, bound) = listening;
        var clients = new List<TcpClient>();
        try
        {
            for (int i = 0; i < 6; i++)
            {
                var c = new TcpClient();
                clients.Add(c);
                await c.ConnectAsync(bound);
            }
            await WaitUntil(() => manager.Tcp.RejectedConnections == 3);
            Assert.That(manager.Tcp.ConnectionCount, Is.EqualTo(3));
            foreach (var c in clients.Take(3)) c.Dispose();
            await WaitUntil(() => manager.Tcp.ConnectionCount == 0);
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
    }

    [Test]
    public async Task One_address_cannot_hold_more_than_its_share_of_tcp_connections()
    {
        // Default options: 1,024 connections in all, 32 per address. The old code let 127.0.0.1 take all 40.
        var defaults = new SipTransportOptions();
        await using var listening = await ListenAsync(SipTransportProtocol.Tcp);
        var (manager, _, bound) = listening;
        var clients = new List<TcpClient>();
        try
        {
            for (int i = 0; i < defaults.MaxConnectionsPerAddress + 8; i++)
            {
                clients.Add(await ConnectFromAsync(IPAddress.Loopback, bound));
            }
            await WaitUntil(() => manager.Tcp.RejectedPerAddress == 8);
            Assert.That(manager.Tcp.ConnectionCount, Is.EqualTo(defaults.MaxConnectionsPerAddress));
            // Another address is still welcome, and a slot freed by a close is free again.
            clients.Add(await ConnectFromAsync(IPAddress.Parse("127.0.0.2"), bound));
            await WaitUntil(() => manager.Tcp.ConnectionCount == defaults.MaxConnectionsPerAddress + 1);
            clients[0].Dispose();
            await WaitUntil(() => manager.Tcp.ConnectionCount == defaults.MaxConnectionsPerAddress);
            clients.Add(await ConnectFromAsync(IPAddress.Loopback, bound));
            await WaitUntil(() => manager.Tcp.ConnectionCount == defaults.MaxConnectionsPerAddress + 1);
            Assert.That(manager.Tcp.RejectedPerAddress, Is.EqualTo(8));
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
    }

    [Test]
    public async Task An_exempt_address_may_open_more_connections_than_the_per_address_limit()
    {
        var options = new SipTransportOptions { MaxConnectionsPerAddress = 2, ExemptFromPerAddressLimit = a => a.Equals(IPAddress.Loopback) };
        await using var listening = await ListenAsync(SipTransportProtocol.Tcp, options);
        var (manager, _, bound) = listening;
        var clients = new List<TcpClient>();
        try
        {
            for (int i = 0; i < 5; i++) clients.Add(await ConnectFromAsync(IPAddress.Loopback, bound));
            for (int i = 0; i < 3; i++) clients.Add(await ConnectFromAsync(IPAddress.Parse("127.0.0.3"), bound));
            await WaitUntil(() => manager.Tcp.ConnectionCount == 7 && manager.Tcp.RejectedPerAddress == 1);
        }
        finally
        {
            foreach (var c in clients) c.Dispose();
        }
    }

    private static async Task<TcpClient> ConnectFromAsync(IPAddress source, IPEndPoint server)
    {
        var client = new TcpClient(new IPEndPoint(source, 0));
        try
        {
            await client.ConnectAsync(server);
        }
        catch (SocketException)
        {
            // A refused connection is reset at once; on loopback the reset can beat the connect's completion.
        }
        return client;
    }

    private static async Task<int> ReadToEndAsync(TcpClient client)
    {
        var buffer = new byte[1024];
        int total = 0;
        try
        {
            int n;
            while ((n = await client.Client.ReceiveAsync(buffer, SocketFlags.None)) > 0) total += n;
        }
        catch (SocketException) { }
        return total;
    }
}
