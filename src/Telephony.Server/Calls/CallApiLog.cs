namespace Telephony.Server.Calls;

// Telephony.Server's EventIds 7000-7199 are mapped in Sip/SipHostLog.cs. This file owns 7120-7139.
// Ids are stable: never renumber or reuse one; add at the end. Next free id: 7121.

/// <summary>The call API's log events.</summary>
internal static partial class CallApiLog
{
    [LoggerMessage(EventId = 7120, Level = LogLevel.Warning, Message = "Supervision request on call {CallId} refused: {Reason}")] public static partial void SupervisionRefused(ILogger logger, string callId, string reason);
}
