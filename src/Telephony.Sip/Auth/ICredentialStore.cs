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

/// <summary>
/// A credential store that keeps HA1 = H(username ":" realm ":" password) rather than passwords (RFC 3261 §22.4:
/// a server need not store the password; RFC 7616 §3.4.2). The authenticator asks it first when a store offers it.
/// </summary>
public interface IHa1Store
{
    /// <summary>False when the user does not exist or has no HA1 for that realm and algorithm.</summary>
    bool TryGetHa1(string username, string realm, DigestAlgorithm algorithm, out string ha1);
}
