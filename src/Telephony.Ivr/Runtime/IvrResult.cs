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

public sealed record IvrPathEntry(DateTimeOffset At, IvrPathKind Kind, string Value)
{
    public override string ToString() => Kind switch
    {
        IvrPathKind.Node => Value,
        IvrPathKind.Digits => $"[{Value}]",
        IvrPathKind.Timeout => "[timeout]",
        IvrPathKind.Invalid => $"[invalid {Value}]",
        _ => $"<{Value}>",
    };
}

/// <summary>
/// The queue request a script hands the host: which queue, what the agent needs (skills,
/// language), how urgent (priority, higher first), how the caller got here, and which node
/// to run as the post-call survey once the agent leg ends.
/// </summary>
public sealed record IvrQueueRequest(
    string Queue,
    IReadOnlyList<string> Skills,
    string Language,
    int Priority,
    string? SurveyNode,
    IReadOnlyList<IvrPathEntry> Path,
    IReadOnlyDictionary<string, string> Variables);

public sealed record IvrResult(
    IvrOutcome Outcome,
    IvrQueueRequest? Queue,
    string? TransferNumber,
    string? Reason,
    IReadOnlyList<IvrPathEntry> Path,
    IReadOnlyDictionary<string, string> Variables,
    int? SurveyScore,
    int StepsUsed)
{
    /// <summary>The path as one line: <c>main [9] english &lt;queue:english&gt;</c>.</summary>
    public string PathText => string.Join(" ", Path);
}
