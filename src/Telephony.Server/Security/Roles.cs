namespace Telephony.Server.Security;

/// <summary>The roles a user of the centre can hold, and the claim names tokens carry.</summary>
public static class Roles
{
    public const string Agent = "agent";
    public const string Supervisor = "supervisor";
    /// <summary>A government department's case handler; sees only its department's cases.</summary>
    public const string Handler = "handler";
    public const string Admin = "admin";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal) { Agent, Supervisor, Handler, Admin };
}

/// <summary>Claim types carried by a bearer token.</summary>
public static class TelephonyClaims
{
    public const string Name = "name";
    public const string Role = "role";
    /// <summary>Agent id (agents only): the agent this user is.</summary>
    public const string Agent = "agent";
    /// <summary>Department code (handlers only): the only department whose cases the user may see.</summary>
    public const string Department = "dept";
    /// <summary>The user's security stamp when the token was issued; a token whose stamp is not the user's now is refused.</summary>
    public const string Stamp = "stamp";
}
