using Telephony.Calls.Commands;
using Telephony.Calls.Legs;
using Telephony.Cases;
using Telephony.Media.Bridge;
using Telephony.Media.Recording;
using Telephony.Sip.UserAgent;

namespace Telephony.Calls.Sessions;

// The centre's leg (an agent, or a partner on an IVR transfer) from ringing to its end: the answer,
// the bridge with the recorder as its tap, re-INVITEs and hold, and pausing the recording.
internal sealed partial class InboundCallSession
{
    private RtpBridge? _bridge;
    private RtpCallRecorder? _recorder;
    private string? _recordingPath;
    private MediaLegQuality? _agentQuality;
    private bool _agentQualityFinal;

    private async Task OnCentreEventAsync(CallEvent e)
    {
        switch (e)
        {
            case RemoteSdpChanged changed when Phase == CallPhase.Connected:
                ApplyPeerOffer(_centre!, changed.Sdp);
                break;
            case TransferRequested refer when Phase == CallPhase.Connected:
                await OnReferAsync(refer).ConfigureAwait(false);
                break;
            case CallEstablished established when Phase == CallPhase.Ringing:
                await ConnectAsync(established).ConfigureAwait(false);
                break;
            case CallEstablished established when Phase == CallPhase.Transferring:
                await ConnectAsync(established).ConfigureAwait(false);
                Interlocked.Exchange(ref _transfer, null)?.TrySetResult(Phase == CallPhase.Connected);
                break;
            case CallEnded ended when Phase == CallPhase.Transferring:
                LogCentreRejected(_log, _centre!.Label, ended.StatusCode, ended.Detail);
                await FailTransferAsync().ConfigureAwait(false);
                break;
            case CallEnded ended when Phase == CallPhase.Connected:
                LogCentreHungUp(_log, _centre!.Label, ended.Reason.ToString());
                await CentreLeftAsync().ConfigureAwait(false);
                break;
            case CallEnded ended when Phase == CallPhase.Ringing:
                // Busy, declined or unreachable: the caller stays queued with music, and the ACD is told now
                // (seat NotReady with the reason, call offered to the next agent) instead of at the ring timeout.
                LogCentreRejected(_log, _centre!.Label, ended.StatusCode, ended.Detail);
                await OfferFailedAsync(DeclineReason(ended.StatusCode)).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>
    /// The centre's leg is gone (the agent hung up the phone or from the desktop): the caller takes the
    /// survey if the script has one, or the call ends. With a survey the seat goes to wrap-up now, not
    /// when the citizen has finished rating the call.
    /// </summary>
    private async Task CentreLeftAsync()
    {
        await UnbridgeAsync().ConfigureAwait(false);
        if (TryStartSurvey())
        {
            await LeaveAcdAsync().ConfigureAwait(false);
            return;
        }
        await EndAsync(_transferredTo is null ? CallOutcome.Answered : CallOutcome.Transferred, callerGone: false).ConfigureAwait(false);
    }

    private async Task ConnectAsync(CallEstablished established)
    {
        var centre = _centre!;
        var answer = centre.Media.AcceptAnswer(established.RemoteSdp);
        if (!answer.Success)
        {
            LogBadAnswer(_log, centre.Label, answer.Error ?? "?");
            if (centre.Signalling is BrowserLegSignalling)
            {
                // The seat goes Not ready with the reason and the call to the next agent at once.
                await OfferFailedAsync("browser: " + (answer.Error ?? "unusable answer")).ConfigureAwait(false);
                return;
            }
            if (Phase == CallPhase.Transferring)
            {
                await FailTransferAsync().ConfigureAwait(false);
                return;
            }
            await DropCentreAsync().ConfigureAwait(false);
            Phase = CallPhase.Queued;
            return;
        }
        if (centre.Media.WebRtc is { } webRtc)
        {
            // Answered only once ICE and DTLS gave SRTP keys: a browser whose media cannot be secured is no answer.
            AwaitSecured(centre, webRtc);
            return;
        }
        await CompleteConnectAsync(centre).ConfigureAwait(false);
    }

    /// <summary>The centre's answer is usable (and a browser's media secured): tell the ACD, record, bridge.</summary>
    private async Task CompleteConnectAsync(CallLeg centre)
    {
        if (Phase != CallPhase.Transferring && !await _services.Acd.AgentAnsweredAsync(CallId).ConfigureAwait(false))
        {
            LogOfferStale(_log, _agentExtension ?? "?");
            await DropCentreAsync().ConfigureAwait(false);
            Phase = CallPhase.Queued;
            return;
        }
        var answeredAt = _services.Time.GetUtcNow();
        _timeline.AnsweredAt ??= answeredAt; // after a transfer: the first answer stays the call's
        _caller.Media.StopPlaying();
        centre.Media.StopPlaying();
        if (_recorder is null)
        {
            StartRecording(centre, answeredAt);
        }
        else
        {
            // Transferred: one recording for the whole call, the new agent on its second channel.
            _recorder.RecordAgentLegAs(centre.Media.CreateCodec(), centre.Media.Audio!.PayloadType);
        }
        Bridge();
        Phase = CallPhase.Connected;
        RecordMilestone();
        LogConnected(_log, centre.Label, _agentId ?? "?", _caller.Media.Audio!.EncodingName, centre.Media.Audio!.EncodingName, _recorder?.Recorder.Path ?? "(none)");
    }

    private void StartRecording(CallLeg centre, DateTimeOffset at)
    {
        var path = _services.Recordings.PathFor(CallId, at);
        try
        {
            _recordingPath = path;
            _recorder = new RtpCallRecorder(path, _caller.Media.CreateCodec(), _caller.Media.Audio!.PayloadType, centre.Media.CreateCodec(), centre.Media.Audio!.PayloadType,
                time: _services.Time, logger: _log);
            _services.Media.Clock.Add(_recorder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            CallMetrics.RecordingFailures.Add(1);
            LogRecordingFailed(_log, path, e.Message); // the conversation goes on unrecorded rather than not at all
            _recorder = null;
            _recordingPath = null;
        }
    }

    /// <summary>Relays caller and centre directly (RTP bridge with the recorder as its tap).</summary>
    private void Bridge()
    {
        var codecs = _services.Media.Codecs;
        _bridge = new RtpBridge(_caller.Media.Session, BridgeLegFormat.From(_caller.Media.Audio!, codecs),
            _centre!.Media.Session, BridgeLegFormat.From(_centre.Media.Audio!, codecs), _recorder, _log);
    }

    /// <summary>
    /// A re-INVITE (or UPDATE) with a new offer on the caller's or the centre's leg: the leg's media follows it
    /// (address, codec, direction) and, while bridged, so does the bridge. A party that holds (sendonly/inactive,
    /// or c=0.0.0.0) is no longer relayed to the other, who hears our music on hold until the resume.
    /// </summary>
    private void ApplyPeerOffer(CallLeg leg, ReadOnlyMemory<byte> sdp)
    {
        var (audio, error) = leg.Media.ApplyPeerOffer(sdp);
        if (audio is null)
        {
            // The SIP layer already answered with our old SDP; the media stays as it was.
            LogBadReOffer(_log, leg.Label, error ?? "?");
            return;
        }
        var holds = audio.RemoteHold || (audio.RemoteRtp is null && !audio.AddressFromIce);
        LogReOffer(_log, leg.Label, audio.EncodingName, audio.RemoteDirection.ToString(), audio.RemoteRtp?.ToString() ?? "none");
        if (_mix is not null && Phase == CallPhase.Connected)
        {
            // Supervised: the mix is rebuilt on the legs' new formats (codec, address) in the same
            // mode; a party on hold simply sends nothing into it for a while.
            RebuildMix();
            return;
        }
        if (_bridge is null || Phase != CallPhase.Connected)
        {
            return; // not bridged: the leg plays prompts/music to the new address by itself
        }
        // The holder's own hold audio (or silence) is not relayed; nor is anything while the agent holds or mutes from the desktop.
        _bridge.UpdateLeg(ReferenceEquals(leg, _caller) ? 0 : 1, BridgeFormatOf(leg, holds));
        var other = ReferenceEquals(leg, _caller) ? _centre : _caller;
        if (holds && !leg.Holding)
        {
            leg.Holding = true;
            LogHold(_log, leg.Label);
            _ = other?.Media.Play(_services.HoldMusic.Next());
        }
        else if (!holds && leg.Holding)
        {
            leg.Holding = false;
            LogResume(_log, leg.Label);
            other?.Media.StopPlaying();
        }
    }

    /// <summary>The <see cref="PauseRecording"/> command: sensitive data (a card or ID number) stays out of the file; the metadata lists the stretch.</summary>
    internal CommandResult PauseRecording(PauseRecording command)
    {
        if (RecordingOf(command, out var refused) is not { } recorder)
        {
            return refused!;
        }
        if (recorder.IsPaused)
        {
            return CommandResult.Done("The recording was already paused.");
        }
        recorder.Pause(command.Reason);
        LogRecordingPaused(_log, command.AgentId, command.Reason);
        return CommandResult.Done("Recording paused.");
    }

    /// <summary>The <see cref="ResumeRecording"/> command.</summary>
    internal CommandResult ResumeRecording(ResumeRecording command)
    {
        if (RecordingOf(command, out var refused) is not { } recorder)
        {
            return refused!;
        }
        if (!recorder.IsPaused)
        {
            return CommandResult.Done("The recording was not paused.");
        }
        recorder.Resume();
        LogRecordingResumed(_log, command.AgentId);
        return CommandResult.Done("Recording resumed.");
    }

    // Only the agent this call is connected to may pause or resume its recording.
    private CallRecorder? RecordingOf(AgentCommand command, out CommandResult? refused)
    {
        refused = !IsConnectedTo(command) ? CommandResult.NotYourCall
            : _recorder is null ? new CommandResult(CommandStatus.Unavailable, "That call is not being recorded.")
            : null;
        return refused is null ? _recorder!.Recorder : null;
    }

    /// <summary>Ends the conversation's media: third party dropped, recording closed, bridge detached, the caller's leg ours again (prompts, digits).</summary>
    private async Task UnbridgeAsync()
    {
        await DropThirdPartyAsync(rebridge: false).ConfigureAwait(false);
        if (_recorder is not null)
        {
            _services.Media.Clock.Remove(_recorder);
            _recorder.Dispose();
            _recorder = null;
        }
        if (_bridge is not null)
        {
            _bridge.Dispose();
            _bridge = null;
            _caller.Media.Session.Handler = _caller.Media;
        }
        await DropCentreAsync().ConfigureAwait(false);
    }

    /// <summary>Hangs up the centre's leg (if still up) and releases its media, keeping an agent's reception figures for the record.</summary>
    private async Task DropCentreAsync()
    {
        var centre = _centre;
        _centre = null;
        if (centre is null)
        {
            return;
        }
        await HangupQuietlyAsync(centre.Signalling).ConfigureAwait(false);
        await ReleaseMediaAsync(centre).ConfigureAwait(false);
    }

    // The centre leg's reception figures go into the call record; a leg that never carried audio
    // (rung, not answered) does not replace those of the one that did, and after a hand-over the
    // record keeps the agent's figures, not the partner's.
    private async Task ReleaseMediaAsync(CallLeg leg)
    {
        if (!_agentQualityFinal && leg.Quality() is { PacketsReceived: > 0 } quality)
        {
            _agentQuality = quality;
        }
        _services.Traces?.Sample(CallId, TraceName(leg), leg.Media.GetStatistics()); // the leg's last interval
        await leg.Media.DisposeAsync().ConfigureAwait(false);
    }
}
