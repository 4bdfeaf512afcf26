namespace Telephony.Ivr;

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
    IReadOnlyDictionary<string, string> Variables,
    int? CallbackAfterSeconds = null);

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
