using Microsoft.Extensions.Logging;

namespace Telephony.Calls.Tracing;

/// <summary>Log lines of calls' traces (EventIds 7250-7259; next free: 7255).</summary>
internal static partial class TracingLog
{
    [LoggerMessage(EventId = 7251, Level = LogLevel.Warning, Message = "Call {CallId} is not traced: {Max} calls' traces held (Calls:TraceMaxCalls); {Suppressed} more since the last such line")] public static partial void Untraced(ILogger logger, string callId, int max, long suppressed);
    [LoggerMessage(EventId = 7253, Level = LogLevel.Warning, Message = "Traces of {Count} ended calls could not be saved (the first: call {CallId})")] public static partial void BatchSaveFailed(ILogger logger, Exception e, int count, string callId);
    [LoggerMessage(EventId = 7254, Level = LogLevel.Warning, Message = "Trace of call {CallId} is not saved: {Queued} traces wait for the database; {Suppressed} more since the last such line")] public static partial void SaveQueueFull(ILogger logger, string callId, int queued, long suppressed);
    [LoggerMessage(EventId = 7252, Level = LogLevel.Error, Message = "SIP trace tap failed on a message")] public static partial void TapFailed(ILogger logger, Exception e);
}
