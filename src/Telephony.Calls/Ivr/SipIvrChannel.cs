using Telephony.Media;
using Telephony.Media.Legs;
using Microsoft.Extensions.Logging;
using Telephony.Calls.Legs;
using System.Threading.Channels;
using Telephony.Ivr;
using Telephony.Media.Audio;

namespace Telephony.Calls.Ivr;

/// <summary>
/// <see cref="IIvrChannel"/> over a live call: prompts play through the caller's media leg on the
/// media clock, key presses arrive from the call's mailbox (RFC 4733 or SIP INFO), and the
/// caller's hangup ends whatever the script is waiting for quietly (<see cref="CallerGone"/>, no key), so the
/// interpreter stops without an exception; a transfer asked for after it throws <see cref="IvrCallerHangupException"/>.
/// </summary>
internal sealed partial class SipIvrChannel(
    string callId, string callerNumber, string dialedNumber, MediaLeg leg, MediaEngine media,
    Func<string, CancellationToken, ValueTask<bool>> transfer, Func<ValueTask> hangup,
    TimeProvider time, ILogger logger) : IIvrChannel
{
    private readonly Channel<char> _digits = Channel.CreateBounded<char>(new BoundedChannelOptions(32) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly CancellationTokenSource _gone = new();
    private TaskCompletionSource? _keyPressed; // a barge-in prompt waits for it
    private readonly TaskCompletionSource _goneSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<IvrRecord> _records = [];

    public string CallId { get; } = callId;

    public string CallerNumber { get; } = callerNumber;

    public string DialedNumber { get; } = dialedNumber;

    public TimeProvider Time { get; } = time;

    /// <summary>What the script stored for the call record.</summary>
    public IReadOnlyList<IvrRecord> Records => _records;

    /// <summary>From the call's loop: a key press for the script.</summary>
    public void Digit(char digit)
    {
        _digits.Writer.TryWrite(digit);
        Interlocked.MemoryBarrier(); // the write before the read: a prompt that set its signal after sees the key in Count
        Volatile.Read(ref _keyPressed)?.TrySetResult();
    }

    public bool CallerGone => _gone.IsCancellationRequested;

    /// <summary>From the call's loop: the caller is gone; every wait ends at once with no key.</summary>
    public void OnCallerHungUp()
    {
        _gone.Cancel();
        _goneSignal.TrySetResult();
    }

    public async ValueTask<char?> PlayAsync(IReadOnlyList<IvrPrompt> prompts, bool bargeIn, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        if (CallerGone)
        {
            return null;
        }
        if (bargeIn && _digits.Reader.TryRead(out var early))
        {
            return early;
        }
        var loaded = new List<Prompt>(prompts.Count);
        foreach (var p in prompts)
        {
            try
            {
                loaded.Add(media.Prompts.Get(p.FilePath));
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                LogPromptFailed(logger, p.FilePath, e.Message);
            }
        }
        // A hang-up during a prompt (the common end of an IVR call) is seen as the gone signal completing, not as a
        // cancelled wait: no exception at all (issue 10's profile: exceptions were 3.8 % of the server's CPU at 1,000
        // calls a second, an OperationCanceledException replaced by a hang-up exception rethrown through every frame).
        var done = leg.Play(new PromptPlayer(loaded));
        if (bargeIn)
        {
            // A key is awaited through a signal Digit completes, not a channel wait cancelled after the prompt: that
            // cancellation threw an OperationCanceledException inside the channel for every barge-in prompt.
            var keyPressed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Exchange(ref _keyPressed, keyPressed); // a full fence: Digit's write before it, or it sees us
            if (_digits.Reader.Count > 0)
            {
                keyPressed.TrySetResult();
            }
            try
            {
                await Task.WhenAny(done, keyPressed.Task, _goneSignal.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Interlocked.CompareExchange(ref _keyPressed, null, keyPressed);
            }
            if (CallerGone)
            {
                return null;
            }
            if (_digits.Reader.TryRead(out var digit))
            {
                leg.StopPlaying();
                return digit;
            }
            return null;
        }
        await Task.WhenAny(done, _goneSignal.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (CallerGone)
        {
            return null;
        }
        while (_digits.Reader.TryRead(out _))
        {
            // keys pressed during a prompt without barge-in are discarded
        }
        return null;
    }

    public async ValueTask<char?> ReadDigitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (CallerGone)
        {
            return null;
        }
        using var timer = new CancellationTokenSource(timeout, Time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _gone.Token, timer.Token);
        try
        {
            return await _digits.Reader.ReadAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_gone.IsCancellationRequested)
        {
            return null; // the interpreter sees CallerGone
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public async ValueTask<bool> TransferAsync(string number, CancellationToken cancellationToken)
    {
        ThrowIfGone();
        return await transfer(number, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask HangupAsync(CancellationToken cancellationToken)
    {
        leg.StopPlaying();
        await hangup().ConfigureAwait(false);
    }

    public void Record(IvrRecord record) => _records.Add(record);

    private void ThrowIfGone()
    {
        if (_gone.IsCancellationRequested)
        {
            throw new IvrCallerHangupException();
        }
    }

    [LoggerMessage(EventId = 2200, Level = LogLevel.Warning, Message = "Prompt {Path} cannot be played: {Reason}")] private static partial void LogPromptFailed(ILogger logger, string path, string reason);
}
