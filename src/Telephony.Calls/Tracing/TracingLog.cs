using Microsoft.Extensions.Logging;

namespace Telephony.Calls.Tracing;

/// <summary>Log lines of calls' traces (EventIds 7250-7259; next free: 7253).</summary>
internal static partial class TracingLog
{
    [LoggerMessage(EventId = 7250, Level = LogLevel.Warning, Message = "Trace of call {CallId} could not be saved")] public static partial void SaveFailed(ILogger logger, Exception e, string callId);
    [LoggerMessage(EventId = 7251, Level = LogLevel.Warning, Message = "Call {CallId} is not traced: {Max} calls' traces held (Calls:TraceMaxCalls); {Suppressed} more since the last such line")] public static partial void Untraced(ILogger logger, string callId, int max, long suppressed);
    [LoggerMessage(EventId = 7252, Level = LogLevel.Error, Message = "SIP trace tap failed on a message")] public static partial void TapFailed(ILogger logger, Exception e);
}
