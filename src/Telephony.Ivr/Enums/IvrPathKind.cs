namespace Telephony.Ivr;

/// <summary>What one visit to the IVR looked like, for the screen-pop and the call record.</summary>
public enum IvrPathKind
{
    /// <summary>Entered a node (<see cref="IvrPathEntry.Value"/> = node name).</summary>
    Node,

    /// <summary>The caller pressed keys (<see cref="IvrPathEntry.Value"/> = the digits).</summary>
    Digits,

    /// <summary>An input step heard nothing before its timeout.</summary>
    Timeout,

    /// <summary>An input step got keys it could not use.</summary>
    Invalid,

    /// <summary>A lookup or schedule decided (<see cref="IvrPathEntry.Value"/> = "list:hit", "schedule:miss").</summary>
    Condition,

    /// <summary>How the run ended (queue name, transfer number, hangup reason).</summary>
    End,
}
