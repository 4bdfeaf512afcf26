namespace Telephony.Server.Operations;

// This file owns EventIds 7140-7149 of Telephony.Server (operations: metrics, health). Next free id: 7141.

/// <summary>Log lines of the operator's endpoints.</summary>
internal static partial class OperationsLog
{
    [LoggerMessage(EventId = 7140, Level = LogLevel.Warning, Message = "Metrics: reading seats and queues failed ({Reason}); the gauges keep the last sample")] public static partial void SampleFailed(ILogger logger, string reason);
}
