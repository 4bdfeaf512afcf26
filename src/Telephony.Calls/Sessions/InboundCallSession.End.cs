using Telephony.Cases;

namespace Telephony.Calls.Sessions;

// The end: every leg hung up and released, the ACD told, the call record written.
internal sealed partial class InboundCallSession
{
    private readonly List<string> _parties = [];

    private async Task EndAsync(CallOutcome outcome, bool callerGone)
    {
        if (Phase == CallPhase.Ended)
        {
            return;
        }
        var wasPhase = Phase;
        Phase = CallPhase.Ended;
        _outcome = outcome;
        _ivr.OnCallerHungUp();
        Interlocked.Exchange(ref _transfer, null)?.TrySetResult(false);
        _timeline.EndedAt = _services.Time.GetUtcNow();
        await UnbridgeAsync().ConfigureAwait(false);
        if (!callerGone)
        {
            await HangupQuietlyAsync(_caller.Signalling).ConfigureAwait(false);
        }
        await DropCentreAsync().ConfigureAwait(false);
        await LeaveAcdAsync().ConfigureAwait(false);
        await ReleaseTakenOverSeatAsync().ConfigureAwait(false);
        var callerQuality = _caller.Quality();
        _services.Traces?.Sample(CallId, TraceName(_caller), _caller.Media.GetStatistics()); // the last interval, before the media goes
        await _caller.Media.DisposeAsync().ConfigureAwait(false);
        LogEnded(_log, outcome.ToText(), wasPhase.ToString());
        CallMetrics.CallEnded(outcome, _timeline.OfferedAt, _timeline.QueuedAt, _timeline.AnsweredAt);
        LogMediaQuality(_log, callerQuality.PacketsReceived, callerQuality.LossPercent, callerQuality.JitterMilliseconds,
            _agentQuality?.PacketsReceived ?? 0, _agentQuality?.LossPercent ?? 0, _agentQuality?.JitterMilliseconds ?? 0);
        _services.Records.Write(Snapshot(live: false, callerQuality.PacketsReceived > 0 ? callerQuality : null));
    }

    /// <summary>
    /// The call's record as it stands: written live at the answer, the queue and the agent's answer (so a node
    /// that dies leaves it behind for its next start to end as node-lost) and ended at the end. Handed to the
    /// records' writer, which never makes the mailbox wait for the database.
    /// </summary>
    private CallRecord Snapshot(bool live, MediaLegQuality? callerQuality = null) => new()
    {
        CallId = CallId,
        Caller = CallerNumber,
        Called = DialedNumber,
        OfferedAt = _timeline.OfferedAt,
        IvrEndedAt = _timeline.IvrEndedAt,
        QueuedAt = _timeline.QueuedAt,
        AgentRingingAt = _timeline.RingingAt,
        AnsweredAt = _timeline.AnsweredAt,
        EndedAt = live ? null : _timeline.EndedAt,
        IvrPath = _ivrResult?.PathText,
        Queue = _queue,
        AgentId = _timeline.AnsweredAt is null ? null : _agentId,
        Outcome = live ? null : _outcome.ToText(),
        RecordingPath = _recordingPath,
        SurveyScore = _surveyScore,
        CallerMedia = callerQuality,
        AgentMedia = live ? null : _agentQuality,
        Live = live,
        Direction = CallDirections.Inbound,
        AbandonedInIvr = !live && _callerLeftInIvr,
        Parties = _parties.Count == 0 ? null : string.Join('\n', _parties),
    };

    /// <summary>Notes on the call record who joined, left or took the call, and when (the three-party rules ask for it).</summary>
    private void NoteParty(string party, string what)
    {
        _parties.Add(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{_services.Time.GetUtcNow():HH:mm:ss} {what} {party}"));
        RecordMilestone();
    }

    /// <summary>A milestone the KPIs need (answered, queued, agent connected): the live record follows it.</summary>
    private void RecordMilestone() => _services.Records.Write(Snapshot(live: true));
}
