namespace Telephony.Ivr;

/// <summary>One prompt resolved for playing: its name, the language chosen and the WAV to play.</summary>
public sealed record IvrPrompt(string Name, string Language, string FilePath);

/// <summary>
/// The call as the interpreter sees it. The host implements it over SIP and media; tests
/// implement it over a script of key presses. Methods are called from one task at a time
/// (the call's own loop), never concurrently.
/// </summary>
/// <remarks>
/// When the caller hangs up during any operation, the implementation either throws
/// <see cref="IvrCallerHangupException"/> or, if it reports <see cref="CallerGone"/>, ends the wait
/// at once with no key; either way the interpreter then ends with <see cref="IvrOutcome.CallerHungUp"/>
/// without acting on anything else. Cancelling the token (host shutdown) propagates as
/// <see cref="OperationCanceledException"/>.
/// </remarks>
public interface IIvrChannel
{
    /// <summary>Call-ID, for log scopes.</summary>
    string CallId { get; }

    /// <summary>The caller's number as the trunk presented it.</summary>
    string CallerNumber { get; }

    /// <summary>The number the caller dialed; selects the script's entry node.</summary>
    string DialedNumber { get; }

    /// <summary>Clock for schedules and records (a FakeTimeProvider in tests).</summary>
    TimeProvider Time { get; }

    /// <summary>
    /// True once the caller has hung up. A channel that reports it ends its waits quietly (no key) instead of
    /// throwing: a hang-up during a prompt is how most IVR calls end, and an exception rethrown through every
    /// frame of the interpreter cost the server 3–4 % of its CPU at 1,000 calls a second (issue 10).
    /// </summary>
    bool CallerGone => false;

    /// <summary>
    /// Plays the prompts in order. With <paramref name="bargeIn"/>, the first key the caller
    /// presses stops playback and is returned; without it, keys pressed meanwhile are discarded.
    /// Returns null when everything played.
    /// </summary>
    ValueTask<char?> PlayAsync(IReadOnlyList<IvrPrompt> prompts, bool bargeIn, CancellationToken cancellationToken);

    /// <summary>Waits up to <paramref name="timeout"/> for the next key; null when none came.</summary>
    ValueTask<char?> ReadDigitAsync(TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>
    /// Hands the call to an outside number through the trunk (blind transfer). Returns false
    /// when the far end could not be reached (busy, rejected, no answer); the caller is still
    /// on the line and the script continues at the step's <c>on-fail</c>.
    /// </summary>
    ValueTask<bool> TransferAsync(string number, CancellationToken cancellationToken);

    /// <summary>Ends the call.</summary>
    ValueTask HangupAsync(CancellationToken cancellationToken);

    /// <summary>Stores something the script produced for the call record (survey score, collected digits).</summary>
    void Record(IvrRecord record);
}

/// <summary>Thrown by a channel when the caller has gone.</summary>
public sealed class IvrCallerHangupException : Exception
{
    public IvrCallerHangupException() : base("caller hung up") { }

    public IvrCallerHangupException(string message) : base(message) { }

    public IvrCallerHangupException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>Something a script run wants kept with the call record.</summary>
public abstract record IvrRecord(DateTimeOffset At);

/// <summary>A post-call survey's result; <see cref="Score"/> is null when the caller gave none.</summary>
public sealed record IvrSurveyRecord(DateTimeOffset At, string Name, int? Score) : IvrRecord(At);

/// <summary>Digits a <c>collect</c> step stored.</summary>
public sealed record IvrDigitsRecord(DateTimeOffset At, string Variable, string Digits) : IvrRecord(At);
