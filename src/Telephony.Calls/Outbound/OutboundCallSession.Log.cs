using Microsoft.Extensions.Logging;

namespace Telephony.Calls.Outbound;

// The outbound call's log lines, with the call id in scope (RunAsync) and a stable EventId.
// EventIds 2350-2399 belong to outbound calls (2350-2369 the session, 2370-2399 the call manager's outbound side). Next free: 2365.
internal sealed partial class OutboundCallSession
{
    [LoggerMessage(EventId = 2350, Level = LogLevel.Information, Message = "Outbound {Purpose} to {Number}: ringing seat {Extension} first")] private static partial void LogRingingAgent(ILogger logger, string extension, string purpose, string number);
    [LoggerMessage(EventId = 2351, Level = LogLevel.Information, Message = "Agent answered; dialling citizen {Number} at {Target}")] private static partial void LogDiallingCitizen(ILogger logger, string number, string target);
    [LoggerMessage(EventId = 2352, Level = LogLevel.Information, Message = "Citizen {Number} answered; bridged to seat {Extension}, recording {Recording}")] private static partial void LogConnected(ILogger logger, string number, string extension, string recording);
    [LoggerMessage(EventId = 2353, Level = LogLevel.Information, Message = "Outbound {Purpose} ended: {Result}")] private static partial void LogEnded(ILogger logger, string purpose, string result);
    [LoggerMessage(EventId = 2354, Level = LogLevel.Information, Message = "{Leg}: no answer in time")] private static partial void LogNoAnswer(ILogger logger, string leg);
    [LoggerMessage(EventId = 2355, Level = LogLevel.Information, Message = "{Leg} ended ({Status}, {Reason})")] private static partial void LogLegEnded(ILogger logger, string leg, int status, string reason);
    [LoggerMessage(EventId = 2356, Level = LogLevel.Warning, Message = "Citizen's answer unusable: {Error}")] private static partial void LogBadAnswer(ILogger logger, string error);
    [LoggerMessage(EventId = 2357, Level = LogLevel.Error, Message = "Handling {Message} failed; ending the outbound call")] private static partial void LogFailed(ILogger logger, Exception e, string message);
    [LoggerMessage(EventId = 2358, Level = LogLevel.Error, Message = "No RTP ports for the {Role} leg: {Error}")] private static partial void LogNoPorts(ILogger logger, string role, string error);
    [LoggerMessage(EventId = 2359, Level = LogLevel.Warning, Message = "INVITE to {Role} {Party} failed: {Reason}")] private static partial void LogDialFailed(ILogger logger, string role, string party, string reason);
    [LoggerMessage(EventId = 2360, Level = LogLevel.Warning, Message = "Hangup of a leg failed: {Reason}")] private static partial void LogHangupFailed(ILogger logger, string reason);
    [LoggerMessage(EventId = 2361, Level = LogLevel.Error, Message = "Recording {Path} could not be opened: {Reason}")] private static partial void LogRecordingFailed(ILogger logger, string path, string reason);
    [LoggerMessage(EventId = 2362, Level = LogLevel.Warning, Message = "Telling the ACD failed")] private static partial void LogAcdFailed(ILogger logger, Exception e);
}
