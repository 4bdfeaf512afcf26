namespace Telephony.Calls.Trunks;

/// <summary>What <see cref="TrunkPolicy.Admit"/> decided about a request to a number.</summary>
public enum ServiceNumberAdmission
{
    /// <summary>The target is not a public service number (a seat, or nothing): the seats' rules apply.</summary>
    NotAServiceNumber,

    /// <summary>A service number, from a carrier address on the trunk allow-list: answer it as a citizen's call.</summary>
    FromTrunk,

    /// <summary>A service number, from an address that is not a trunk: refuse with 403.</summary>
    NotATrunk,
}
