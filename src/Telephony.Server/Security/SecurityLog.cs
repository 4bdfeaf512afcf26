using System.Net;

namespace Telephony.Server.Security;

// Telephony.Server's EventIds 7000-7199 are mapped in Sip/SipHostLog.cs. This file owns 7100-7119.
// Ids are stable: never renumber or reuse one; add at the end. Next free id: 7103.

/// <summary>Login's log events (the token endpoint).</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 7100, Level = LogLevel.Warning, Message = "Login refused for {Remote}: too many failed attempts")] public static partial void LoginThrottled(ILogger logger, IPAddress remote);
    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "Failed login for user {User} from {Remote}")] public static partial void LoginFailed(ILogger logger, string user, IPAddress remote);
    [LoggerMessage(EventId = 7102, Level = LogLevel.Information, Message = "User {User} ({Role}) logged in from {Remote}")] public static partial void LoggedIn(ILogger logger, string user, string role, IPAddress remote);
}
