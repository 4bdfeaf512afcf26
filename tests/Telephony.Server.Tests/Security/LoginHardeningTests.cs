using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Telephony.Server.Http;

namespace Telephony.Server.Tests.Security;

/// <summary>Issue 10, finding 2: the anonymous login took any body size and logged the user name verbatim.</summary>
public sealed class LoginHardeningTests
{
    [Test]
    public async Task A_huge_login_body_is_refused_before_it_is_read()
    {
        await using var factory = new WebApplicationFactory<Program>();
        using var client = factory.CreateClient();
        var name = new string('a', 2 * 1024 * 1024);
        using var body = new StringContent($"{{\"username\":\"{name}\",\"password\":\"x\"}}", Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("/api/auth/token", UriKind.Relative), body);
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }

    [Test]
    public async Task A_user_name_cannot_forge_or_flood_log_lines()
    {
        var lines = new ConcurrentQueue<string>();
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            b.ConfigureLogging(l => l.AddProvider(new CapturingProvider(lines))));
        using var client = factory.CreateClient();
        var forged = "mallory\r\nINFO User admin (admin) logged in\u202E" + new string('x', 2000);
        using var response = await client.PostAsJsonAsync(new Uri("/api/auth/token", UriKind.Relative), new { username = forged, password = "wrong" });
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        var failed = lines.Single(l => l.StartsWith("Failed login", StringComparison.Ordinal));
        Assert.That(failed, Does.Not.Contain("\r").And.Not.Contain("\n").And.Not.Contain("\u202E"));
        Assert.That(failed, Does.Contain("mallory\\u000d\\u000aINFO").And.Contain("chars)"));
        Assert.That(failed.Length, Is.LessThan(300));
    }

    [TestCase("agent1001", "agent1001")]
    [TestCase(null, "(none)")]
    [TestCase("a\u2066b\u0007", "a\\u2066b\\u0007")]
    public void Log_text_is_kept_when_clean_and_escaped_when_not(string? input, string expected) =>
        Assert.That(LogText.Safe(input), Is.EqualTo(expected));

    private sealed class CapturingProvider(ConcurrentQueue<string> lines) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Capturing(lines);

        public void Dispose()
        {
        }

        private sealed class Capturing(ConcurrentQueue<string> lines) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                lines.Enqueue(formatter(state, exception));
        }
    }
}
