namespace Telephony.Ivr;

// The compiled steps of a script. Every reference (node, data file, schedule, prompt) has
// been checked by the loader, so the interpreter never meets a dangling name.

/// <summary>A list of prompt names, played in order in the caller's current language.</summary>
public sealed record PromptList(IReadOnlyList<string> Names)
{
    public static readonly PromptList None = new([]);
    public bool IsEmpty => Names.Count == 0;
    public override string ToString() => string.Join(",", Names);
}

/// <summary>One step of a node. <see cref="Location"/> is where it starts in the script.</summary>
public abstract record IvrStep(SourceLocation Location)
{
    /// <summary>The step's type as written in the script (<c>play</c>, <c>menu</c>, …).</summary>
    public abstract string Kind { get; }
}

/// <summary><c>play</c>: prompts in sequence; with barge-in a key press stops them and is kept for the next input step.</summary>
public sealed record PlayStep(SourceLocation Location, PromptList Prompts, bool BargeIn) : IvrStep(Location)
{
    public override string Kind => "play";
}

/// <summary>
/// <c>menu</c>: play the prompt (barge-in always allowed), read one key. A listed key goes to
/// its node, any other key to <see cref="OnOtherKey"/> when the menu has one (<c>other:</c>, e.g. a
/// greeting where any key opens the full menu); silence or an unlisted key is retried up to
/// <see cref="Retries"/> times, then goes to <see cref="OnTimeout"/>/<see cref="OnInvalid"/>, or on
/// to the next step when those are absent.
/// </summary>
public sealed record MenuStep(
    SourceLocation Location,
    PromptList Prompts,
    IReadOnlyDictionary<char, string> Options,
    TimeSpan Timeout,
    int Retries,
    PromptList InvalidPrompts,
    PromptList TimeoutPrompts,
    string? OnTimeout,
    string? OnInvalid,
    string? OnOtherKey = null) : IvrStep(Location)
{
    public override string Kind => "menu";
}

/// <summary><c>collect</c>: read <see cref="MinDigits"/>..<see cref="MaxDigits"/> digits into a variable.</summary>
public sealed record CollectStep(
    SourceLocation Location,
    PromptList Prompts,
    string Into,
    int MinDigits,
    int MaxDigits,
    char? Terminator,
    TimeSpan Timeout,
    int Retries,
    PromptList InvalidPrompts,
    string? OnFail) : IvrStep(Location)
{
    public override string Kind => "collect";
}

/// <summary>A step that goes to <see cref="Then"/> when its condition holds, else to <see cref="Else"/> (or on to the next step).</summary>
public abstract record BranchStep(SourceLocation Location, string Then, string? Else) : IvrStep(Location);

/// <summary><c>lookup</c>: is the caller's number in a caller list? Then go to <see cref="Then"/>, else <see cref="Else"/> or on.</summary>
public sealed record LookupStep(SourceLocation Location, string List, string Then, string? Else) : BranchStep(Location, Then, Else)
{
    public override string Kind => "lookup";
}

/// <summary><c>when</c>: does the schedule match the current local time?</summary>
public sealed record WhenStep(SourceLocation Location, string Schedule, string Then, string? Else) : BranchStep(Location, Then, Else)
{
    public override string Kind => "when";
}

/// <summary><c>set</c>: language, extra skills and priority for the queue request.</summary>
public sealed record SetStep(SourceLocation Location, string? Language, IReadOnlyList<string> Skills, int? Priority) : IvrStep(Location)
{
    public override string Kind => "set";
}

/// <summary><c>goto</c>: continue at another node.</summary>
public sealed record GotoStep(SourceLocation Location, string Target) : IvrStep(Location)
{
    public override string Kind => "goto";
}

/// <summary>
/// <c>queue</c>: the script's part ends; the host queues the call for an agent. With <see cref="CallbackAfterSeconds"/>
/// (<c>callback-after</c>), a caller whose expected wait is longer is offered "press 1 and we call you back" (keeping their place).
/// </summary>
public sealed record QueueStep(
    SourceLocation Location,
    string Queue,
    PromptList Prompts,
    IReadOnlyList<string> Skills,
    string? Language,
    int? Priority,
    string? Survey,
    int? CallbackAfterSeconds = null) : IvrStep(Location)
{
    public override string Kind => "queue";
}

/// <summary><c>transfer</c>: hand the call to an outside number through the trunk; on failure go to <see cref="OnFail"/> or on.</summary>
public sealed record TransferStep(SourceLocation Location, string Number, PromptList Prompts, string? OnFail) : IvrStep(Location)
{
    public override string Kind => "transfer";
}

/// <summary>
/// <c>info</c>: play an entry of an information table (a data file mapping keys to prompts),
/// either a fixed <see cref="Entry"/> or one the caller keys in.
/// </summary>
public sealed record InfoStep(
    SourceLocation Location,
    string Table,
    string? Entry,
    PromptList Prompts,
    char? Terminator,
    TimeSpan Timeout,
    int Retries,
    PromptList NotFoundPrompts,
    string? OnFail) : IvrStep(Location)
{
    public override string Kind => "info";
}

/// <summary><c>survey</c>: ask for a score in <see cref="Min"/>..<see cref="Max"/> and record it (run by the host after the agent leg).</summary>
public sealed record SurveyStep(
    SourceLocation Location,
    string Name,
    PromptList Prompts,
    int Min,
    int Max,
    TimeSpan Timeout,
    int Retries,
    PromptList InvalidPrompts,
    PromptList ThanksPrompts) : IvrStep(Location)
{
    public override string Kind => "survey";
}

/// <summary><c>hangup</c>: optionally say goodbye, then end the call.</summary>
public sealed record HangupStep(SourceLocation Location, PromptList Prompts) : IvrStep(Location)
{
    public override string Kind => "hangup";
}

/// <summary>A named list of steps; the unit menus, gotos and entry points refer to.</summary>
public sealed record IvrNode(string Name, SourceLocation Location, IReadOnlyList<IvrStep> Steps);
