using Microsoft.Extensions.Logging;

using System.Collections.Concurrent;

namespace Telephony.Server.Tests.Agents;

/// <summary>Every log line the server writes (level, category, text, exception), for tests that check what an operator would read.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    public ConcurrentQueue<(LogLevel Level, string Category, string Text, Exception? Exception)> Lines { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Capturing(this, categoryName);

    /// <summary>The lines with an exception attached (what a log shows as a stack trace).</summary>
    public IReadOnlyList<string> WithStackTraces(LogLevel atLeast = LogLevel.Information) =>
        [.. Lines.Where(l => l.Exception is not null && l.Level >= atLeast).Select(l => $"{l.Level} {l.Category}: {l.Text} -- {l.Exception!.GetType().Name}: {l.Exception.Message}")];

    public void Dispose()
    {
    }

    private sealed class Capturing(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Lines.Enqueue((logLevel, category, formatter(state, exception), exception));
    }
}
