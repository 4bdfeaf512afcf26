namespace Telephony.Sip.Auth;

/// <summary>Looks up the password of a digest user name (a seat number, for the server).</summary>
public interface ICredentialStore
{
    /// <summary>False when the user does not exist.</summary>
    bool TryGetPassword(string username, out string password);
}

/// <summary>An in-memory credential table.</summary>
public sealed class InMemoryCredentialStore(IReadOnlyDictionary<string, string> passwords) : ICredentialStore
{
    /// <inheritdoc />
    public bool TryGetPassword(string username, out string password) =>
        passwords.TryGetValue(username, out password!);
}
