namespace Telephony.Server.Security;

/// <summary>The outcome of a change to the users file (role change, removal).</summary>
public enum UserChange
{
    Done,
    /// <summary>No user has that name.</summary>
    NotFound,
    /// <summary>The change would leave the centre without an admin.</summary>
    LastAdmin,
}
