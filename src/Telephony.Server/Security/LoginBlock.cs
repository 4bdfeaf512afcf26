namespace Telephony.Server.Security;

/// <summary>Why a login is refused before its password is checked.</summary>
public enum LoginBlock
{
    None,
    /// <summary>Too many failures for this user name.</summary>
    User,
    /// <summary>Too many failures from this address.</summary>
    Address,
}
