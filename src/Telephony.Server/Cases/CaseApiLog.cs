namespace Telephony.Server.Cases;

// Telephony.Server's EventIds 7000-7199 are mapped in Sip/SipHostLog.cs. This file owns 7060-7079.
// Ids are stable: never renumber or reuse one; add at the end. Next free id: 7064.

/// <summary>The case API's log events: store start-up and refused requests.</summary>
internal static partial class CaseApiLog
{
    [LoggerMessage(EventId = 7060, Level = LogLevel.Information, Message = "case store ready ({Dialect}); {Count} migrations applied now")] public static partial void StoreReady(ILogger logger, string dialect, int count);
    [LoggerMessage(EventId = 7061, Level = LogLevel.Warning, Message = "{Method} {Path} refused: {Error}: {Reason}")] public static partial void Refused(ILogger logger, string method, string path, string error, string reason);
    [LoggerMessage(EventId = 7062, Level = LogLevel.Warning, Message = "{Method} {Path} refused: body of {Length} bytes over the {Max}-byte limit")] public static partial void TooLarge(ILogger logger, string method, string path, long length, long max);
    [LoggerMessage(EventId = 7063, Level = LogLevel.Warning, Message = "Web form from {Remote} refused: the SMS limit for phone {Phone} is reached")] public static partial void SmsLimitReached(ILogger logger, string phone, System.Net.IPAddress? remote);
}
