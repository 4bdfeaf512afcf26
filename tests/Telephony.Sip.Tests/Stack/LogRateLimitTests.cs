namespace Telephony.Sip.Tests.Stack;

[CancelAfter(20_000)]
public sealed class LogRateLimitTests
{
    private sealed class LineLogger : ILogger
    {
        public ConcurrentQueue<string> Lines { get; } = new();
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Lines.Enqueue(formatter(state, exception));
    }

    [Test]
    public void Limiter_allows_n_per_source_per_interval_then_reports_what_it_suppressed()
    {
        var clock = new FakeTimeProvider();
        var limiter = new SipLogRateLimiter(3, TimeSpan.FromSeconds(10), clock);
        var a = IPAddress.Parse("192.0.2.1");
        var b = IPAddress.Parse("192.0.2.2");
        int allowed = 0;
        for (int i = 0; i < 10; i++) { if (limiter.TryAcquire(a, out _)) allowed++; }
        Assert.That(allowed, Is.EqualTo(3));
        Assert.That(limiter.TryAcquire(b, out var fromB) && fromB == 0, Is.True, "another source has its own budget");

        clock.Advance(TimeSpan.FromSeconds(10));
        Assert.That(limiter.TryAcquire(a, out var suppressed), Is.True);
        Assert.That(suppressed, Is.EqualTo(7));
        Assert.That(limiter.TryAcquire(a, out suppressed) && suppressed == 0, Is.True, "the summary is reported once");
    }

    [Test]
    public void Limiter_memory_is_bounded_under_a_spoofed_flood()
    {
        var clock = new FakeTimeProvider();
        var limiter = new SipLogRateLimiter(2, TimeSpan.FromSeconds(10), clock, maxSources: 16);
        int allowed = 0;
        for (int i = 0; i < 10_000; i++)
        {
            if (limiter.TryAcquire(new IPAddress(0x0A000000u + (uint)i), out _)) allowed++;
        }
        Assert.That(limiter.TrackedSources, Is.LessThanOrEqualTo(16));
        Assert.That(allowed, Is.LessThanOrEqualTo((16 + 1) * 2));
    }

    [Test]
    public async Task Transport_warnings_are_bounded_too_oversized_datagrams_and_broken_tcp_frames()
    {
        var logger = new LineLogger();
        var options = new SipEndpointOptions { WarningsPerSource = 3, WarningInterval = TimeSpan.FromMinutes(1) };
        options.Transport.MaxDatagramSize = 1500;
        options.Listen.Add(new SipListenEndpoint(SipTransportProtocol.Udp, new IPEndPoint(IPAddress.Loopback, 0)));
        options.Listen.Add(new SipListenEndpoint(SipTransportProtocol.Tcp, new IPEndPoint(IPAddress.Loopback, 0)));
        await using var server = new SipEndpoint(options, new AnsweringUser(), logger);
        await server.StartAsync();

        // 30 datagrams at the size limit: each is dropped by the UDP listener, three are logged.
        using var raw = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        for (int i = 0; i < 30; i++)
        {
            await raw.SendAsync(new byte[3000], server.Local(SipTransportProtocol.Udp));
        }
        int Oversized() => logger.Lines.Count(l => l.Contains("byte limit", StringComparison.Ordinal));
        await WaitUntil(() => Oversized() >= 3);
        await Task.Delay(300);
        Assert.That(Oversized(), Is.EqualTo(3), "the UDP listener's warnings share the endpoint's per-source budget");

        // The same source's TCP framing errors: its budget is spent, so nothing more is written.
        for (int i = 0; i < 5; i++)
        {
            using var tcp = new TcpClient();
            await tcp.ConnectAsync(server.Local(SipTransportProtocol.Tcp));
            await tcp.GetStream().WriteAsync("INVITE sip:x SIP/2.0\r\nContent-Length: nonsense\r\n\r\n"u8.ToArray());
            await Task.Delay(50);
        }
        await Task.Delay(300);
        Assert.That(logger.Lines.Count(l => l.Contains("cannot frame", StringComparison.Ordinal)), Is.Zero, "no TCP framing warning beyond the source's budget");
    }

    [Test]
    public async Task Endpoint_counts_every_malformed_datagram_but_warns_only_up_to_the_limit()
    {
        var clock = new FakeTimeProvider();
        var logger = new LineLogger();
        var options = new SipEndpointOptions { WarningsPerSource = 5, WarningInterval = TimeSpan.FromMinutes(1) };
        options.Listen.Add(new SipListenEndpoint(SipTransportProtocol.Udp, new IPEndPoint(IPAddress.Loopback, 0)));
        await using var server = new SipEndpoint(options, new AnsweringUser(), logger, clock);
        await server.StartAsync();
        using var raw = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        for (int i = 0; i < 40; i++)
        {
            await raw.SendAsync("\u0001garbage"u8.ToArray(), server.Local(SipTransportProtocol.Udp));
        }
        // The drop is counted before its warning is written (and two receive loops run), so wait
        // for both before counting; the counts themselves stay exact.
        int Malformed() => logger.Lines.Count(l => l.Contains("Malformed", StringComparison.Ordinal));
        await WaitUntil(() => server.DroppedMessages == 40 && Malformed() >= 5);
        await Task.Delay(100);
        Assert.That(Malformed(), Is.EqualTo(5));

        clock.Advance(TimeSpan.FromMinutes(1));
        await raw.SendAsync("\u0001garbage"u8.ToArray(), server.Local(SipTransportProtocol.Udp));
        await WaitUntil(() => server.DroppedMessages == 41 && Malformed() >= 6);
        await Task.Delay(100);
        Assert.That(Malformed(), Is.EqualTo(6));
        Assert.That(logger.Lines.Count(l => l.Contains("Suppressed 35 further warnings", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    [Test]
    public async Task Rejected_requests_are_all_answered_but_logged_within_the_source_budget()
    {
        // Issue 10, finding 8: 200k bad messages wrote 195k lines (every stateless 400 logged its own line).
        var logger = new LineLogger();
        var options = new SipEndpointOptions { WarningsPerSource = 5, WarningInterval = TimeSpan.FromMinutes(1) };
        options.Listen.Add(new SipListenEndpoint(SipTransportProtocol.Udp, new IPEndPoint(IPAddress.Loopback, 0)));
        await using var server = new SipEndpoint(options, new AnsweringUser(), logger);
        await server.StartAsync();
        using var raw = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var from = (IPEndPoint)raw.Client.LocalEndPoint!;
        for (int i = 0; i < 200; i++)
        {
            var bad = RawRequest("OPTIONS", from, $"z9hG4bKbad{i}", callId: $"bad-{i}").Replace("Max-Forwards: 70", "Max-Forwards: lots", StringComparison.Ordinal);
            await raw.SendTextAsync(bad, server.Local(SipTransportProtocol.Udp));
        }
        await WaitUntil(() => server.DroppedMessages == 200);
        Assert.That(StatusOf(await raw.ReceiveTextAsync()), Is.EqualTo(400), "each is still answered");
        await Task.Delay(200);
        var rejections = logger.Lines.Where(l => !l.StartsWith("SIP listening", StringComparison.Ordinal)).ToList();
        Assert.That(rejections, Has.Count.LessThanOrEqualTo(2 * 5), string.Join("\n", rejections.Take(20)));
    }
}
