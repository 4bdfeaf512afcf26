using Microsoft.Extensions.Logging;

namespace Telephony.Calls.Trunks;

// The dial plan's decisions. EventIds 2300-2349 belong to outside calls (the dial plan, transfers, three-party).
// Next free: 2303.
internal static partial class DialPlanLog
{
    [LoggerMessage(EventId = 2300, Level = LogLevel.Warning, Message = "Dial refused: {Number} for {Purpose} (call {CallId}, agent {Agent}): {Reason}")]
    public static partial void Refused(ILogger logger, string number, DialPurpose purpose, string callId, string agent, string reason);

    [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Dial allowed: {Number} ({Kind}) for {Purpose} (call {CallId}, agent {Agent})")]
    public static partial void Allowed(ILogger logger, string number, DialPurpose purpose, DialTargetKind kind, string callId, string agent);

    [LoggerMessage(EventId = 2302, Level = LogLevel.Warning, Message = "The directory cannot be read; the dial plan uses what it read last: {Reason}")]
    public static partial void DirectoryUnreadable(ILogger logger, string reason);
}
