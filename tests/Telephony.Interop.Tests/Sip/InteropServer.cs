using Microsoft.Extensions.Logging;

namespace Telephony.Interop.Tests.Sip;

/// <summary>Our server's SIP host, started directly (no HTTP) on OS-assigned loopback ports with a few known seats.</summary>
internal sealed class InteropServer : IAsyncDisposable
{
    public const string Password1001 = "0300"; // inside svcrack's 0000-9999 range on purpose
    public const string Password1002 = "pw-1002-interop";

    private InteropServer(SipServerHost host, InMemoryLocationStore locations, ILoggerFactory loggers)
    {
        Host = host;
        Locations = locations;
        Loggers = loggers;
    }

    public SipServerHost Host { get; }

    public InMemoryLocationStore Locations { get; }

    public ILoggerFactory Loggers { get; }

    public int Port(SipTransportProtocol protocol) => Host.LocalEndPoints.First(e => e.Protocol == protocol).EndPoint.Port;

    /// <summary>Starts the host. baresip 1.0 (Debian 12) only copes with MD5-only challenge sets, hence the default here.</summary>
    public static async Task<InteropServer> StartAsync(int authMaxFailures = 5, string listen = "127.0.0.1:0", string digestAlgorithms = "MD5")
    {
        var loggers = LoggerFactory.Create(b => b.AddProvider(new ProgressLoggerProvider()).SetMinimumLevel(LogLevel.Information));
        var options = new SipServerOptions { Udp = listen, Tcp = listen, Domain = "telephony.local", AuthMaxFailures = authMaxFailures, DigestAlgorithms = digestAlgorithms };
        var seats = new SeatDirectory(new Dictionary<string, string> { ["1001"] = Password1001, ["1002"] = Password1002 });
        var locations = new InMemoryLocationStore();
        var host = new SipServerHost(options, seats, locations, loggers, TimeProvider.System);
        await host.StartAsync(CancellationToken.None);
        return new InteropServer(host, locations, loggers);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync(CancellationToken.None);
        await Host.DisposeAsync();
        Loggers.Dispose();
    }
}

/// <summary>Writes log lines to the NUnit progress stream (visible in test output).</summary>
internal sealed class ProgressLoggerProvider : ILoggerProvider
{
    public ILogger CreateLogger(string categoryName) => new ProgressLogger(categoryName);

    public void Dispose()
    {
    }

    private sealed class ProgressLogger(string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            TestContext.Progress.WriteLine($"[{logLevel}] {category.Split('.')[^1]}: {formatter(state, exception)}{(exception is null ? "" : " " + exception.Message)}");
    }
}
