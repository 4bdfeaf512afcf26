using System.Globalization;
using System.Threading.Channels;
using Telephony.Cases;
using Telephony.ContactCenter.Routing;
using Telephony.Ivr;
using Telephony.Media.Audio;
using Telephony.Media.Bridge;
using Telephony.Media.Mixing;
using Telephony.Media.Recording;
using Telephony.Server.Agents;
using Telephony.Sip.Messages;
using Telephony.Sip.UserAgent;

namespace Telephony.Server.Calls;

/// <summary>Where a call is in its life.</summary>
public enum CallPhase
{
    /// <summary>Answered, waiting for the ACK.</summary>
    Answering,
    /// <summary>The IVR script runs.</summary>
    Ivr,
    /// <summary>Waiting in an ACD queue (music on hold, position announcements).</summary>
    Queued,
    /// <summary>An agent's softphone rings (the caller still hears music).</summary>
    Ringing,
    /// <summary>The IVR hands the call to a partner hotline through the trunk; the partner rings.</summary>
    Transferring,
    /// <summary>Caller and agent talk; media bridged and recorded.</summary>
    Connected,
    /// <summary>The agent hung up; the caller answers the post-call survey.</summary>
    Survey,
    /// <summary>Over.</summary>
    Ended,
}

/// <summary>
/// One inbound call as a back-to-back user agent: the citizen's leg and (later) an agent's leg are
/// separate SIP dialogs, media is anchored here. Everything that happens to the call — SIP events of
/// either leg, key presses, the IVR's result, the ACD's decisions — goes through one mailbox read by
/// one loop, so the call's state needs no locks.
/// </summary>
internal sealed partial class InboundCallSession
{
    private readonly Channel<CallMessage> _mailbox = Channel.CreateUnbounded<CallMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CallManager _manager;
    private readonly SipCall _caller;
    private readonly MediaLeg _callerMedia;
    private readonly ILogger _log;
    private readonly SipIvrChannel _ivr;
    private readonly DateTimeOffset _offeredAt;

    private SipCall? _agentCall;
    private RingSeat? _awaitingPopAck;
    private string? _popPushedTo;   // agent whose pop is being pushed, until its seat rings
    private bool _popAckedEarly;    // that agent acknowledged before the RingSeat arrived
    private TaskCompletionSource<bool>? _transfer;
    private string? _transferredTo;
    private MediaLeg? _agentMedia;
    private MediaLegQuality? _agentQuality;
    private bool _agentQualityFinal;
    private SipCall? _thirdCall;
    private MediaLeg? _thirdMedia;
    private ThreePartyMix? _mix;
    private SupervisionMode _mixMode;
    private string? _thirdLabel;
    private string? _partnerNumber;
    private string? _supervisorSeat;
    private string? _agentExtension;
    private string? _agentId;
    private RtpBridge? _bridge;
    private RtpCallRecorder? _recorder;
    private IvrResult? _ivrResult;
    private string? _queue;
    private string _language = "zh";
    private bool _enqueued;
    private DateTimeOffset? _ivrEndedAt;
    private DateTimeOffset? _queuedAt;
    private DateTimeOffset? _ringingAt;
    private DateTimeOffset? _answeredAt;
    private string _outcome = "failed";
    private string? _recordingPath;
    private int? _surveyScore;
    private readonly bool[] _holding = new bool[2]; // per bridge leg (0 caller, 1 agent): that party put the other on hold

    public InboundCallSession(CallManager manager, SipCall caller, MediaLeg callerMedia, ILogger log)
    {
        _manager = manager;
        _caller = caller;
        _callerMedia = callerMedia;
        _log = log;
        _offeredAt = manager.Time.GetUtcNow();
        CallerNumber = (caller.Invite.From?.Uri as SipUri)?.User ?? caller.Invite.From?.Uri.ToString() ?? "anonymous";
        DialedNumber = (caller.Invite.RequestUri as SipUri)?.User ?? string.Empty;
        callerMedia.DigitReceived = d => Post(new DigitPressed(d));
        _ivr = new SipIvrChannel(CallId, CallerNumber, DialedNumber, callerMedia, manager.Media, TransferAsync, HangupFromIvrAsync, manager.Time, log);
    }

    public string CallId => _caller.CallId;

    public string CallerNumber { get; }

    public string DialedNumber { get; }

    public CallPhase Phase { get; private set; } = CallPhase.Answering;

    /// <summary>The queue positions announced to the caller so far (an immutable snapshot, readable from any thread).</summary>
    public IReadOnlyList<int> Announced { get; private set; } = [];

    /// <summary>Posts a message to the call's mailbox (any thread).</summary>
    public void Post(CallMessage message) => _mailbox.Writer.TryWrite(message);

    /// <summary>The call's loop; returns when the call is over and cleaned up.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        using var scope = _log.BeginScope(new Dictionary<string, object> { ["CallId"] = CallId });
        _ = ForwardAsync(_caller, e => new CallerLegEvent(e));
        LogAnswered(_log, CallerNumber, DialedNumber, _callerMedia.Remote?.ToString() ?? "?");
        try
        {
            await foreach (var message in _mailbox.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    await HandleAsync(message).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(_log, e, message.GetType().Name);
                    await EndAsync("failed", callerGone: false).ConfigureAwait(false);
                }
                if (Phase == CallPhase.Ended)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // host stopping
        }
        finally
        {
            if (Phase != CallPhase.Ended)
            {
                await EndAsync("failed", callerGone: false).ConfigureAwait(false);
            }
            _mailbox.Writer.TryComplete();
        }
    }

    private async Task HandleAsync(CallMessage message)
    {
        switch (message)
        {
            case CallerLegEvent { Event: CallEstablished } when Phase == CallPhase.Answering:
                StartIvr();
                break;
            case CallerLegEvent { Event: RemoteSdpChanged changed }:
                ApplyPeerOffer(CallerLeg, changed.Sdp);
                break;
            case CallerLegEvent { Event: DtmfReceived d }:
                OnDigit(d.Digit);
                break;
            case DigitPressed d:
                OnDigit(d.Digit);
                break;
            case CallerLegEvent { Event: Telephony.Sip.UserAgent.CallEnded ended }:
                LogCallerEnded(_log, ended.Reason.ToString(), Phase.ToString());
                await EndAsync(Phase switch
                {
                    CallPhase.Connected or CallPhase.Survey => _transferredTo is null ? "answered" : "transferred",
                    CallPhase.Queued or CallPhase.Ringing => "abandoned",
                    _ => "ivr",
                }, callerGone: true).ConfigureAwait(false);
                break;
            case IvrFinished f when Phase == CallPhase.Survey:
                LogSurvey(_log, f.Result.SurveyScore?.ToString(CultureInfo.InvariantCulture) ?? "none");
                _surveyScore = f.Result.SurveyScore;
                _manager.OnSurveyFinished(CallId, f.Result.SurveyScore);
                await EndAsync("answered", callerGone: false).ConfigureAwait(false);
                break;
            case IvrFinished f:
                await AfterIvrAsync(f.Result).ConfigureAwait(false);
                break;
            case PopPushing pushing:
                _popPushedTo = pushing.AgentId;
                _popAckedEarly = false;
                break;
            case RingSeat ring:
                await AwaitPopAckAsync(ring).ConfigureAwait(false);
                break;
            case PopAcknowledged ack:
                await OnPopAcknowledgedAsync(ack).ConfigureAwait(false);
                break;
            case RecordingControl r:
                r.Done.TrySetResult(ControlRecording(r));
                break;
            case PopAckTimedOut t when ReferenceEquals(t.Ring, _awaitingPopAck):
                LogPopNotAcknowledged(_log, t.Ring.Offer.Seat.Extension, t.Ring.Offer.Seat.AgentId ?? "?", (int)_manager.PopAckMaximumWait.TotalMilliseconds);
                _awaitingPopAck = null;
                await RingAsync(t.Ring).ConfigureAwait(false);
                break;
            case WithdrawOffer w when _awaitingPopAck is { } waiting && w.Extension == waiting.Offer.Seat.Extension:
                LogWithdrawn(_log, w.Extension);
                _awaitingPopAck = null;
                break;
            case WithdrawOffer w when w.Extension == _agentExtension && Phase == CallPhase.Ringing:
                LogWithdrawn(_log, w.Extension);
                await DropAgentLegAsync().ConfigureAwait(false);
                Phase = CallPhase.Queued;
                break;
            case PositionChanged p when Phase == CallPhase.Queued:
                AnnouncePosition(p.Position.Position);
                break;
            case StartTransfer t:
                await StartTransferAsync(t).ConfigureAwait(false);
                break;
            case TransferTimedOut t when ReferenceEquals(t.Leg, _agentCall) && Phase == CallPhase.Transferring:
                LogTransferNoAnswer(_log, _transferredTo ?? "?");
                await FailTransferAsync().ConfigureAwait(false);
                break;
            case SupervisionRequest r:
                r.Done.TrySetResult(await OnSupervisionRequestAsync(r).ConfigureAwait(false));
                break;
            case ConferenceRequest c:
                c.Done.TrySetResult(await OnConferenceRequestAsync(c).ConfigureAwait(false));
                break;
            case ThirdLegEvent e:
                await OnThirdLegEventAsync(e).ConfigureAwait(false);
                break;
            case AgentLegEvent a:
                await OnAgentEventAsync(a).ConfigureAwait(false);
                break;
            case Shutdown:
                await EndAsync("failed", callerGone: false).ConfigureAwait(false);
                break;
        }
    }

    private void OnDigit(char digit)
    {
        if (Phase is CallPhase.Ivr or CallPhase.Survey)
        {
            _ivr.Digit(digit);
        }
    }

    // ---------------------------------------------------------------- IVR

    private void StartIvr()
    {
        var script = _manager.Scripts.Current;
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
                ? await _manager.Interpreter.RunAsync(script, _ivr, _manager.Stopping).ConfigureAwait(false)
                : await _manager.Interpreter.RunSurveyAsync(script, _ivr, survey, _manager.Stopping).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogIvrFailed(_log, e);
            result = new IvrResult(IvrOutcome.HungUp, null, null, "ivr failed", [], new Dictionary<string, string>(), null, 0);
        }
        Post(new IvrFinished(result));
    }

    private async Task AfterIvrAsync(IvrResult result)
    {
        _ivrResult = result;
        _ivrEndedAt = _manager.Time.GetUtcNow();
        LogIvrDone(_log, result.Outcome.ToString(), result.PathText);
        switch (result.Outcome)
        {
            case IvrOutcome.Queued when result.Queue is { } request && Phase == CallPhase.Ivr:
                await EnqueueAsync(request).ConfigureAwait(false);
                break;
            case IvrOutcome.Transferred when Phase == CallPhase.Connected:
                break; // bridged to the partner hotline until either side hangs up
            case IvrOutcome.Transferred:
                await EndAsync("transferred", callerGone: false).ConfigureAwait(false);
                break;
            case IvrOutcome.CallerHungUp:
                break; // the caller's BYE ends the call
            default:
                await EndAsync("ivr", callerGone: false).ConfigureAwait(false);
                break;
        }
    }

    private async Task EnqueueAsync(IvrQueueRequest request)
    {
        _language = request.Language;
        _queue = _manager.Queues.Resolve(request.Queue, request.Language);
        var path = request.Path.Select(p => p.ToString()).ToList();
        var digits = string.Concat(request.Path.Where(p => p.Kind == IvrPathKind.Digits).Select(p => p.Value));
        Phase = CallPhase.Queued;
        _queuedAt = _manager.Time.GetUtcNow();
        _ = _callerMedia.Play(_manager.MusicOnHold());
        _enqueued = true;
        var position = await _manager.Acd.EnqueueAsync(new InboundCall(CallId, CallerNumber, DialedNumber, _queue, request.Priority, request.Language, path, digits, request.Skills)).ConfigureAwait(false);
        LogQueued(_log, _queue, request.Queue, position?.Position ?? 0);
    }

    private void AnnouncePosition(int position)
    {
        var script = _manager.Scripts.Current;
        if (script is null || position <= 0)
        {
            return;
        }
        var prompts = new List<Prompt>();
        foreach (var name in QueuePositionPhrase.Prompts(_language, position))
        {
            try
            {
                prompts.Add(_manager.Media.Prompts.Get(script.PromptPath(_language, name)));
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                LogPromptMissing(_log, name, e.Message);
            }
        }
        LogPosition(_log, position);
        Announced = [.. Announced, position];
        _ = _callerMedia.Play(new SequenceSource(new PromptPlayer(prompts), _manager.MusicOnHold()));
    }

    /// <summary>From the IVR task: dial the partner through the mailbox and wait for answered (true) or failed (false).</summary>
    private async ValueTask<bool> TransferAsync(string number, CancellationToken ct)
    {
        // Only numbers written in the operator's script may be dialled out, and only through the configured trunk.
        var target = _manager.Trunks.OutboundTarget(number, _manager.ScriptTransferNumbers());
        if (target is null)
        {
            LogTransfer(_log, number, "(not allowed or no outbound trunk)");
            return false;
        }
        var done = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Post(new StartTransfer(number, target, done));
        return await done.Task.WaitAsync(ct).ConfigureAwait(false);
    }

    private async Task StartTransferAsync(StartTransfer t)
    {
        if (Phase != CallPhase.Ivr)
        {
            t.Done.TrySetResult(false);
            return;
        }
        var media = MediaLeg.Open(_manager.Media, _log, out var error);
        if (media is null)
        {
            LogNoPorts(_log, error ?? "?");
            t.Done.TrySetResult(false);
            return;
        }
        _agentMedia = media;
        _transfer = t.Done;
        _transferredTo = t.Number;
        Phase = CallPhase.Transferring;
        try
        {
            _agentCall = await _manager.UserAgent.CallAsync(t.Target, media.CreateOffer(), null,
                [new SipHeader("X-Telephony-Call", CallId)]).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or System.Net.Sockets.SocketException or ArgumentException)
        {
            LogTransfer(_log, t.Number, e.Message);
            await FailTransferAsync().ConfigureAwait(false);
            return;
        }
        LogTransfer(_log, t.Number, t.Target);
        var leg = _agentCall;
        _ = ForwardAsync(leg, e => new AgentLegEvent(leg, e));
        _ = TimeoutTransferAsync(leg);
    }

    private async Task TimeoutTransferAsync(SipCall leg)
    {
        // On the SIP endpoint's one timer queue (same clock as the call manager's), not a timer per call.
        await _manager.UserAgent.Endpoint.Timers.DelayAsync(_manager.TransferRingTimeout).ConfigureAwait(false);
        Post(new TransferTimedOut(leg));
    }

    /// <summary>The partner did not take the call: the caller is back in the IVR, which goes on at the step's on-fail.</summary>
    private async Task FailTransferAsync()
    {
        await DropAgentLegAsync().ConfigureAwait(false);
        _transferredTo = null;
        Phase = CallPhase.Ivr;
        Interlocked.Exchange(ref _transfer, null)?.TrySetResult(false);
    }

    private ValueTask HangupFromIvrAsync() => ValueTask.CompletedTask; // the IVR's HungUp result ends the call in the loop

    // ---------------------------------------------------------------- agent leg

    /// <summary>The pop is pushed: wait (in the mailbox, not blocking it) for the desktop's acknowledgement, bounded.</summary>
    private async Task AwaitPopAckAsync(RingSeat ring)
    {
        if (Phase != CallPhase.Queued || _awaitingPopAck is not null)
        {
            return; // already ringing elsewhere or over; the ACD's timer settles the seat
        }
        var ackedEarly = _popAckedEarly && string.Equals(_popPushedTo, ring.Offer.Seat.AgentId, StringComparison.Ordinal);
        _popPushedTo = null;
        _popAckedEarly = false;
        if (ackedEarly)
        {
            // The desktop's acknowledgement overtook this message: the pop is there, ring now.
            await RingAsync(ring).ConfigureAwait(false);
            return;
        }
        _awaitingPopAck = ring;
        _ = TimeoutPopAckAsync(ring);
    }

    private async Task TimeoutPopAckAsync(RingSeat ring)
    {
        var wait = _manager.PopAckMaximumWait;
        if (wait > TimeSpan.Zero)
        {
            await _manager.UserAgent.Endpoint.Timers.DelayAsync(wait).ConfigureAwait(false);
        }
        Post(new PopAckTimedOut(ring));
    }

    // Only the agent this call is connected to may pause or resume its recording (sensitive data
    // such as a card number stays out of the file; the metadata lists the paused stretch).
    private RecordingControlResult ControlRecording(RecordingControl request)
    {
        if (Phase != CallPhase.Connected || !string.Equals(_agentId, request.AgentId, StringComparison.Ordinal))
        {
            return RecordingControlResult.NotYourCall;
        }
        if (_recorder is null)
        {
            return RecordingControlResult.NotRecording;
        }
        var recorder = _recorder.Recorder;
        if (request.Pause)
        {
            if (recorder.IsPaused)
            {
                return RecordingControlResult.AlreadyPaused;
            }
            recorder.Pause(request.Reason);
            LogRecordingPaused(_log, request.AgentId, request.Reason);
            return RecordingControlResult.Paused;
        }
        if (!recorder.IsPaused)
        {
            return RecordingControlResult.NotPaused;
        }
        recorder.Resume();
        LogRecordingResumed(_log, request.AgentId);
        return RecordingControlResult.Resumed;
    }

    private async Task OnPopAcknowledgedAsync(PopAcknowledged ack)
    {
        if (_awaitingPopAck is { } waiting && string.Equals(waiting.Offer.Seat.AgentId, ack.AgentId, StringComparison.Ordinal))
        {
            ack.Accepted.TrySetResult(true);
            LogPopAcknowledged(_log, waiting.Offer.Seat.Extension, ack.AgentId);
            _awaitingPopAck = null;
            await RingAsync(waiting).ConfigureAwait(false);
            return;
        }
        if (_awaitingPopAck is null && Phase == CallPhase.Queued && _popPushedTo is not null
            && string.Equals(_popPushedTo, ack.AgentId, StringComparison.Ordinal))
        {
            // Acknowledged before the RingSeat that follows the push reached this mailbox.
            _popAckedEarly = true;
            ack.Accepted.TrySetResult(true);
            return;
        }
        // A late acknowledgement (the wait ended first) from the agent whose seat now rings is harmless.
        ack.Accepted.TrySetResult(Phase == CallPhase.Ringing && string.Equals(_agentId, ack.AgentId, StringComparison.Ordinal));
    }

    private async Task RingAsync(RingSeat ring)
    {
        if (Phase != CallPhase.Queued)
        {
            return; // already ringing elsewhere or over; the ACD's timer settles the seat
        }
        _agentExtension = ring.Offer.Seat.Extension;
        _agentId = ring.Offer.Seat.AgentId;
        var media = MediaLeg.Open(_manager.Media, _log, out var error);
        if (media is null)
        {
            LogNoPorts(_log, error ?? "?");
            return;
        }
        _agentMedia = media;
        var contact = ring.Contacts[0].ContactUri;
        Phase = CallPhase.Ringing;
        _ringingAt = _manager.Time.GetUtcNow();
        try
        {
            _agentCall = await _manager.UserAgent.CallAsync(contact, media.CreateOffer(), null,
                [new SipHeader("X-Telephony-Call", CallId)]).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or System.Net.Sockets.SocketException or ArgumentException)
        {
            LogRingFailed(_log, _agentExtension, e.Message);
            await OfferFailedAsync("call failed (INVITE not sent)").ConfigureAwait(false);
            return;
        }
        LogRinging(_log, _agentExtension, contact);
        var leg = _agentCall;
        _ = ForwardAsync(leg, e => new AgentLegEvent(leg, e));
    }

    private async Task OnAgentEventAsync(AgentLegEvent a)
    {
        if (!ReferenceEquals(a.Leg, _agentCall))
        {
            if (a.Event is CallEstablished)
            {
                await HangupQuietlyAsync(a.Leg).ConfigureAwait(false); // a late answer from a seat we gave up on
            }
            return;
        }
        switch (a.Event)
        {
            case RemoteSdpChanged changed when Phase == CallPhase.Connected:
                ApplyPeerOffer(AgentLeg, changed.Sdp);
                break;
            case CallEstablished established when Phase == CallPhase.Ringing:
                await ConnectAsync(established).ConfigureAwait(false);
                break;
            case CallEstablished established when Phase == CallPhase.Transferring:
                await ConnectAsync(established).ConfigureAwait(false);
                Interlocked.Exchange(ref _transfer, null)?.TrySetResult(Phase == CallPhase.Connected);
                break;
            case Telephony.Sip.UserAgent.CallEnded ended when Phase == CallPhase.Transferring:
                LogAgentRejected(_log, _transferredTo ?? "?", ended.StatusCode, ended.Detail);
                _agentCall = null;
                await FailTransferAsync().ConfigureAwait(false);
                break;
            case Telephony.Sip.UserAgent.CallEnded ended when Phase == CallPhase.Connected:
                LogAgentHungUp(_log, _agentExtension ?? "?", ended.Reason.ToString());
                _agentCall = null;
                await UnbridgeAsync().ConfigureAwait(false);
                if (_transferredTo is null && _ivrResult?.Queue is { SurveyNode: not null } request && _manager.Scripts.Current is { } script)
                {
                    // The caller stays on the line for the script's post-call survey; its end hangs up.
                    Phase = CallPhase.Survey;
                    _ = RunIvrAsync(script, request);
                }
                else
                {
                    await EndAsync(_transferredTo is null ? "answered" : "transferred", callerGone: false).ConfigureAwait(false);
                }
                break;
            case Telephony.Sip.UserAgent.CallEnded ended when Phase == CallPhase.Ringing:
                // Busy, declined or unreachable: the caller stays queued with music, and the ACD is told now
                // (seat NotReady with the reason, call offered to the next agent) instead of at the ring timeout.
                LogAgentRejected(_log, _agentExtension ?? "?", ended.StatusCode, ended.Detail);
                _agentCall = null;
                await OfferFailedAsync(DeclineReason(ended.StatusCode)).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>The NotReady reason a seat gets when its softphone refuses a call with this final status.</summary>
    internal static string DeclineReason(int statusCode) => statusCode switch
    {
        486 or 600 => string.Create(CultureInfo.InvariantCulture, $"busy ({statusCode})"),
        603 => "declined (603)",
        0 => "call failed",
        _ => string.Create(CultureInfo.InvariantCulture, $"call failed ({statusCode})"),
    };

    /// <summary>The agent leg failed before it was answered: back to the queue, and the ACD moves the call on at once.</summary>
    private async Task OfferFailedAsync(string reason)
    {
        var extension = _agentExtension;
        await DropAgentLegAsync().ConfigureAwait(false);
        Phase = CallPhase.Queued;
        if (extension is null)
        {
            return;
        }
        try
        {
            // The ACD may offer the call on at once: its RingSeat lands in this mailbox after this message.
            await _manager.Acd.OfferDeclinedAsync(CallId, extension, reason).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogDeclineFailed(_log, e); // the ACD's ring timeout still moves the call on
        }
    }

    private async Task ConnectAsync(CallEstablished established)
    {
        var agentMedia = _agentMedia!;
        var answer = agentMedia.AcceptAnswer(established.RemoteSdp);
        if (!answer.Success)
        {
            LogBadAnswer(_log, answer.Error ?? "?");
            if (Phase == CallPhase.Transferring)
            {
                await FailTransferAsync().ConfigureAwait(false);
                return;
            }
            await DropAgentLegAsync().ConfigureAwait(false);
            Phase = CallPhase.Queued;
            return;
        }
        if (Phase != CallPhase.Transferring && !await _manager.Acd.AgentAnsweredAsync(CallId).ConfigureAwait(false))
        {
            LogOfferStale(_log, _agentExtension ?? "?");
            await DropAgentLegAsync().ConfigureAwait(false);
            Phase = CallPhase.Queued;
            return;
        }
        _answeredAt = _manager.Time.GetUtcNow();
        _callerMedia.StopPlaying();
        agentMedia.StopPlaying();
        var callerAudio = _callerMedia.Audio!;
        var agentAudio = agentMedia.Audio!;
        var path = _manager.RecordingPathFor(CallId, _answeredAt.Value);
        try
        {
            _recordingPath = path;
            _recorder = new RtpCallRecorder(path, _callerMedia.CreateCodec(), callerAudio.PayloadType, agentMedia.CreateCodec(), agentAudio.PayloadType,
                time: _manager.Time, logger: _log);
            _manager.Media.Clock.Add(_recorder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogRecordingFailed(_log, path, e.Message); // the conversation goes on unrecorded rather than not at all
            _recorder = null;
            _recordingPath = null;
        }
        Bridge();
        Phase = CallPhase.Connected;
        LogConnected(_log, _agentExtension ?? "?", _agentId ?? "?", callerAudio.EncodingName, agentAudio.EncodingName, _recorder?.Recorder.Path ?? "(none)");
    }

    /// <summary>Relays caller and agent directly (RTP bridge with the recorder as its tap).</summary>
    private void Bridge()
    {
        _bridge = new RtpBridge(_callerMedia.Session, BridgeLegFormat.From(_callerMedia.Audio!, _manager.Media.Codecs),
            _agentMedia!.Session, BridgeLegFormat.From(_agentMedia.Audio!, _manager.Media.Codecs), _recorder, _log);
    }

    // ------------------------------------------------------------ supervision

    /// <summary>A supervisor joins (calls their seat), changes the mode, or leaves.</summary>
    private async Task<SupervisionResult> OnSupervisionRequestAsync(SupervisionRequest request)
    {
        if (request.Leave)
        {
            if ((_thirdCall is null && _mix is null) || _partnerNumber is not null)
            {
                return SupervisionResult.NotSupervised;
            }
            LogThirdPartyLeft(_log, _thirdLabel ?? "?", "asked to leave");
            await DropThirdPartyAsync(rebridge: true).ConfigureAwait(false);
            return SupervisionResult.Left;
        }
        if (request.Seat is null)
        {
            if (_thirdCall is null || _partnerNumber is not null)
            {
                return SupervisionResult.NotSupervised;
            }
            _mixMode = request.Mode;
            _mix?.SetMode(request.Mode);
            LogSupervisionMode(_log, _thirdLabel ?? "?", request.Mode.ToString());
            return SupervisionResult.Changed;
        }
        if (Phase != CallPhase.Connected || _agentMedia is null)
        {
            return SupervisionResult.NotConnected;
        }
        if (_thirdCall is not null || _mix is not null)
        {
            return SupervisionResult.AlreadySupervised;
        }
        if (_bridge is null)
        {
            return SupervisionResult.NotConnected;
        }
        var contacts = await _manager.ContactsOfSeatAsync(request.Seat).ConfigureAwait(false);
        if (contacts.Count == 0)
        {
            LogThirdPartyUnreachable(_log, "supervisor seat " + request.Seat, "seat not registered");
            return SupervisionResult.SeatUnreachable;
        }
        if (!await CallThirdPartyAsync(contacts[0].ContactUri, "supervisor seat " + request.Seat, request.Mode, "X-Telephony-Supervise").ConfigureAwait(false))
        {
            return SupervisionResult.SeatUnreachable;
        }
        _supervisorSeat = request.Seat;
        LogSupervisorCalling(_log, request.Seat, request.Mode.ToString());
        return SupervisionResult.Calling;
    }

    /// <summary>
    /// Dials the third party of a connected call (a supervisor's seat, or a partner hotline through
    /// the trunk); mixing starts when it answers (<see cref="OnThirdLegEventAsync"/>).
    /// </summary>
    private async Task<bool> CallThirdPartyAsync(string uri, string label, SupervisionMode mode, string header)
    {
        var media = MediaLeg.Open(_manager.Media, _log, out var error);
        if (media is null)
        {
            LogThirdPartyUnreachable(_log, label, error ?? "no RTP port");
            return false;
        }
        SipCall call;
        try
        {
            call = await _manager.UserAgent.CallAsync(uri, media.CreateOffer(), null, [new SipHeader(header, CallId)]).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or System.Net.Sockets.SocketException or ArgumentException)
        {
            LogThirdPartyUnreachable(_log, label, e.Message);
            await media.DisposeAsync().ConfigureAwait(false);
            return false;
        }
        _thirdCall = call;
        _thirdMedia = media;
        _thirdLabel = label;
        _mixMode = mode;
        _ = ForwardAsync(call, e => new ThirdLegEvent(call, e));
        return true;
    }

    /// <summary>
    /// The connected agent brings a partner hotline into the call as a third party (everybody hears
    /// everybody), or drops it again (<see cref="ConferenceRequest.Number"/> null).
    /// </summary>
    private async Task<ConferenceResult> OnConferenceRequestAsync(ConferenceRequest request)
    {
        if (Phase != CallPhase.Connected || !string.Equals(_agentId, request.AgentId, StringComparison.Ordinal))
        {
            return ConferenceResult.NotYourCall;
        }
        if (request.HandOver)
        {
            return await HandOverToPartnerAsync().ConfigureAwait(false);
        }
        if (request.Number is null)
        {
            if (_partnerNumber is null)
            {
                return ConferenceResult.NoPartner;
            }
            LogThirdPartyLeft(_log, "partner " + _partnerNumber, "dropped by the agent");
            await DropThirdPartyAsync(rebridge: true).ConfigureAwait(false);
            return ConferenceResult.Dropped;
        }
        if (request.Target is null)
        {
            LogThirdPartyUnreachable(_log, "partner " + request.Number, "not a number the script names, or no outbound trunk");
            return ConferenceResult.NumberNotAllowed;
        }
        if (_thirdCall is not null || _mix is not null)
        {
            return ConferenceResult.ThirdPartyPresent;
        }
        if (_bridge is null)
        {
            return ConferenceResult.NotYourCall;
        }
        if (!await CallThirdPartyAsync(request.Target, "partner " + request.Number, SupervisionMode.Barge, "X-Telephony-Call").ConfigureAwait(false))
        {
            return ConferenceResult.Unreachable;
        }
        _partnerNumber = request.Number;
        LogConferencing(_log, request.Number);
        return ConferenceResult.Calling;
    }

    private async Task OnThirdLegEventAsync(ThirdLegEvent e)
    {
        if (ReferenceEquals(e.Leg, _agentCall))
        {
            // A partner the agent handed the call over to: its leg is the call's other leg now.
            await OnAgentEventAsync(new AgentLegEvent(e.Leg, e.Event)).ConfigureAwait(false);
            return;
        }
        if (!ReferenceEquals(e.Leg, _thirdCall))
        {
            if (e.Event is CallEstablished)
            {
                await HangupQuietlyAsync(e.Leg).ConfigureAwait(false); // a late answer after the supervisor was dropped
            }
            return;
        }
        switch (e.Event)
        {
            case CallEstablished established:
                var answer = _thirdMedia!.AcceptAnswer(established.RemoteSdp);
                if (!answer.Success || Phase != CallPhase.Connected || _bridge is null || _agentMedia is null)
                {
                    LogBadAnswer(_log, answer.Error ?? "the call is no longer connected");
                    await DropThirdPartyAsync(rebridge: true).ConfigureAwait(false);
                    return;
                }
                // From relaying to mixing: the bridge lets go of both legs, the mixer takes all three.
                _bridge.Dispose();
                _bridge = null;
                _mix = new ThreePartyMix(_manager.Media, _callerMedia, _agentMedia, _thirdMedia, _recorder, _mixMode);
                LogSupervising(_log, _thirdLabel ?? "?", _mixMode.ToString());
                break;
            case RemoteSdpChanged changed when _mix is not null:
                // The supervisor's phone moved its media (re-INVITE): rebuild the mix on the new format.
                if (_thirdMedia!.ApplyPeerOffer(changed.Sdp).Audio is null)
                {
                    LogBadReOffer(_log, "supervisor", "unusable offer");
                    break;
                }
                var mode = _mix.Mode;
                _mix.Dispose();
                _mix = new ThreePartyMix(_manager.Media, _callerMedia, _agentMedia!, _thirdMedia, _recorder, mode);
                break;
            case Telephony.Sip.UserAgent.CallEnded ended:
                LogThirdPartyLeft(_log, _thirdLabel ?? "?", ended.Reason.ToString());
                _thirdCall = null;
                await DropThirdPartyAsync(rebridge: true).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>Hangs up the third party's leg (supervisor or partner) and stops mixing; back to the direct bridge when still connected.</summary>
    private async Task DropThirdPartyAsync(bool rebridge)
    {
        var call = _thirdCall;
        _thirdCall = null;
        if (call is not null)
        {
            await HangupQuietlyAsync(call).ConfigureAwait(false);
        }
        if (_mix is not null)
        {
            _mix.Dispose();
            _mix = null;
            if (rebridge && Phase == CallPhase.Connected && _agentMedia is not null)
            {
                Bridge();
            }
        }
        if (_thirdMedia is not null)
        {
            await _thirdMedia.DisposeAsync().ConfigureAwait(false);
            _thirdMedia = null;
        }
        _thirdLabel = null;
        _partnerNumber = null;
        _supervisorSeat = null;
    }

    /// <summary>
    /// The agent leaves a conference; the partner's leg becomes the call's other leg (bridged to the
    /// citizen and recorded as the agent channel), the agent's seat goes to wrap-up, and the call
    /// ends as "transferred".
    /// </summary>
    private async Task<ConferenceResult> HandOverToPartnerAsync()
    {
        if (_partnerNumber is null || _mix is null || _thirdCall is null || _thirdMedia is null)
        {
            return ConferenceResult.NoPartner;
        }
        var number = _partnerNumber;
        _mix.Dispose();
        _mix = null;
        var agentCall = _agentCall;
        _agentCall = null;
        await DisposeAgentMediaAsync().ConfigureAwait(false);
        _agentQualityFinal = true; // the call record keeps the agent's figures, not the partner's
        if (agentCall is not null)
        {
            await HangupQuietlyAsync(agentCall).ConfigureAwait(false);
        }
        _agentCall = _thirdCall;
        _agentMedia = _thirdMedia;
        _thirdCall = null;
        _thirdMedia = null;
        _thirdLabel = null;
        _partnerNumber = null;
        _transferredTo = number;
        _recorder?.RecordAgentLegAs(_agentMedia.CreateCodec(), _agentMedia.Audio!.PayloadType);
        Bridge();
        if (_enqueued)
        {
            _enqueued = false; // the ACD is told now, not again at the end
            try
            {
                await _manager.Acd.CallEndedAsync(CallId).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogAcdFailed(_log, e);
            }
        }
        LogHandedOver(_log, _agentExtension ?? "?", number);
        return ConferenceResult.HandedOver;
    }

    /// <summary>This call for a supervisor's list (read from outside the call's loop: a snapshot, not a promise).</summary>
    public LiveCall Describe()
    {
        bool supervised = _thirdCall is not null && _partnerNumber is null;
        return new(CallId, CallerNumber, DialedNumber, Phase.ToString(), _queue, _agentId, _agentExtension,
            supervised ? _mixMode.ToString().ToLowerInvariant() : null, supervised ? _supervisorSeat : null, _partnerNumber);
    }

    private const int CallerLeg = 0;
    private const int AgentLeg = 1;

    /// <summary>
    /// A re-INVITE (or UPDATE) with a new offer on either leg: the leg's media follows it (address, codec,
    /// direction) and, while bridged, so does the bridge. A party that holds (sendonly/inactive, or
    /// c=0.0.0.0) is no longer relayed to the other, who hears our music on hold until the resume.
    /// </summary>
    private void ApplyPeerOffer(int leg, ReadOnlyMemory<byte> sdp)
    {
        var media = leg == CallerLeg ? _callerMedia : _agentMedia;
        if (media is null)
        {
            return;
        }
        var (audio, error) = media.ApplyPeerOffer(sdp);
        if (audio is null)
        {
            // The SIP layer already answered with our old SDP; the media stays as it was.
            LogBadReOffer(_log, leg == CallerLeg ? "caller" : "agent", error ?? "?");
            return;
        }
        var holds = audio.RemoteHold || audio.RemoteRtp is null;
        LogReOffer(_log, leg == CallerLeg ? "caller" : "agent", audio.EncodingName, audio.RemoteDirection.ToString(), audio.RemoteRtp?.ToString() ?? "none");
        if (_mix is not null && Phase == CallPhase.Connected)
        {
            // Supervised: the mix is rebuilt on the legs' new formats (codec, address) in the same
            // mode; a party on hold simply sends nothing into it for a while.
            var mode = _mix.Mode;
            _mix.Dispose();
            _mix = new ThreePartyMix(_manager.Media, _callerMedia, _agentMedia!, _thirdMedia!, _recorder, mode);
            return;
        }
        if (_bridge is null || Phase != CallPhase.Connected)
        {
            return; // not bridged: the leg plays prompts/music to the new address by itself
        }
        var format = BridgeLegFormat.From(audio, _manager.Media.Codecs);
        if (holds)
        {
            format = format with { Receive = false }; // the holder's own hold audio (or silence) is not relayed
        }
        _bridge.UpdateLeg(leg, format);
        var other = leg == CallerLeg ? _agentMedia : _callerMedia;
        if (holds && !_holding[leg])
        {
            _holding[leg] = true;
            LogHold(_log, leg == CallerLeg ? "caller" : "agent");
            _ = other?.Play(_manager.MusicOnHold());
        }
        else if (!holds && _holding[leg])
        {
            _holding[leg] = false;
            LogResume(_log, leg == CallerLeg ? "caller" : "agent");
            other?.StopPlaying();
        }
    }

    /// <summary>Ends the conversation's media: recording closed, bridge detached, the caller's leg ours again (prompts, digits).</summary>
    private async Task UnbridgeAsync()
    {
        await DropThirdPartyAsync(rebridge: false).ConfigureAwait(false);
        if (_recorder is not null)
        {
            _manager.Media.Clock.Remove(_recorder);
            _recorder.Dispose();
            _recorder = null;
        }
        if (_bridge is not null)
        {
            _bridge.Dispose();
            _bridge = null;
            _callerMedia.Session.Handler = _callerMedia;
        }
        await DisposeAgentMediaAsync().ConfigureAwait(false);
    }

    // The agent leg's reception figures go into the call record; a leg that never carried audio
    // (rung, not answered) does not replace those of the one that did.
    private async Task DisposeAgentMediaAsync()
    {
        if (_agentMedia is null)
        {
            return;
        }
        if (!_agentQualityFinal && QualityOf(_agentMedia) is { PacketsReceived: > 0 } quality)
        {
            _agentQuality = quality;
        }
        await _agentMedia.DisposeAsync().ConfigureAwait(false);
        _agentMedia = null;
    }

    private static MediaLegQuality QualityOf(MediaLeg media)
    {
        var stats = media.Session.GetStatistics();
        return new MediaLegQuality
        {
            PacketsReceived = stats.PacketsReceived,
            PacketsLost = Math.Max(0, stats.PacketsLost),
            JitterMilliseconds = Math.Round(stats.JitterMilliseconds, 3),
        };
    }

    private async Task DropAgentLegAsync()
    {
        var leg = _agentCall;
        _agentCall = null;
        if (leg is not null)
        {
            await HangupQuietlyAsync(leg).ConfigureAwait(false);
        }
        await DisposeAgentMediaAsync().ConfigureAwait(false);
    }

    // ---------------------------------------------------------------- the end

    private async Task EndAsync(string outcome, bool callerGone)
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
        var endedAt = _manager.Time.GetUtcNow();
        await UnbridgeAsync().ConfigureAwait(false);
        if (!callerGone)
        {
            await HangupQuietlyAsync(_caller).ConfigureAwait(false);
        }
        await DropAgentLegAsync().ConfigureAwait(false);
        if (_enqueued)
        {
            try
            {
                await _manager.Acd.CallEndedAsync(CallId).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogAcdFailed(_log, e);
            }
        }
        var callerQuality = QualityOf(_callerMedia);
        await _callerMedia.DisposeAsync().ConfigureAwait(false);
        LogEnded(_log, outcome, wasPhase.ToString());
        LogMediaQuality(_log, callerQuality.PacketsReceived, callerQuality.LossPercent, callerQuality.JitterMilliseconds,
            _agentQuality?.PacketsReceived ?? 0, _agentQuality?.LossPercent ?? 0, _agentQuality?.JitterMilliseconds ?? 0);
        await _manager.SaveRecordAsync(new CallRecord
        {
            CallId = CallId,
            Caller = CallerNumber,
            Called = DialedNumber,
            OfferedAt = _offeredAt,
            IvrEndedAt = _ivrEndedAt,
            QueuedAt = _queuedAt,
            AgentRingingAt = _ringingAt,
            AnsweredAt = _answeredAt,
            EndedAt = endedAt,
            IvrPath = _ivrResult?.PathText,
            Queue = _queue,
            AgentId = _answeredAt is null ? null : _agentId,
            Outcome = _outcome,
            RecordingPath = _recordingPath,
            SurveyScore = _surveyScore,
            CallerMedia = callerQuality.PacketsReceived > 0 ? callerQuality : null,
            AgentMedia = _agentQuality,
        }).ConfigureAwait(false);
    }

    private async Task HangupQuietlyAsync(SipCall call)
    {
        if (call.State == CallState.Ended)
        {
            return;
        }
        try
        {
            await call.HangupAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or IOException or System.Net.Sockets.SocketException)
        {
            LogHangupFailed(_log, e.Message);
        }
    }

    private async Task ForwardAsync(SipCall call, Func<CallEvent, CallMessage> wrap)
    {
        try
        {
            await foreach (var e in call.Events.ReadAllAsync().ConfigureAwait(false))
            {
                Post(wrap(e));
                if (e is Telephony.Sip.UserAgent.CallEnded)
                {
                    return;
                }
            }
        }
        catch (ChannelClosedException)
        {
        }
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{CallId} {Phase}");

    [LoggerMessage(Level = LogLevel.Information, Message = "Call from {Caller} to {Dialed} answered (media {Remote})")]
    private static partial void LogAnswered(ILogger logger, string caller, string dialed, string remote);

    [LoggerMessage(Level = LogLevel.Error, Message = "Handling {Message} failed; ending the call")]
    private static partial void LogFailed(ILogger logger, Exception e, string message);

    [LoggerMessage(Level = LogLevel.Information, Message = "Caller left ({Reason}) during {Phase}")]
    private static partial void LogCallerEnded(ILogger logger, string reason, string phase);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Seat {Extension} (agent {Agent}) acknowledged the screen-pop; ringing")]
    private static partial void LogPopAcknowledged(ILogger logger, string extension, string agent);

    [LoggerMessage(Level = LogLevel.Information, Message = "Seat {Extension} handed the call over to partner hotline {Number} and left")]
    private static partial void LogHandedOver(ILogger logger, string extension, string number);

    [LoggerMessage(Level = LogLevel.Information, Message = "The agent brings partner hotline {Number} into the call")]
    private static partial void LogConferencing(ILogger logger, string number);

    [LoggerMessage(Level = LogLevel.Information, Message = "Calling supervisor seat {Seat} to {Mode} the call")]
    private static partial void LogSupervisorCalling(ILogger logger, string seat, string mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Party} answered: caller, agent and {Party} are mixed ({Mode})")]
    private static partial void LogSupervising(ILogger logger, string party, string mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Party} switched to {Mode}")]
    private static partial void LogSupervisionMode(ILogger logger, string party, string mode);

    [LoggerMessage(Level = LogLevel.Information, Message = "Third party {Party} left the call ({Reason}); caller and agent relayed directly again")]
    private static partial void LogThirdPartyLeft(ILogger logger, string party, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Third party {Party} cannot be called: {Reason}")]
    private static partial void LogThirdPartyUnreachable(ILogger logger, string party, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {Agent} paused the recording: {Reason}")]
    private static partial void LogRecordingPaused(ILogger logger, string agent, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent {Agent} resumed the recording")]
    private static partial void LogRecordingResumed(ILogger logger, string agent);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seat {Extension} (agent {Agent}): desktop did not acknowledge the screen-pop within {Milliseconds} ms; ringing anyway")]
    private static partial void LogPopNotAcknowledged(ILogger logger, string extension, string agent, int milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "New offer from the {Leg} leg unusable, media unchanged: {Error}")]
    private static partial void LogBadReOffer(ILogger logger, string leg, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "New offer from the {Leg} leg applied: {Codec}, peer {Direction}, media to {Remote}")]
    private static partial void LogReOffer(ILogger logger, string leg, string codec, string direction, string remote);

    [LoggerMessage(Level = LogLevel.Information, Message = "The {Leg} put the call on hold; the other party hears music")]
    private static partial void LogHold(ILogger logger, string leg);

    [LoggerMessage(Level = LogLevel.Information, Message = "The {Leg} resumed the call")]
    private static partial void LogResume(ILogger logger, string leg);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ring timeout: stop ringing seat {Extension}")]
    private static partial void LogWithdrawn(ILogger logger, string extension);

    [LoggerMessage(Level = LogLevel.Error, Message = "No IVR script in service; ending the call")]
    private static partial void LogNoScript(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "IVR run failed")]
    private static partial void LogIvrFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Information, Message = "IVR ended {Outcome}: {Path}")]
    private static partial void LogIvrDone(ILogger logger, string outcome, string path);

    [LoggerMessage(Level = LogLevel.Information, Message = "Queued in {Queue} (IVR queue {IvrQueue}), position {Position}")]
    private static partial void LogQueued(ILogger logger, string queue, string ivrQueue, int position);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Prompt {Name} missing: {Reason}")]
    private static partial void LogPromptMissing(ILogger logger, string name, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Announcing queue position {Position}")]
    private static partial void LogPosition(ILogger logger, int position);

    [LoggerMessage(Level = LogLevel.Information, Message = "IVR transfer to {Number}: {Target}")]
    private static partial void LogTransfer(ILogger logger, string number, string target);

    [LoggerMessage(Level = LogLevel.Error, Message = "No RTP ports for the agent leg: {Error}")]
    private static partial void LogNoPorts(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "INVITE to seat {Extension} failed: {Reason}")]
    private static partial void LogRingFailed(ILogger logger, string extension, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ringing seat {Extension} at {Contact}")]
    private static partial void LogRinging(ILogger logger, string extension, string contact);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent at seat {Extension} hung up ({Reason})")]
    private static partial void LogAgentHungUp(ILogger logger, string extension, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Seat {Extension} did not take the call: {Code} {Detail}")]
    private static partial void LogAgentRejected(ILogger logger, string extension, int code, string detail);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Agent's SDP answer unusable: {Error}")]
    private static partial void LogBadAnswer(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Seat {Extension} answered an offer the ACD no longer holds; hanging up that leg")]
    private static partial void LogOfferStale(ILogger logger, string extension);

    [LoggerMessage(Level = LogLevel.Error, Message = "Recording {Path} cannot be written: {Reason}")]
    private static partial void LogRecordingFailed(ILogger logger, string path, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Connected to seat {Extension} (agent {Agent}), {CallerCodec}<->{AgentCodec}, recording {Path}")]
    private static partial void LogConnected(ILogger logger, string extension, string agent, string callerCodec, string agentCodec, string path);

    [LoggerMessage(Level = LogLevel.Error, Message = "Telling the ACD the seat declined failed; its ring timeout moves the call on")]
    private static partial void LogDeclineFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Error, Message = "Telling the ACD the call ended failed")]
    private static partial void LogAcdFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Information, Message = "Media received: caller {CallerPackets} packets, {CallerLoss:F2} % lost, jitter {CallerJitter:F1} ms; agent {AgentPackets} packets, {AgentLoss:F2} % lost, jitter {AgentJitter:F1} ms")]
    private static partial void LogMediaQuality(ILogger logger, long callerPackets, double callerLoss, double callerJitter, long agentPackets, double agentLoss, double agentJitter);

    [LoggerMessage(Level = LogLevel.Information, Message = "Call ended: {Outcome} (during {Phase})")]
    private static partial void LogEnded(ILogger logger, string outcome, string phase);

    [LoggerMessage(Level = LogLevel.Information, Message = "Transfer to {Number}: no answer in time")]
    private static partial void LogTransferNoAnswer(ILogger logger, string number);

    [LoggerMessage(Level = LogLevel.Information, Message = "Post-call survey score: {Score}")]
    private static partial void LogSurvey(ILogger logger, string score);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Hangup of a leg failed: {Reason}")]
    private static partial void LogHangupFailed(ILogger logger, string reason);
}
