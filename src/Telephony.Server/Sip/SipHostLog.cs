using System.Net;

namespace Telephony.Server.Sip;

// Log events of Telephony.Server use EventIds 7000-7199: 7000-7039 SIP host (listener, access gate,
// request router); 7040-7059 agents' hub; 7060-7079 case API; 7080-7099 HTTP pipeline;
// 7100-7119 security (login); 7120-7139 call API (supervision); 7140-7149 operations (metrics, health); 7150-7199 free for new areas;
// beyond that range, 7270-7289 live administration (Administration/AdminLog.cs).
// This file owns 7000-7039. Ids are stable: never renumber or reuse one; add at the end.
// Next free id: 7010.

/// <summary>The SIP side of the host: listening, registrations, the trunk and digest gate, routing.</summary>
internal static partial class SipHostLog
{
    [LoggerMessage(EventId = 7000, Level = LogLevel.Information, Message = "SIP listening on {EndPoints} for domain {Domain} with {Seats} seats")] public static partial void Listening(ILogger logger, string endPoints, string domain, int seats);
    [LoggerMessage(EventId = 7001, Level = LogLevel.Information, Message = "Removed {Count} expired registration(s)")] public static partial void Purged(ILogger logger, int count);
    [LoggerMessage(EventId = 7002, Level = LogLevel.Warning, Message = "{Method} to service number {Target} from {Source} refused: not on the trunk allow-list")] public static partial void NotATrunk(ILogger logger, string method, IPAddress source, string? target);
    [LoggerMessage(EventId = 7003, Level = LogLevel.Warning, Message = "SIP {Method} from {Source}: authentication failed ({Reason})")] public static partial void AuthFailed(ILogger logger, string method, IPAddress source, string? reason);
    [LoggerMessage(EventId = 7004, Level = LogLevel.Warning, Message = "SIP source {Source} banned for {Seconds} s after repeated authentication failures")] public static partial void Banned(ILogger logger, IPAddress source, double seconds);
    [LoggerMessage(EventId = 7005, Level = LogLevel.Error, Message = "Handling {Method} failed")] public static partial void RequestFailed(ILogger logger, Exception e, string method);
    [LoggerMessage(EventId = 7006, Level = LogLevel.Warning, Message = "Seat {User} tried to register another address-of-record {To}")] public static partial void ForeignAor(ILogger logger, string user, string? to);
    [LoggerMessage(EventId = 7007, Level = LogLevel.Information, Message = "REGISTER by seat {User} from {Source}: {Code}")] public static partial void Registered(ILogger logger, string user, int code, string source);
    [LoggerMessage(EventId = 7008, Level = LogLevel.Information, Message = "INVITE from seat {Caller} to seat {Target} redirected to {Count} contact(s)")] public static partial void Redirected(ILogger logger, string? caller, string target, int count);
    [LoggerMessage(EventId = 7009, Level = LogLevel.Information, Message = "INVITE from {Source} refused with 503: the node is draining")] public static partial void DrainRefused(ILogger logger, IPAddress source);
}
