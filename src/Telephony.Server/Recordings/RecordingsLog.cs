namespace Telephony.Server.Recordings;

/// <summary>Log lines of recordings and calls' traces on the web side (EventIds 7260-7279; next free: 7266).</summary>
internal static partial class RecordingsLog
{
    [LoggerMessage(EventId = 7260, Level = LogLevel.Information, Message = "Recording of call {CallId}: {Action} ({Channel}) by {User}")] public static partial void Accessed(ILogger logger, string callId, string action, string channel, string user);
    [LoggerMessage(EventId = 7261, Level = LogLevel.Warning, Message = "Recording of call {CallId} refused to {User}: {Reason}")] public static partial void Refused(ILogger logger, string callId, string user, string reason);
    [LoggerMessage(EventId = 7262, Level = LogLevel.Error, Message = "Recording path of call {CallId} is outside the recordings folder; not served, not deleted")] public static partial void OutsideFolder(ILogger logger, string callId);
    [LoggerMessage(EventId = 7263, Level = LogLevel.Information, Message = "Retention sweep: {Recordings} recording(s) older than {Days} days deleted, {Traces} call trace(s) older than {TraceDays} days deleted")] public static partial void Swept(ILogger logger, int recordings, int days, int traces, int traceDays);
    [LoggerMessage(EventId = 7264, Level = LogLevel.Warning, Message = "Retention sweep: recording of call {CallId} could not be deleted")] public static partial void DeleteFailed(ILogger logger, Exception e, string callId);
    [LoggerMessage(EventId = 7265, Level = LogLevel.Error, Message = "Retention sweep failed; next try in {Minutes} minutes")] public static partial void SweepFailed(ILogger logger, Exception e, double minutes);
}
