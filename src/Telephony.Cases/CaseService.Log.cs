using Microsoft.Extensions.Logging;

namespace Telephony.Cases;

// Log events of Telephony.Cases use EventIds 5000-5099: 5000-5019 case service, 5020-5029 migrator, 5030-5039 SMS gateways.
// This file owns 5000-5019. Ids are stable: never renumber or reuse one; add at the end.
// Next free id: 5005.

public sealed partial class CaseService
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Information, Message = "case {Number} taken in via {Channel}")] private static partial void LogCreated(ILogger logger, string number, CaseChannel channel);
    [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "case {Number}: {Action} {From} -> {To} by {Actor}")] private static partial void LogTransition(ILogger logger, string number, CaseAction action, CaseStatus from, CaseStatus to, string actor);
    [LoggerMessage(EventId = 5003, Level = LogLevel.Warning, Message = "case intake via {Channel}: the database failed before the case was stored ({Reason}); trying again in {DelayMs} ms (attempt {Attempt} of {Attempts})")] private static partial void LogIntakeRetry(ILogger logger, CaseChannel channel, string reason, int delayMs, int attempt, int attempts);
    [LoggerMessage(EventId = 5004, Level = LogLevel.Error, Message = "case {Number}: the acknowledgement SMS went out but could not be noted on the case")] private static partial void LogAckNotRecorded(ILogger logger, Exception ex, string number);
    [LoggerMessage(EventId = 5002, Level = LogLevel.Error, Message = "case {Number}: SMS to the citizen failed")] private static partial void LogAckFailed(ILogger logger, Exception ex, string number);
}
