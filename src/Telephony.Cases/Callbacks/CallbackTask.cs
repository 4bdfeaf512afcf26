namespace Telephony.Cases.Callbacks;

/// <summary>
/// A citizen the centre owes a call: a missed call (abandoned in the IVR or the queue, 漏话回拨) or a queued
/// caller who chose "call me back" and could not be reached when their turn came. Worked by agents (offered by
/// the ACD or taken from the desk's list), dialled through the trunk; each attempt's outcome is kept.
/// </summary>
public sealed record CallbackTask
{
    public long Id { get; init; }
    public CallbackKind Kind { get; init; }
    /// <summary>The citizen's number as it reached us (the From user of their call).</summary>
    public string Number { get; init; } = "";
    /// <summary>The hotline's local date (yyyy-MM-dd) the task belongs to: one open task per kind, number and day.</summary>
    public string Day { get; init; } = "";
    /// <summary>The call that was missed.</summary>
    public string? SourceCallId { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public CallbackTaskState State { get; init; }
    /// <summary>Dial attempts so far.</summary>
    public int Attempts { get; init; }
    /// <summary>The next attempt is not made before this (retry interval after no answer or busy).</summary>
    public DateTimeOffset DueAt { get; init; }
    /// <summary>The agent working (or who last worked) the task.</summary>
    public string? AgentId { get; init; }
    public CallbackAttemptOutcome? LastOutcome { get; init; }
    /// <summary>The outbound call of the last attempt.</summary>
    public string? LastCallId { get; init; }
    /// <summary>When the citizen was reached (the KPI "returned within N minutes" counts from <see cref="CreatedAt"/>).</summary>
    public DateTimeOffset? ReturnedAt { get; init; }
    public DateTimeOffset? ClosedAt { get; init; }
}

/// <summary>Why the centre owes the call.</summary>
public enum CallbackKind
{
    /// <summary>The citizen's call was abandoned in the IVR or the queue, or unanswered while an agent's phone rang.</summary>
    MissedCall,

    /// <summary>A queued caller chose a callback and every attempt of the retry policy failed.</summary>
    MissedCallback,
}

/// <summary>Where a task stands.</summary>
public enum CallbackTaskState
{
    /// <summary>Waiting for an agent (from <see cref="CallbackTask.DueAt"/> on).</summary>
    Open,

    /// <summary>An agent took it; the attempt is being dialled.</summary>
    Dialling,

    /// <summary>Finished: the citizen was reached, or the number was wrong.</summary>
    Done,

    /// <summary>Not needed any more: the citizen got through on a later call.</summary>
    Dropped,

    /// <summary>Every attempt the policy allows failed.</summary>
    Failed,
}

/// <summary>How one attempt ended.</summary>
public enum CallbackAttemptOutcome
{
    Reached,
    NoAnswer,
    Busy,
    WrongNumber,
}

/// <summary>The text forms stored in <c>callback_tasks</c>.</summary>
public static class CallbackTexts
{
    public static string ToText(this CallbackKind kind) => kind == CallbackKind.MissedCall ? "missed-call" : "missed-callback";

    public static string ToText(this CallbackTaskState state) => state switch
    {
        CallbackTaskState.Dialling => "dialling",
        CallbackTaskState.Done => "done",
        CallbackTaskState.Dropped => "dropped",
        CallbackTaskState.Failed => "failed",
        _ => "open",
    };

    public static string ToText(this CallbackAttemptOutcome outcome) => outcome switch
    {
        CallbackAttemptOutcome.Reached => "reached",
        CallbackAttemptOutcome.Busy => "busy",
        CallbackAttemptOutcome.WrongNumber => "wrong-number",
        _ => "no-answer",
    };

    public static CallbackKind KindFromText(string text) => text == "missed-callback" ? CallbackKind.MissedCallback : CallbackKind.MissedCall;

    public static CallbackTaskState StateFromText(string text) => text switch
    {
        "dialling" => CallbackTaskState.Dialling,
        "done" => CallbackTaskState.Done,
        "dropped" => CallbackTaskState.Dropped,
        "failed" => CallbackTaskState.Failed,
        _ => CallbackTaskState.Open,
    };

    /// <summary>Parses an attempt outcome as the desk and REST name it; false when unknown.</summary>
    public static bool TryParseOutcome(string? text, out CallbackAttemptOutcome outcome)
    {
        switch (text)
        {
            case "reached": outcome = CallbackAttemptOutcome.Reached; return true;
            case "no-answer": outcome = CallbackAttemptOutcome.NoAnswer; return true;
            case "busy": outcome = CallbackAttemptOutcome.Busy; return true;
            case "wrong-number": outcome = CallbackAttemptOutcome.WrongNumber; return true;
            default: outcome = CallbackAttemptOutcome.NoAnswer; return false;
        }
    }
}

/// <summary>How often and how far apart a task is dialled before it fails.</summary>
/// <param name="MaxAttempts">Attempts in all (at least 1).</param>
/// <param name="RetryInterval">The wait after no answer or busy before the next attempt.</param>
public sealed record CallbackRetryPolicy(int MaxAttempts, TimeSpan RetryInterval)
{
    /// <summary>Three attempts ten minutes apart.</summary>
    public static CallbackRetryPolicy Default { get; } = new(3, TimeSpan.FromMinutes(10));
}

/// <summary>Which numbers the centre can call back.</summary>
public static class CallbackNumbers
{
    /// <summary>
    /// True for a number a trunk can dial: 3..32 digits, optionally after a leading '+'. An anonymous caller
    /// (no From user, "anonymous", a withheld number) is not one: nothing is dialled and no task is made.
    /// </summary>
    public static bool IsDiallable(string? number)
    {
        if (string.IsNullOrEmpty(number) || number.Length > 32)
        {
            return false;
        }
        var digits = number[0] == '+' ? number.AsSpan(1) : number.AsSpan();
        return digits.Length >= 3 && !digits.ContainsAnyExcept("0123456789");
    }
}
