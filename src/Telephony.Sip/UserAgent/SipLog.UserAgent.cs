using Microsoft.Extensions.Logging;
using Telephony.Sip.UserAgent;

namespace Telephony.Sip;

// User agent events: EventIds 1200–1399 (ranges of the other areas: SipLog.cs).
// Calls 1200–1299, next free 1207; UA core 1300–1349, next free 1307; registration 1350–1399, next free 1352;
// (transfers: 1306).
internal static partial class SipLog
{
    // ---------------- calls (SipCall)

    [LoggerMessage(1200, LogLevel.Debug, "Call {CallId}: event after the call closed dropped")] public static partial void CallEventAfterClose(this ILogger logger, string callId);
    [LoggerMessage(1201, LogLevel.Error, "Call {CallId}: handling an event failed")] public static partial void CallWorkFailed(this ILogger logger, Exception exception, string callId);
    [LoggerMessage(1202, LogLevel.Warning, "Call {CallId}: event buffer full, oldest event dropped for {Event}")] public static partial void CallEventDropped(this ILogger logger, string callId, string @event);
    [LoggerMessage(1203, LogLevel.Debug, "Call {CallId} ended: {Reason} {Code} {Detail}")] public static partial void CallEnd(this ILogger logger, string callId, CallEndReason reason, int code, string detail);
    [LoggerMessage(1204, LogLevel.Information, "Call {CallId}: extra 2xx from fork {Tag}: ACK and BYE")] public static partial void CallExtraDialog(this ILogger logger, string callId, string tag);
    [LoggerMessage(1205, LogLevel.Warning, "Call {CallId}: {Problem}")] public static partial void CallBadMessage(this ILogger logger, string callId, string problem);
    [LoggerMessage(1206, LogLevel.Warning, "Call {CallId}: sending {Method} failed: {Reason}")] public static partial void CallSendFailed(this ILogger logger, string callId, string method, string reason);

    // ---------------- UA core (SipUserAgent)

    [LoggerMessage(1300, LogLevel.Information, "{Method} refused by the UAS checks: {Verdict}")] public static partial void RequestRefused(this ILogger logger, string method, string verdict);
    [LoggerMessage(1301, LogLevel.Debug, "{Code} to {Method} not sent: the transaction has moved on")] public static partial void ResponseNotSent(this ILogger logger, int code, string method);
    [LoggerMessage(1302, LogLevel.Warning, "{Code} to {Method} could not be built: {Reason}")] public static partial void ResponseNotBuilt(this ILogger logger, int code, string method, string reason);
    [LoggerMessage(1304, LogLevel.Warning, "INVITE from {Source} refused with 503: the application has no capacity for another call ({Live} live incoming calls)")] public static partial void CallRefusedNoCapacity(this ILogger logger, int live, System.Net.IPAddress source);
    [LoggerMessage(1305, LogLevel.Warning, "INVITE from {Source} refused with 503: the application is not answering calls as fast as they come ({Waiting} waiting to be answered, {Live} live incoming calls)")] public static partial void CallRefusedAcceptQueueFull(this ILogger logger, int waiting, int live, System.Net.IPAddress source);
    [LoggerMessage(1303, LogLevel.Warning, "INVITE from {Source} refused with 503: {Live} live incoming calls, Sip:MaxCalls is {Max}")] public static partial void CallRefusedOverloaded(this ILogger logger, int live, int max, System.Net.IPAddress source);

    // ---------------- transfers (REFER, RFC 3515): in the UA core range (1306)

    [LoggerMessage(1306, LogLevel.Warning, "Call {CallId}: REFER to {Target} refused with 403: {Reason}")] public static partial void TransferRefused(this ILogger logger, string callId, string target, string reason);

    // ---------------- registration (SipRegistration)

    [LoggerMessage(1350, LogLevel.Warning, "Registration at {Registrar} refused: {Code} {Reason}")] public static partial void RegistrationRefused(this ILogger logger, string registrar, int code, string reason);
    [LoggerMessage(1351, LogLevel.Warning, "Registration at {Registrar} failed: {Reason}")] public static partial void RegistrationFailed(this ILogger logger, string registrar, string reason);
}
