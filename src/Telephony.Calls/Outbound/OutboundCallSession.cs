using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Telephony.Calls.Legs;
using Telephony.Calls.Sessions;
using Telephony.Cases;
using Telephony.Media.Bridge;
using Telephony.Media.Legs;
using Telephony.Media.Recording;
using Telephony.Sip.Messages;
using Telephony.Sip.UserAgent;

namespace Telephony.Calls.Outbound;

/// <summary>
/// One call the centre places (a callback, a missed-call return, a return visit) as a back-to-back user agent with
/// one mailbox: the agent's seat rings first (the agent already sees the citizen: the pop, or the case or task they
/// chose); when the agent answers, the citizen is dialled through the trunk; when the citizen answers, both are
/// bridged and recorded like an inbound call. Either side hanging up ends it. The record is an outbound call record
/// whose outcome says why it was placed; <see cref="Settled"/> says whether the citizen was reached.
/// </summary>
internal sealed partial class OutboundCallSession
{
    private readonly Channel<CallMessage> _mailbox = Channel.CreateUnbounded<CallMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly TaskCompletionSource<OutboundCallResult> _settled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CallServices _services;
    private readonly OutboundCallRequest _request;
    private readonly string _citizenTarget;
    private readonly Telephony.Sip.Registrar.Binding _agentPhone;
    private readonly ILogger _log;
    private readonly DateTimeOffset _startedAt;
    private readonly TimeSpan _ringTimeout;

    private CallLeg? _agent;
    private CallLeg? _citizen;
    private RtpBridge? _bridge;
    private RtpCallRecorder? _recorder;
    private string? _recordingPath;
    private DateTimeOffset? _agentRingingAt;
    private DateTimeOffset? _answeredAt;
    private bool _acdAnswered;
    private bool _withdrawn;
    private OutboundPhase _phase = OutboundPhase.RingingAgent;

    public OutboundCallSession(CallServices services, OutboundCallRequest request, string callId, string citizenTarget, Telephony.Sip.Registrar.Binding agentPhone, TimeSpan ringTimeout, ILogger log)
    {
        _services = services;
        _request = request;
        CallId = callId;
        _citizenTarget = citizenTarget;
        _agentPhone = agentPhone;
        _ringTimeout = ringTimeout;
        _log = log;
        _startedAt = services.Time.GetUtcNow();
    }

    private enum OutboundPhase { RingingAgent, RingingCitizen, Connected, Ended }

    /// <summary>Our id of the call: the record's call id and the <c>X-Telephony-Call</c> header of both legs.</summary>
    public string CallId { get; }

    public OutboundCallRequest Request => _request;

    /// <summary>Completes when the citizen answered or their leg (or the agent's, before it) failed.</summary>
    public Task<OutboundCallResult> Settled => _settled.Task;

    /// <summary>Posts to the call's mailbox (any thread); false when the call is over.</summary>
    public bool Post(CallMessage message) => _mailbox.Writer.TryWrite(message);

    /// <summary>The call's loop; returns when the call is over and its record handed to the writer.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        using var scope = _log.BeginScope(new Dictionary<string, object> { ["CallId"] = CallId });
        try
        {
            _agent = await DialAsync(LegRole.Agent, _request.Extension, _agentPhone.ContactUri, _agentPhone.RouteSet, _agentPhone.Source).ConfigureAwait(false);
            if (_agent is null)
            {
                await EndAsync(OutboundCallResult.AgentUnreachable).ConfigureAwait(false);
                return;
            }
            _agentRingingAt = _services.Time.GetUtcNow();
            LogRingingAgent(_log, _request.Extension, _request.Purpose.ToText(), _request.Number);
            _ = TimeOutAsync(_agent.Signalling);
            await foreach (var message in _mailbox.Reader.ReadAllAsync(stopping).ConfigureAwait(false))
            {
                try
                {
                    await HandleAsync(message).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogFailed(_log, e, message.GetType().Name);
                    await EndAsync(OutboundCallResult.Failed).ConfigureAwait(false);
                }
                if (_phase == OutboundPhase.Ended)
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
            if (_phase != OutboundPhase.Ended)
            {
                await EndAsync(OutboundCallResult.Failed).ConfigureAwait(false);
            }
            _mailbox.Writer.TryComplete();
        }
    }

    private async Task HandleAsync(CallMessage message)
    {
        switch (message)
        {
            case LegEvent e when ReferenceEquals(e.Leg, _agent?.Signalling):
                await OnAgentEventAsync(e.Event).ConfigureAwait(false);
                break;
            case LegEvent e when ReferenceEquals(e.Leg, _citizen?.Signalling):
                await OnCitizenEventAsync(e.Event).ConfigureAwait(false);
                break;
            case TransferTimedOut t when ReferenceEquals(t.Leg, _agent?.Signalling) && _phase == OutboundPhase.RingingAgent:
                LogNoAnswer(_log, _agent!.Label);
                await EndAsync(OutboundCallResult.AgentUnreachable).ConfigureAwait(false);
                break;
            case TransferTimedOut t when ReferenceEquals(t.Leg, _citizen?.Signalling) && _phase == OutboundPhase.RingingCitizen:
                LogNoAnswer(_log, "citizen " + _request.Number);
                await EndAsync(OutboundCallResult.NoAnswer).ConfigureAwait(false);
                break;
            case WithdrawOffer w when _phase == OutboundPhase.RingingAgent && w.Extension == _request.Extension:
                // The ACD's ring timeout: it already moved the entry on, so it is not told again.
                _withdrawn = true;
                await EndAsync(OutboundCallResult.AgentUnreachable).ConfigureAwait(false);
                break;
            case Shutdown:
                await EndAsync(OutboundCallResult.Failed).ConfigureAwait(false);
                break;
        }
    }

    private async Task OnAgentEventAsync(CallEvent e)
    {
        switch (e)
        {
            case CallEstablished established when _phase == OutboundPhase.RingingAgent:
                if (!_agent!.Media.AcceptAnswer(established.RemoteSdp).Success)
                {
                    await EndAsync(OutboundCallResult.AgentUnreachable).ConfigureAwait(false);
                    return;
                }
                if (_request.AcdCallId is { } acdCall)
                {
                    // A queued callback: the seat goes OnCall now, as for an inbound call the agent answers.
                    _acdAnswered = await _services.Acd.AgentAnsweredAsync(acdCall).ConfigureAwait(false);
                    if (!_acdAnswered)
                    {
                        await EndAsync(OutboundCallResult.AgentUnreachable).ConfigureAwait(false);
                        return;
                    }
                }
                // The agent hears ringback while the citizen's phone rings (RFC 3398 §8.2.1: the caller hears the alerting).
                _ = _agent.Media.Play(_services.HoldMusic.Next());
                _citizen = await DialAsync(LegRole.Caller, _request.Number, _citizenTarget).ConfigureAwait(false);
                if (_citizen is null)
                {
                    await EndAsync(OutboundCallResult.Failed).ConfigureAwait(false);
                    return;
                }
                _phase = OutboundPhase.RingingCitizen;
                LogDiallingCitizen(_log, _request.Number, _citizenTarget);
                _ = TimeOutAsync(_citizen.Signalling);
                break;
            case RemoteSdpChanged changed when _phase == OutboundPhase.Connected:
                FollowReOffer(_agent!, changed.Sdp);
                break;
            case CallEnded ended when _phase == OutboundPhase.RingingAgent:
                LogLegEnded(_log, _agent!.Label, ended.StatusCode, ended.Reason.ToString());
                await EndAsync(OutboundCallResult.AgentUnreachable, agentGone: true).ConfigureAwait(false);
                break;
            case CallEnded ended:
                // The agent gave up while the citizen's phone rang, or hung up the conversation.
                LogLegEnded(_log, _agent!.Label, ended.StatusCode, ended.Reason.ToString());
                await EndAsync(_phase == OutboundPhase.Connected ? OutboundCallResult.Reached : OutboundCallResult.NoAnswer, agentGone: true).ConfigureAwait(false);
                break;
        }
    }

    private async Task OnCitizenEventAsync(CallEvent e)
    {
        switch (e)
        {
            case CallEstablished established when _phase == OutboundPhase.RingingCitizen:
                var answer = _citizen!.Media.AcceptAnswer(established.RemoteSdp);
                if (!answer.Success)
                {
                    LogBadAnswer(_log, answer.Error ?? "?");
                    await EndAsync(OutboundCallResult.Failed).ConfigureAwait(false);
                    return;
                }
                Connect();
                break;
            case RemoteSdpChanged changed when _phase == OutboundPhase.Connected:
                FollowReOffer(_citizen!, changed.Sdp);
                break;
            case CallEnded ended when _phase == OutboundPhase.RingingCitizen:
                LogLegEnded(_log, "citizen " + _request.Number, ended.StatusCode, ended.Reason.ToString());
                await EndAsync(ResultOf(ended.StatusCode), citizenGone: true).ConfigureAwait(false);
                break;
            case CallEnded ended:
                LogLegEnded(_log, "citizen " + _request.Number, ended.StatusCode, ended.Reason.ToString());
                await EndAsync(OutboundCallResult.Reached, citizenGone: true).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>What a final response to the citizen's INVITE means for the attempt (RFC 3261 §21).</summary>
    internal static OutboundCallResult ResultOf(int statusCode) => statusCode switch
    {
        486 or 600 => OutboundCallResult.Busy,
        404 or 410 or 484 or 604 => OutboundCallResult.WrongNumber,
        408 or 480 or 487 or 603 => OutboundCallResult.NoAnswer,
        _ => OutboundCallResult.Failed,
    };

    /// <summary>The citizen answered: record both sides (citizen as the caller channel) and relay them.</summary>
    private void Connect()
    {
        var citizen = _citizen!;
        var agent = _agent!;
        var at = _services.Time.GetUtcNow();
        _answeredAt = at;
        agent.Media.StopPlaying();
        var path = _services.Recordings.PathFor(CallId, at);
        try
        {
            _recorder = new RtpCallRecorder(path, citizen.Media.CreateCodec(), citizen.Media.Audio!.PayloadType, agent.Media.CreateCodec(), agent.Media.Audio!.PayloadType,
                time: _services.Time, logger: _log);
            _services.Media.Clock.Add(_recorder);
            _recordingPath = path;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            CallMetrics.RecordingFailures.Add(1);
            LogRecordingFailed(_log, path, e.Message); // the conversation goes on unrecorded rather than not at all
        }
        var codecs = _services.Media.Codecs;
        _bridge = new RtpBridge(citizen.Media.Session, BridgeLegFormat.From(citizen.Media.Audio!, codecs),
            agent.Media.Session, BridgeLegFormat.From(agent.Media.Audio!, codecs), _recorder, _log);
        _phase = OutboundPhase.Connected;
        _settled.TrySetResult(OutboundCallResult.Reached);
        _services.Records.Write(Snapshot(live: true, OutboundCallResult.Reached));
        LogConnected(_log, _request.Number, _request.Extension, _recordingPath ?? "(none)");
    }

    private void FollowReOffer(CallLeg leg, ReadOnlyMemory<byte> sdp)
    {
        var (audio, _) = leg.Media.ApplyPeerOffer(sdp);
        if (audio is not null && _bridge is not null)
        {
            _bridge.UpdateLeg(ReferenceEquals(leg, _citizen) ? 0 : 1, BridgeLegFormat.From(audio, _services.Media.Codecs));
        }
    }

    private async Task EndAsync(OutboundCallResult result, bool agentGone = false, bool citizenGone = false)
    {
        if (_phase == OutboundPhase.Ended)
        {
            return;
        }
        _phase = OutboundPhase.Ended;
        _settled.TrySetResult(result);
        _bridge?.Dispose();
        _bridge = null;
        if (_recorder is not null)
        {
            _services.Media.Clock.Remove(_recorder);
            _recorder.Dispose();
            _recorder = null;
        }
        var agentQuality = _agent?.Quality();
        var citizenQuality = _citizen?.Quality();
        await ReleaseAsync(_citizen, hangUp: !citizenGone).ConfigureAwait(false);
        await ReleaseAsync(_agent, hangUp: !agentGone).ConfigureAwait(false);
        if (_request.AcdCallId is { } acdCall)
        {
            try
            {
                if (_acdAnswered)
                {
                    await _services.Acd.CallEndedAsync(acdCall).ConfigureAwait(false); // the seat goes to wrap-up
                }
                else if (!_withdrawn)
                {
                    // The agent's phone did not take it: the seat goes Not ready and the entry to the next agent, as for an inbound call.
                    await _services.Acd.OfferDeclinedAsync(acdCall, _request.Extension, "callback: " + OutboundResultText.Of(result)).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                LogAcdFailed(_log, e);
            }
        }
        LogEnded(_log, _request.Purpose.ToText(), result.ToString());
        _services.Records.Write(Snapshot(live: false, result) with
        {
            CallerMedia = citizenQuality is { PacketsReceived: > 0 } ? citizenQuality : null,
            AgentMedia = _answeredAt is null ? null : agentQuality,
        });
    }

    private async Task ReleaseAsync(CallLeg? leg, bool hangUp)
    {
        if (leg is null)
        {
            return;
        }
        if (hangUp && !leg.Signalling.Ended)
        {
            try
            {
                await leg.Signalling.HangupAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is TimeoutException or InvalidOperationException or IOException or System.Net.Sockets.SocketException)
            {
                LogHangupFailed(_log, e.Message);
            }
        }
        await leg.Media.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>The outbound call record: the centre calls <see cref="CallRecord.Called"/>; answered means the citizen answered.</summary>
    private CallRecord Snapshot(bool live, OutboundCallResult result) => new()
    {
        CallId = CallId,
        Caller = _request.Extension,
        Called = _request.Number,
        OfferedAt = _startedAt,
        AgentRingingAt = _agentRingingAt,
        AnsweredAt = _answeredAt,
        EndedAt = live ? null : _services.Time.GetUtcNow(),
        AgentId = _request.AgentId,
        Outcome = live ? null : _request.Purpose.ToText(),
        RecordingPath = _recordingPath,
        Direction = CallDirections.Outbound,
        CaseId = _request.CaseId,
        CallbackTaskId = _request.CallbackTaskId,
        Live = live,
        IvrPath = live ? null : "outbound:" + OutboundResultText.Of(result),
    };

    /// <summary>Opens a media leg and sends the INVITE (with our call id in <c>X-Telephony-Call</c>); null (logged) when either fails.</summary>
    /// <param name="route">The seat phone's Path (RFC 3327 §5.3: its preloaded Route set); empty for the citizen.</param>
    /// <param name="registeredFrom">The seat phone's registration source: its TCP/TLS connection, when it came on one.</param>
    private async Task<CallLeg?> DialAsync(LegRole role, string party, string uri, IReadOnlyList<string>? route = null, string? registeredFrom = null)
    {
        var media = MediaLeg.Open(_services.Media, MediaLegOptions.Server with { Logger = _log }, out var error);
        if (media is null)
        {
            LogNoPorts(_log, role.ToString(), error ?? "?");
            return null;
        }
        try
        {
            SipHeader[] headers = [new SipHeader("X-Telephony-Call", CallId), .. (route ?? []).Select(hop => new SipHeader(SipHeaderNames.Route, hop))];
            var flow = route is { Count: > 0 } ? null : _services.UserAgent.RegisteredFlow(registeredFrom);
            var sip = await _services.UserAgent.CallAsync(uri, media.CreateOffer(), null, headers, registeredFlow: flow).ConfigureAwait(false);
            var leg = new CallLeg(role, party, new SipLegSignalling(sip), media);
            _ = ForwardAsync(leg.Signalling);
            return leg;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or System.Net.Sockets.SocketException or ArgumentException)
        {
            LogDialFailed(_log, role.ToString(), party, e.Message);
            await media.DisposeAsync().ConfigureAwait(false);
            return null;
        }
    }

    private Task ForwardAsync(LegSignalling leg) => LegEvent.PumpAsync(leg, Post);

    private async Task TimeOutAsync(LegSignalling leg)
    {
        await _services.DelayAsync(_ringTimeout).ConfigureAwait(false);
        Post(new TransferTimedOut(leg));
    }
}

/// <summary>The text of an <see cref="OutboundCallResult"/> (logs, REST, the desk).</summary>
public static class OutboundResultText
{
    public static string Of(OutboundCallResult result) => result switch
    {
        OutboundCallResult.Reached => "reached",
        OutboundCallResult.NoAnswer => "no-answer",
        OutboundCallResult.Busy => "busy",
        OutboundCallResult.WrongNumber => "wrong-number",
        OutboundCallResult.AgentUnreachable => "agent-unreachable",
        _ => "failed",
    };

    /// <summary>What an attempt at a callback task counts as (nothing dialled or reached counts as no answer).</summary>
    public static Telephony.Cases.Callbacks.CallbackAttemptOutcome AttemptOutcomeOf(OutboundCallResult result) => result switch
    {
        OutboundCallResult.Reached => Telephony.Cases.Callbacks.CallbackAttemptOutcome.Reached,
        OutboundCallResult.Busy => Telephony.Cases.Callbacks.CallbackAttemptOutcome.Busy,
        OutboundCallResult.WrongNumber => Telephony.Cases.Callbacks.CallbackAttemptOutcome.WrongNumber,
        _ => Telephony.Cases.Callbacks.CallbackAttemptOutcome.NoAnswer,
    };
}
