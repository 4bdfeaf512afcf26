namespace Telephony.Server.Security;

/// <summary>
/// One user of the REST API and hubs. <see cref="Stamp"/> is the user's security stamp: every token carries the
/// stamp it was issued with, and a token whose stamp is no longer the user's (logout, role change, removal) is
/// refused. A guest (the leaders' answering day) has a <see cref="RosterDate"/>: the one local date on which they
/// may sign in and their tokens are valid; before and after it they are refused, so the account expires by itself.
/// </summary>
public sealed record UserAccount(string Name, string Role, string? AgentId, string? Department, string PasswordHash, string Stamp,
    bool Demo = false, DateOnly? RosterDate = null)
{
    /// <summary>True when the user may sign in (or use a token) on <paramref name="today"/> (the centre's local date).</summary>
    public bool ActiveOn(DateOnly today) => RosterDate is not { } date || date == today;
}
