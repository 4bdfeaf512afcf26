using Telephony.Cases;
using Telephony.Cases.Callbacks;
using Telephony.Ivr;
using Microsoft.Extensions.Logging;
using Telephony.Media.Audio;
using Telephony.ContactCenter.Queues;

namespace Telephony.Calls.Sessions;

// Callback in the queue: when the expected wait is longer than the queue step's callback-after, the caller hears
// "press 1 and we call you back, you keep your place". After 1 the caller may hang up: the entry stays in the ACD
// (in the seat store, so its place holds across nodes), and when its turn comes the call manager places the call
// (CallManager.Callbacks.cs). An anonymous caller is not offered it (nothing could be dialled). The same offer comes at
// the queue's maximum wait when its end action is "callback-offer" (the ACD keeps the call in its place meanwhile).
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

    /// <summary>
    /// The queue's maximum wait came and its end action is "callback-offer": the caller, still in their place, hears
    /// "press 1 and we call you back"; 1 within <see cref="CallServices.CallbackDecisionWindow"/> keeps the place as a
    /// callback (the caller may hang up), else <c>queue-sorry</c> and the call ends. False (nothing offered) for a
    /// caller whose number cannot be dialled.
    /// </summary>
    private bool OfferCallbackAtWaitEnd()
    {
        if (!CallbackNumbers.IsDiallable(CallerNumber))
        {
            LogCallbackNotOfferedAtWaitEnd(_log, CallerNumber);
            return false;
        }
        _callbackOffered = true;
        LogCallbackOfferedAtWaitEnd(_log, (int)_services.CallbackDecisionWindow.TotalSeconds);
        PlayThenMusic("callback-offer");
        _ = DecisionWindowAsync();
        return true;
    }

    private async Task DecisionWindowAsync()
    {
        await _services.DelayAsync(_services.CallbackDecisionWindow).ConfigureAwait(false);
        Post(new CallbackOfferExpired());
    }

    /// <summary>The caller let the wait-end offer pass: the polite message, then the call ends (its end removes it from the ACD).</summary>
    private async Task OnCallbackOfferExpiredAsync()
    {
        if (_callbackAccepted || Phase != CallPhase.Queued || _queueExit is not null || _queue is null)
        {
            return;
        }
        LogCallbackOfferLapsed(_log);
        await SaySorryAndEndAsync(new QueueExit(CallId, _queue, QueueExitReason.MaxWait, QueueEndAction.CallbackOffer), keptInPlace: true).ConfigureAwait(false);
    }

    /// <summary>A key while queued: 1 after the offer accepts the callback.</summary>
    private void OnQueuedDigit(char digit)
    {
        if (digit != '1' || !_callbackOffered || _callbackAccepted || _queueExit is not null)
        {
            return; // (once the wait's end is being said, the call has left the queue: too late for a callback)
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
    // The wait-end offer: 2210-2212 (issue 13's second range, 2210-2229).
    [LoggerMessage(EventId = 2380, Level = LogLevel.Information, Message = "Expected wait {Seconds} s is over {Threshold} s: callback offered")] private static partial void LogCallbackOffered(ILogger logger, int seconds, int threshold);
    [LoggerMessage(EventId = 2381, Level = LogLevel.Information, Message = "Callback not offered (expected wait {Seconds} s): caller number '{Number}' cannot be dialled (anonymous)")] private static partial void LogCallbackNotOffered(ILogger logger, string number, int seconds);
    [LoggerMessage(EventId = 2210, Level = LogLevel.Information, Message = "The queue's maximum wait is over: callback offered ({Seconds} s to press 1), the caller keeps their place")] private static partial void LogCallbackOfferedAtWaitEnd(ILogger logger, int seconds);
    [LoggerMessage(EventId = 2211, Level = LogLevel.Information, Message = "The queue's maximum wait is over: caller number '{Number}' cannot be dialled (anonymous), no callback offered")] private static partial void LogCallbackNotOfferedAtWaitEnd(ILogger logger, string number);
    [LoggerMessage(EventId = 2212, Level = LogLevel.Information, Message = "The callback offered at the end of the wait was not taken: ending the call")] private static partial void LogCallbackOfferLapsed(ILogger logger);
    [LoggerMessage(EventId = 2382, Level = LogLevel.Information, Message = "Caller {Number} accepted a callback; their place in the queue is kept")] private static partial void LogCallbackAccepted(ILogger logger, string number);
}
