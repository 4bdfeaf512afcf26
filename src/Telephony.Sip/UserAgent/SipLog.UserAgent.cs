using Microsoft.Extensions.Logging;
using Telephony.Sip.UserAgent;

namespace Telephony.Sip;

// User agent events: EventIds 1200–1399 (ranges of the other areas: SipLog.cs).
// Calls 1200–1299, next free 1207; UA core 1300–1349, next free 1303; registration 1350–1399, next free 1352.
internal static partial class SipLog
{
    // ---------------- calls (SipCall)

    [LoggerMessage(EventId = 1200, Level = LogLevel.Debug, Message = "Call {CallId}: event after the call closed dropped")]
    public static partial void CallEventAfterClose(this ILogger logger, string callId);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Error, Message = "Call {CallId}: handling an event failed")]
    public static partial void CallWorkFailed(this ILogger logger, Exception exception, string callId);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Call {CallId}: event buffer full, oldest event dropped for {Event}")]
    public static partial void CallEventDropped(this ILogger logger, string callId, string @event);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Information, Message = "Call {CallId} ended: {Reason} {Code} {Detail}")]
    public static partial void CallEnd(this ILogger logger, string callId, CallEndReason reason, int code, string detail);

    [LoggerMessage(EventId = 1204, Level = LogLevel.Information, Message = "Call {CallId}: extra 2xx from fork {Tag}: ACK and BYE")]
    public static partial void CallExtraDialog(this ILogger logger, string callId, string tag);

    [LoggerMessage(EventId = 1205, Level = LogLevel.Warning, Message = "Call {CallId}: {Problem}")]
    public static partial void CallBadMessage(this ILogger logger, string callId, string problem);

    [LoggerMessage(EventId = 1206, Level = LogLevel.Warning, Message = "Call {CallId}: sending {Method} failed: {Reason}")]
    public static partial void CallSendFailed(this ILogger logger, string callId, string method, string reason);

    // ---------------- UA core (SipUserAgent)

    [LoggerMessage(EventId = 1300, Level = LogLevel.Information, Message = "{Method} refused by the UAS checks: {Verdict}")]
    public static partial void RequestRefused(this ILogger logger, string method, string verdict);

    [LoggerMessage(EventId = 1301, Level = LogLevel.Debug, Message = "{Code} to {Method} not sent: the transaction has moved on")]
    public static partial void ResponseNotSent(this ILogger logger, int code, string method);

    [LoggerMessage(EventId = 1302, Level = LogLevel.Warning, Message = "{Code} to {Method} could not be built: {Reason}")]
    public static partial void ResponseNotBuilt(this ILogger logger, int code, string method, string reason);

    // ---------------- registration (SipRegistration)

    [LoggerMessage(EventId = 1350, Level = LogLevel.Warning, Message = "Registration at {Registrar} refused: {Code} {Reason}")]
    public static partial void RegistrationRefused(this ILogger logger, string registrar, int code, string reason);

    [LoggerMessage(EventId = 1351, Level = LogLevel.Warning, Message = "Registration at {Registrar} failed: {Reason}")]
    public static partial void RegistrationFailed(this ILogger logger, string registrar, string reason);
}
