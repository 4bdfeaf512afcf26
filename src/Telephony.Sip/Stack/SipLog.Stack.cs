using Microsoft.Extensions.Logging;
using Telephony.Sip.Messages;
using Telephony.Sip.Transport;

namespace Telephony.Sip;

// Endpoint events (receive path, §8.2 / §18 checks, stateless answers): EventIds 1600–1699
// (ranges of the other areas: SipLog.cs). Next free id: 1612.
internal static partial class SipLog
{
    [LoggerMessage(1600, LogLevel.Error, "SIP timer callback failed")] public static partial void TimerCallbackFailed(this ILogger logger, Exception exception);
    [LoggerMessage(1601, LogLevel.Warning, "Malformed SIP message from {Flow} ({Bytes} bytes): {Reason}")] public static partial void MalformedMessage(this ILogger logger, SipFlow flow, int bytes, string reason);
    [LoggerMessage(1602, LogLevel.Error, "Handling a SIP message from {Flow} failed")] public static partial void MessageHandlingFailed(this ILogger logger, Exception exception, SipFlow flow);
    [LoggerMessage(1603, LogLevel.Warning, "Invalid {Method} from {Flow}: {Problem}")] public static partial void InvalidRequest(this ILogger logger, string method, SipFlow flow, string problem);
    [LoggerMessage(1604, LogLevel.Warning, "No 400 can be formed (Via, From, To, Call-ID or CSeq missing); dropped")] public static partial void NoErrorResponsePossible(this ILogger logger);
    [LoggerMessage(1605, LogLevel.Warning, "No 400 can be formed for it ({Reason}); dropped")] public static partial void ErrorResponseNotFormed(this ILogger logger, string reason);
    [LoggerMessage(1606, LogLevel.Warning, "Suppressed {Count} further warnings about bad SIP input from {Source}")] public static partial void BadInputWarningsSuppressed(this ILogger logger, long count, IPAddress? source);
    [LoggerMessage(1607, LogLevel.Warning, "Invalid {Code} response from {Flow} dropped: {Problem}")] public static partial void InvalidResponse(this ILogger logger, int code, SipFlow flow, string problem);
    [LoggerMessage(1608, LogLevel.Information, "Response {Code} from {Flow} has a top Via that is not ours ({Via}); discarded")] public static partial void ResponseViaNotOurs(this ILogger logger, int code, SipFlow flow, ViaHeader? via);
    [LoggerMessage(1609, LogLevel.Warning, "Error response could not be built ({Reason}); dropped")] public static partial void ErrorResponseNotBuilt(this ILogger logger, string reason);
    [LoggerMessage(1610, LogLevel.Information, "Answered {Flow} with {Code} {Reason}")] public static partial void AnsweredStatelessly(this ILogger logger, SipFlow flow, int code, string reason);
    [LoggerMessage(1611, LogLevel.Information, "Stateless send to {Flow} failed: {Reason}")] public static partial void StatelessSendFailed(this ILogger logger, SipFlow flow, string reason);
}
