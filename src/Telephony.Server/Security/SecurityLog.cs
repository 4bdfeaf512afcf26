using System.Net;

namespace Telephony.Server.Security;

// Telephony.Server's EventIds 7000-7199 are mapped in Sip/SipHostLog.cs. This file owns 7100-7119.
// Ids are stable: never renumber or reuse one; add at the end. Next free id: 7114. Retired (the users file is only a seed now): 7107, 7108.

/// <summary>Security's log events: logins, tokens, the users file, demo credentials.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(EventId = 7100, Level = LogLevel.Warning, Message = "Login refused for {Remote}: too many failed attempts from that address")] public static partial void LoginThrottled(ILogger logger, IPAddress remote);
    [LoggerMessage(EventId = 7101, Level = LogLevel.Warning, Message = "Failed login for user {User} from {Remote}")] public static partial void LoginFailed(ILogger logger, string user, IPAddress remote);
    [LoggerMessage(EventId = 7102, Level = LogLevel.Information, Message = "User {User} ({Role}) logged in from {Remote}")] public static partial void LoggedIn(ILogger logger, string user, string role, IPAddress remote);
    [LoggerMessage(EventId = 7103, Level = LogLevel.Information, Message = "User {User} logged out; every token of theirs is revoked")] public static partial void LoggedOut(ILogger logger, string user);
    [LoggerMessage(EventId = 7104, Level = LogLevel.Information, Message = "Token of user {User} refused on {Path}: revoked (logout, role change or removal)")] public static partial void TokenRevoked(ILogger logger, string user, string path);
    [LoggerMessage(EventId = 7105, Level = LogLevel.Warning, Message = "{Admin} changed the role of user {User} to {Role}; the user's tokens are revoked")] public static partial void RoleChanged(ILogger logger, string admin, string user, string role);
    [LoggerMessage(EventId = 7106, Level = LogLevel.Warning, Message = "{Admin} removed user {User}; the user's tokens are revoked")] public static partial void UserRemoved(ILogger logger, string admin, string user);
    [LoggerMessage(EventId = 7109, Level = LogLevel.Error, Message = "The staff database could not be written ({Problem}); the change is not made")] public static partial void UsersFileWriteFailed(ILogger logger, Exception e, string problem);
    [LoggerMessage(EventId = 7110, Level = LogLevel.Warning, Message = "DEMO CREDENTIALS ACTIVE: {Kind} {Account} has a shipped demo password (Security:AllowDemoCredentials=true); anyone who read the repository can use it")] public static partial void DemoCredential(ILogger logger, string kind, string account);
    [LoggerMessage(EventId = 7111, Level = LogLevel.Warning, Message = "Development: {Users} users and {Seats} seats have shipped demo passwords; outside Development the server refuses to start with them unless Security:AllowDemoCredentials=true")] public static partial void DemoCredentialsInDevelopment(ILogger logger, int users, int seats);
    [LoggerMessage(EventId = 7113, Level = LogLevel.Warning, Message = "Login for guest {User} from {Remote} refused: the account is valid only on {RosterDate}")] public static partial void GuestOutsideRoster(ILogger logger, string user, string rosterDate, IPAddress remote);
    [LoggerMessage(EventId = 7112, Level = LogLevel.Warning, Message = "Login for user {User} from {Remote} refused: too many failed attempts for that name")] public static partial void LoginThrottledForUser(ILogger logger, string user, IPAddress remote);
}
