using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Telephony.Server.Security;

namespace Telephony.Server.Tests.Security;

/// <summary>Issue 10, finding 7: the shipped demo passwords started silently in any environment.</summary>
[CancelAfter(60_000)]
public sealed class DemoCredentialsTests
{
    [Test]
    public async Task Outside_Development_the_demo_passwords_stop_the_start_naming_the_flag()
    {
        await using var server = new TelephonyTestServer(new TelephonyTestServerOptions
        {
            Settings = new Dictionary<string, string> { ["environment"] = "Production" },
        });
        var refused = Assert.Catch(() => server.Factory.CreateClient());
        Assert.That(refused!.ToString(), Does.Contain("Security:AllowDemoCredentials=true").And.Contain("Demo credentials are active"));
    }

    [Test]
    public async Task With_the_flag_it_starts_and_warns_once_per_demo_account()
    {
        var lines = new ConcurrentQueue<(LogLevel Level, int Id, string Text)>();
        await using var server = new TelephonyTestServer(new TelephonyTestServerOptions
        {
            Seats = new Dictionary<string, string> { ["1001"] = "demo-shipped1", ["1002"] = "a-real-secret" },
            Settings = new Dictionary<string, string> { ["environment"] = "Production", ["Security:AllowDemoCredentials"] = "true" },
            TestServices = s => s.AddSingleton<ILoggerProvider>(new Capture(lines)),
        });
        using var client = server.Factory.CreateClient();
        using var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));

        var demoUsers = server.Service<UserDirectory>().DemoAccounts;
        var warnings = lines.Where(l => l.Id == 7110).ToList();
        Assert.Multiple(() =>
        {
            Assert.That(demoUsers, Has.Count.EqualTo(70), "the shipped users file");
            Assert.That(warnings, Has.Count.EqualTo(demoUsers.Count + 1), "each demo user and the one demo seat");
            Assert.That(warnings, Has.All.Matches<(LogLevel Level, int Id, string Text)>(w => w.Level == LogLevel.Warning));
            Assert.That(warnings.Select(w => w.Text), Has.One.Contains("seat 1001").And.None.Contains("seat 1002"));
        });
    }

    [Test]
    public async Task Outside_Development_real_credentials_start_without_the_flag()
    {
        var folder = Directory.CreateTempSubdirectory("telephony-users-").FullName;
        try
        {
            var users = Path.Combine(folder, "users.json");
            await File.WriteAllTextAsync(users, JsonSerializer.Serialize(new
            {
                users = new[] { new { name = "admin", role = "admin", passwordHash = PasswordHasher.Hash("s3cret", 1000) } },
            }));
            await using var server = new TelephonyTestServer(new TelephonyTestServerOptions
            {
                Seats = new Dictionary<string, string> { ["1001"] = "a-real-secret" },
                Settings = new Dictionary<string, string> { ["environment"] = "Production", ["Security:UsersFile"] = users },
            });
            using var client = server.Factory.CreateClient();
            using var health = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
            Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed class Capture(ConcurrentQueue<(LogLevel, int, string)> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(lines);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<(LogLevel, int, string)> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue((logLevel, eventId.Id, formatter(state, exception)));
        }
    }
}
