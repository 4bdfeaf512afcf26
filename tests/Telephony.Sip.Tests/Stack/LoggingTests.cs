using System.Reflection;

namespace Telephony.Sip.Tests.Stack;

[CancelAfter(20_000)]
public class LoggingTests
{
    /// <summary>Records each log line with the scopes active when it was written.</summary>
    private sealed class CapturingLogger : ILogger
    {
        private readonly AsyncLocal<ImmutableStack> _scopes = new();
        public ConcurrentQueue<(LogLevel Level, string Message, string Scopes)> Lines { get; } = new();

        private sealed record ImmutableStack(object State, ImmutableStack? Next);

        public IDisposable BeginScope<TState>(TState state) where TState : notnull
        {
            var previous = _scopes.Value;
            _scopes.Value = new ImmutableStack(state, previous);
            return new Pop(() => _scopes.Value = previous!);
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new List<string>();
            for (var s = _scopes.Value; s is not null; s = s.Next) scopes.Add(s.State.ToString() ?? "");
            Lines.Enqueue((logLevel, formatter(state, exception), string.Join(" | ", scopes)));
        }

        private sealed class Pop(Action action) : IDisposable
        {
            public void Dispose() => action();
        }
    }

    [Test]
    public async Task Rejected_request_is_logged_with_its_call_id_in_scope_and_garbage_with_a_line()
    {
        var logger = new CapturingLogger();
        var options = new SipEndpointOptions();
        options.Listen.Add(new SipListenEndpoint(SipTransportProtocol.Udp, new IPEndPoint(IPAddress.Loopback, 0)));
        await using var server = new SipEndpoint(options, new AnsweringUser(), logger);
        await server.StartAsync();
        using var raw = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var me = (IPEndPoint)raw.Client.LocalEndPoint!;
        var bad = RawRequest("OPTIONS", me, "z9hG4bKlog1", callId: "log-call-42").Replace("Max-Forwards: 70", "Max-Forwards: x", StringComparison.Ordinal);
        await raw.SendTextAsync(bad, server.Local(SipTransportProtocol.Udp));
        Assert.That(StatusOf(await raw.ReceiveTextAsync()), Is.EqualTo(400));
        await raw.SendAsync("\u0001garbage"u8.ToArray(), server.Local(SipTransportProtocol.Udp));
        await WaitUntil(() => logger.Lines.Any(l => l.Message.Contains("Malformed", StringComparison.Ordinal)));

        var invalid = logger.Lines.First(l => l.Message.Contains("Invalid OPTIONS", StringComparison.Ordinal));
        Assert.That(invalid.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(invalid.Scopes, Does.Contain("log-call-42"));
        Assert.That(invalid.Message, Does.Contain("Max-Forwards"));
    }

    [Test]
    public void Every_log_event_of_the_stack_has_its_own_event_id_in_the_documented_ranges()
    {
        var ids = typeof(SipEndpoint).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .Select(a => a.EventId)
            .ToList();
        Assert.That(ids, Is.Not.Empty);
        Assert.That(ids, Is.Unique, "an EventId names one event (SipLog.cs lists the ranges)");
        Assert.That(ids, Has.All.InRange(1000, 1699));
    }
}
