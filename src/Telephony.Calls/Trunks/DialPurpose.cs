namespace Telephony.Calls.Trunks;

/// <summary>Why a call wants to dial an outside number; the dial plan's rules and its log lines name it.</summary>
public enum DialPurpose
{
    /// <summary>The IVR script's transfer step (only the directory and the numbers the script names, never a citizen).</summary>
    IvrTransfer,

    /// <summary>An agent hands the citizen to a directory entry and leaves (blind transfer, or an attended one completed).</summary>
    Transfer,

    /// <summary>An agent brings a directory entry into the call (three-party: 110, a department) or consults it first.</summary>
    Conference,

    /// <summary>The centre calls a citizen back (callback in queue, missed-call return, return visit).</summary>
    Callback,
}
