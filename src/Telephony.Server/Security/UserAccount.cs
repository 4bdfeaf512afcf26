namespace Telephony.Server.Security;

/// <summary>One user of the REST API and hubs, as read from the users file.</summary>
public sealed record UserAccount(string Name, string Role, string? AgentId, string? Department, string PasswordHash);
