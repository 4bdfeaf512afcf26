using System.Globalization;
using Telephony.Calls.Legs;
using Telephony.Calls.Trunks;
using Telephony.Cases;
using Telephony.Ivr;

namespace Telephony.Calls.Sessions;

// The IVR: the script runs on its own task over SipIvrChannel; its result and its transfer requests
// come back through the mailbox. An IVR transfer dials a partner hotline as the call's centre leg.
internal sealed partial class InboundCallSession
{
    private IvrResult? _ivrResult;
    private TaskCompletionSource<bool>? _transfer;
    private string? _transferredTo;
    private int? _surveyScore;

    private void StartIvr()
    {
        var script = _services.Scripts.Current;
        if (script is null)
        {
            LogNoScript(_log);
            Post(new IvrFinished(new IvrResult(IvrOutcome.HungUp, null, null, "no script", [], new Dictionary<string, string>(), null, 0)));
            return;
        }
        Phase = CallPhase.Ivr;
        _ = RunIvrAsync(script);
    }

    private async Task RunIvrAsync(IvrScript script, IvrQueueRequest? survey = null)
    {
        IvrResult result;
        try
        {
            result = survey is null
                ? await _services.Interpreter.RunAsync(script, _ivr, _services.Stopping).ConfigureAwait(false)
                : await _services.Interpreter.RunSurveyAsync(script, _ivr, survey, _services.Stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogIvrFailed(_log, e);
            result = new IvrResult(IvrOutcome.HungUp, null, null, "ivr failed", [], new Dictionary<string, string>(), null, 0);
        }
        Post(new IvrFinished(result));
    }

    private async Task OnIvrFinishedAsync(IvrResult result)
    {
        if (Phase == CallPhase.Survey)
        {
            LogSurvey(_log, result.SurveyScore?.ToString(CultureInfo.InvariantCulture) ?? "none");
            _surveyScore = result.SurveyScore;
            _services.Records.OnSurveyFinished(CallId, result.SurveyScore);
            await EndAsync(CallOutcome.Answered, callerGone: false).ConfigureAwait(false);
            return;
        }
        _ivrResult = result;
        _timeline.IvrEndedAt = _services.Time.GetUtcNow();
        LogIvrDone(_log, result.Outcome.ToString(), result.PathText);
        switch (result.Outcome)
        {
            case IvrOutcome.Queued when result.Queue is { } request && Phase == CallPhase.Ivr:
                await EnqueueAsync(request).ConfigureAwait(false);
                break;
            case IvrOutcome.Transferred when Phase == CallPhase.Connected:
                break; // bridged to the partner hotline until either side hangs up
            case IvrOutcome.Transferred:
                await EndAsync(CallOutcome.Transferred, callerGone: false).ConfigureAwait(false);
                break;
            case IvrOutcome.CallerHungUp:
                break; // the caller's BYE ends the call
            default:
                await EndAsync(CallOutcome.Ivr, callerGone: false).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>After the agent hung up: the script's post-call survey, when it has one for this queue.</summary>
    private bool TryStartSurvey()
    {
        if (_transferredTo is null && _ivrResult?.Queue is { SurveyNode: not null } request && _services.Scripts.Current is { } script)
        {
            Phase = CallPhase.Survey; // the caller stays on the line; the survey's end hangs up
            _ = RunIvrAsync(script, request);
            return true;
        }
        return false;
    }

    /// <summary>From the IVR task: dial the partner through the mailbox and wait for answered (true) or failed (false).</summary>
    private async ValueTask<bool> TransferAsync(string number, CancellationToken ct)
    {
        var plan = await _services.DialPlan.ResolveAsync(number, DialPurpose.IvrTransfer, new DialContext(CallId, null, CallerNumber), ct).ConfigureAwait(false);
        if (plan.Target is not { } target)
        {
            LogTransfer(_log, number, "(refused: " + plan.Refusal + ")");
            return false;
        }
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new StartTransfer(number, target.Uri, done));
        return await done.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    private async Task StartTransferAsync(StartTransfer t)
    {
        if (Phase != CallPhase.Ivr)
        {
            t.Done.TrySetResult(false);
            return;
        }
        var leg = await DialAsync(LegRole.Partner, t.Number, t.Target, "X-Telephony-Call").ConfigureAwait(false);
        if (leg is null)
        {
            t.Done.TrySetResult(false);
            return;
        }
        _centre = leg;
        _transfer = t.Done;
        _transferredTo = t.Number;
        Phase = CallPhase.Transferring;
        LogTransfer(_log, t.Number, t.Target);
        _ = TimeoutTransferAsync(leg);
    }

    private async Task TimeoutTransferAsync(CallLeg leg)
    {
        await _services.DelayAsync(_services.TransferRingTimeout).ConfigureAwait(false);
        Post(new TransferTimedOut(leg.Signalling));
    }

    /// <summary>The partner did not take the call: the caller is back in the IVR, which goes on at the step's on-fail.</summary>
    private async Task FailTransferAsync()
    {
        await DropCentreAsync().ConfigureAwait(false);
        _transferredTo = null;
        Phase = CallPhase.Ivr;
        Interlocked.Exchange(ref _transfer, null)?.TrySetResult(false);
    }

    private ValueTask HangupFromIvrAsync() => ValueTask.CompletedTask; // the IVR's HungUp result ends the call in the loop
}
