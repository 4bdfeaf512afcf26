namespace Telephony.Server.Security;

/// <summary>The <c>Security</c> configuration section.</summary>
public sealed class SecuritySettings
{
    /// <summary>Config section name.</summary>
    public const string Section = "Security";

    /// <summary>The users file (JSON: name, password hash, roles, agent id) that seeds an empty users table at the first start; relative paths are taken from the app's base directory.</summary>
    public string UsersFile { get; set; } = "users.json";

    /// <summary>How long a bearer token is valid, in hours.</summary>
    public double TokenHours { get; set; } = 12;

    /// <summary>
    /// Lets the server start outside the Development environment while shipped demo passwords are active
    /// (users with a plain <c>password</c>, seats whose password begins with <c>demo-</c>); each such
    /// account is then logged as a warning at start. For trying the server out, never for citizens.
    /// </summary>
    public bool AllowDemoCredentials { get; set; }

    /// <summary>
    /// Where the data-protection key ring that protects bearer tokens is kept (relative: to the data
    /// folder). Kept on disk so a token survives a restart (the desktop reconnects with it and
    /// restores the seat); several nodes point this at one shared folder.
    /// </summary>
    public string KeysFolder { get; set; } = "keys";

    /// <summary>The centre's UTC offset in hours: a guest's roster date (the leaders' answering day) is a date of this local time.</summary>
    public double LocalUtcOffsetHours { get; set; } = 8;

    /// <summary>Each bad value, named (checked at start).</summary>
    public IEnumerable<string> Validate(string section)
    {
        if (string.IsNullOrWhiteSpace(UsersFile))
        {
            yield return $"{section}:UsersFile is empty: name the users file";
        }
        if (string.IsNullOrWhiteSpace(KeysFolder))
        {
            yield return $"{section}:KeysFolder is empty: name a folder for the token keys";
        }
        if (LocalUtcOffsetHours is < -14 or > 14)
        {
            yield return FormattableString.Invariant($"{section}:LocalUtcOffsetHours = {LocalUtcOffsetHours} is out of range: use -14..14");
        }
        if (TokenHours is < 0.01 or > 24 * 30)
        {
            yield return FormattableString.Invariant($"{section}:TokenHours = {TokenHours} is out of range: use 0.01..720");
        }
    }
}
