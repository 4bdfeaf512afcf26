using Telephony.Cases;

namespace Telephony.Calls.Sessions;

// The end: every leg hung up and released, the ACD told, the call record written.
internal sealed partial class InboundCallSession
{
    private async Task EndAsync(CallOutcome outcome, bool callerGone)
    {
        if (Phase == CallPhase.Ended)
        {
            return;
        }
        var wasPhase = Phase;
        Phase = CallPhase.Ended;
        _outcome = outcome;
        _ivr.CallerGone();
        Interlocked.Exchange(ref _transfer, null)?.TrySetResult(false);
        _timeline.EndedAt = _services.Time.GetUtcNow();
        await UnbridgeAsync().ConfigureAwait(false);
        if (!callerGone)
        {
            await HangupQuietlyAsync(_caller.Signalling).ConfigureAwait(false);
        }
        await DropCentreAsync().ConfigureAwait(false);
        await LeaveAcdAsync().ConfigureAwait(false);
        var callerQuality = _caller.Quality();
        await _caller.Media.DisposeAsync().ConfigureAwait(false);
        LogEnded(_log, outcome.ToText(), wasPhase.ToString());
        LogMediaQuality(_log, callerQuality.PacketsReceived, callerQuality.LossPercent, callerQuality.JitterMilliseconds,
            _agentQuality?.PacketsReceived ?? 0, _agentQuality?.LossPercent ?? 0, _agentQuality?.JitterMilliseconds ?? 0);
        await _services.Records.SaveAsync(Record(callerQuality.PacketsReceived > 0 ? callerQuality : null)).ConfigureAwait(false);
    }

    /// <summary>
    /// The call record as far as the call has come. Written once when the agent answers (outcome still
    /// empty), so a case saved during the conversation finds the call and its recording, and again,
    /// complete, at the end (the store replaces it by Call-ID).
    /// </summary>
    private CallRecord Record(MediaLegQuality? callerMedia) => new()
    {
        CallId = CallId,
        Caller = CallerNumber,
        Called = DialedNumber,
        OfferedAt = _timeline.OfferedAt,
        IvrEndedAt = _timeline.IvrEndedAt,
        QueuedAt = _timeline.QueuedAt,
        AgentRingingAt = _timeline.RingingAt,
        AnsweredAt = _timeline.AnsweredAt,
        EndedAt = _timeline.EndedAt,
        IvrPath = _ivrResult?.PathText,
        Queue = _queue,
        AgentId = _timeline.AnsweredAt is null ? null : _agentId,
        Outcome = Phase == CallPhase.Ended ? _outcome.ToText() : null,
        RecordingPath = _recordingPath,
        SurveyScore = _surveyScore,
        CallerMedia = callerMedia,
        AgentMedia = _agentQuality,
    };
}
