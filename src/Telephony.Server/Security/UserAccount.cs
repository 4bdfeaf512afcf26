namespace Telephony.Server.Security;

/// <summary>
/// One user of the REST API and hubs, as read from the users file. <see cref="Stamp"/> is the user's
/// security stamp: every token carries the stamp it was issued with, and a token whose stamp is no
/// longer the user's (logout, role change, removal) is refused.
/// </summary>
public sealed record UserAccount(string Name, string Role, string? AgentId, string? Department, string PasswordHash, string Stamp);
