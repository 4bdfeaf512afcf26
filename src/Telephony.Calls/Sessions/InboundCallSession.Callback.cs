using Telephony.Cases;
using Telephony.Cases.Callbacks;
using Telephony.Ivr;
using Microsoft.Extensions.Logging;
using Telephony.Media.Audio;

namespace Telephony.Calls.Sessions;

// Callback in the queue: when the expected wait is longer than the queue step's callback-after, the caller hears
// "press 1 and we call you back, you keep your place". After 1 the caller may hang up: the entry stays in the ACD
// (in the seat store, so its place holds across nodes), and when its turn comes the call manager places the call
// (CallManager.Callbacks.cs). An anonymous caller is not offered it (nothing could be dialled).
internal sealed partial class InboundCallSession
{
    private bool _callbackOffered;
    private bool _callbackAccepted;
    private bool _callerLeftInIvr;

    /// <summary>Offers the callback once, after queueing, when the script asks for it and the wait is long.</summary>
    private void OfferCallbackIfLongWait(IvrQueueRequest request, TimeSpan? expectedWait)
    {
        if (request.CallbackAfterSeconds is not { } threshold || expectedWait is not { } wait || wait.TotalSeconds <= threshold || _callbackOffered)
        {
            return;
        }
        if (!CallbackNumbers.IsDiallable(CallerNumber))
        {
            LogCallbackNotOffered(_log, CallerNumber, (int)wait.TotalSeconds);
            return;
        }
        _callbackOffered = true;
        LogCallbackOffered(_log, (int)wait.TotalSeconds, threshold);
        PlayThenMusic("callback-offer");
    }

    /// <summary>A key while queued: 1 after the offer accepts the callback.</summary>
    private void OnQueuedDigit(char digit)
    {
        if (digit != '1' || !_callbackOffered || _callbackAccepted)
        {
            return;
        }
        _callbackAccepted = true;
        LogCallbackAccepted(_log, CallerNumber);
        PlayThenMusic("callback-confirmed");
    }

    /// <summary>The caller accepted a callback and is still queued or being offered (their hang-up parks the call).</summary>
    private bool CallbackWaiting => _callbackAccepted && _queueCall is not null && Phase is CallPhase.Queued or CallPhase.Ringing;

    private void PlayThenMusic(string prompt)
    {
        var script = _services.Scripts.Current;
        if (script is null)
        {
            return;
        }
        try
        {
            var played = _services.Media.Prompts.Get(script.PromptPath(_language, prompt));
            _ = _caller.Media.Play(new Legs.SequenceSource(new PromptPlayer([played]), _services.HoldMusic.Next()));
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            LogPromptMissing(_log, prompt, e.Message);
        }
    }

    // EventIds 2380-2389 (the callback task's range, 2350-2399, so they cannot meet another feature's 21xx ids). Next free: 2383.
    [LoggerMessage(EventId = 2380, Level = LogLevel.Information, Message = "Expected wait {Seconds} s is over {Threshold} s: callback offered")] private static partial void LogCallbackOffered(ILogger logger, int seconds, int threshold);
    [LoggerMessage(EventId = 2381, Level = LogLevel.Information, Message = "Callback not offered (expected wait {Seconds} s): caller number '{Number}' cannot be dialled (anonymous)")] private static partial void LogCallbackNotOffered(ILogger logger, string number, int seconds);
    [LoggerMessage(EventId = 2382, Level = LogLevel.Information, Message = "Caller {Number} accepted a callback; their place in the queue is kept")] private static partial void LogCallbackAccepted(ILogger logger, string number);
}
