namespace Telephony.Ivr;

/// <summary>How a script run ended.</summary>
public enum IvrOutcome
{
    /// <summary>The host should queue the call: see <see cref="IvrResult.Queue"/>.</summary>
    Queued,

    /// <summary>The interpreter transferred the call to <see cref="IvrResult.TransferNumber"/>.</summary>
    Transferred,

    /// <summary>The script hung up (a hangup step, the end of a node, or a spent step budget).</summary>
    HungUp,

    /// <summary>The caller went away during the script.</summary>
    CallerHungUp,
}
