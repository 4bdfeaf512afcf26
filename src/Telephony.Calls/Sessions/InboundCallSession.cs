using Telephony.Media.Legs;
using System.Globalization;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Telephony.Calls.Commands;
using Telephony.Calls.Ivr;
using Telephony.Calls.Legs;
using Telephony.Cases;
using Telephony.Ivr;
using Telephony.Media.Bridge;
using Telephony.Media.Sdp;
using Telephony.Media.Recording;
using Telephony.Sip.Messages;
using Telephony.Sip.UserAgent;

namespace Telephony.Calls.Sessions;

/// <summary>
/// One inbound call as a back-to-back user agent. The call holds named legs: the citizen's
/// (<see cref="_caller"/>), the centre's (<see cref="_centre"/>: an agent, or a partner after an
/// IVR transfer or a hand-over) and a third party's (<see cref="_third"/>: a supervisor or a
/// partner), each its own SIP dialog with media anchored here. Everything that happens to the
/// call (SIP events of any leg, key presses, the IVR's result, the ACD's decisions, commands from
/// desktops) goes through one mailbox read by one loop, so the call's state needs no locks.
/// The concerns live in partial files: <c>.Ivr</c>, <c>.Queue</c>, <c>.Connected</c>,
/// <c>.ThirdParty</c>, <c>.End</c>, <c>.Log</c>.
/// </summary>
internal sealed partial class InboundCallSession
{
    private readonly Channel<CallMessage> _mailbox = Channel.CreateUnbounded<CallMessage>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CallServices _services;
    private readonly CallLeg _caller;
    private readonly ILogger _log;
    private readonly SipIvrChannel _ivr;
    private readonly CallTimeline _timeline;

    private CallLeg? _centre;
    private CallLeg? _third;
    private string? _agentExtension;
    private string? _agentId;
    private CallOutcome _outcome = CallOutcome.Failed;

    public InboundCallSession(CallServices services, SipCall caller, MediaLeg callerMedia, ILogger log)
    {
        _services = services;
        _log = log;
        _timeline = new CallTimeline(services.Time.GetUtcNow());
        CallerNumber = (caller.Invite.From?.Uri as SipUri)?.User ?? caller.Invite.From?.Uri.ToString() ?? "anonymous";
        DialedNumber = (caller.Invite.RequestUri as SipUri)?.User ?? string.Empty;
        _caller = new CallLeg(LegRole.Caller, CallerNumber, new SipLegSignalling(caller), callerMedia);
        callerMedia.DigitReceived += d => Post(new DigitPressed(d));
        _ivr = new SipIvrChannel(CallId, CallerNumber, DialedNumber, callerMedia, services.Media, TransferAsync, HangupFromIvrAsync, services.Time, log);
    }

    public string CallId => _caller.Signalling.Id;

    public string CallerNumber { get; }

    public string DialedNumber { get; }

    public CallPhase Phase { get; private set; } = CallPhase.Answering;

    /// <summary>The queue positions announced to the caller so far (an immutable snapshot, readable from any thread).</summary>
    public IReadOnlyList<int> Announced { get; private set; } = [];

    /// <summary>Posts a message to the call's mailbox (any thread); false when the call is over.</summary>
    public bool Post(CallMessage message) => _mailbox.Writer.TryWrite(message);

    /// <summary>The call's loop; returns when the call is over and cleaned up.</summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        using var scope = _log.BeginScope(new Dictionary<string, object> { ["CallId"] = CallId });
        Forward(_caller.Signalling);
        LogAnswered(_log, CallerNumber, DialedNumber, _caller.Media.Remote?.ToString() ?? "?");
        RecordMilestone();
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
                    await EndAsync(CallOutcome.Failed, callerGone: false).ConfigureAwait(false);
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
                await EndAsync(CallOutcome.Failed, callerGone: false).ConfigureAwait(false);
            }
            _mailbox.Writer.TryComplete();
            FailPendingCommands();
        }
    }

    private async Task HandleAsync(CallMessage message)
    {
        switch (message)
        {
            case LegEvent e when ReferenceEquals(e.Leg, _caller.Signalling):
                await OnCallerEventAsync(e.Event).ConfigureAwait(false);
                break;
            case LegEvent e when ReferenceEquals(e.Leg, _centre?.Signalling):
                await OnCentreEventAsync(e.Event).ConfigureAwait(false);
                break;
            case LegEvent e when _consulting && ReferenceEquals(e.Leg, _third?.Signalling):
                await OnConsultEventAsync(e.Event).ConfigureAwait(false);
                break;
            case LegEvent e when ReferenceEquals(e.Leg, _third?.Signalling):
                await OnThirdEventAsync(e.Event).ConfigureAwait(false);
                break;
            case LegEvent { Event: CallEstablished } e:
                await HangupQuietlyAsync(e.Leg).ConfigureAwait(false); // a late answer from a leg we gave up on
                break;
            case CommandMessage c:
                c.Done.TrySetResult(await c.Command.ExecuteAsync(this).ConfigureAwait(false));
                break;
            case DigitPressed d:
                OnDigit(d.Digit);
                break;
            case IvrFinished f:
                await OnIvrFinishedAsync(f.Result).ConfigureAwait(false);
                break;
            case PopPushing pushing:
                OnPopPushing(pushing);
                break;
            case RingSeat ring:
                await AwaitPopAckAsync(ring).ConfigureAwait(false);
                break;
            case BrowserMediaSecured secured:
                await OnBrowserMediaSecuredAsync(secured).ConfigureAwait(false);
                break;
            case PopAckTimedOut t:
                await OnPopAckTimedOutAsync(t).ConfigureAwait(false);
                break;
            case WithdrawOffer w:
                await WithdrawOfferAsync(w).ConfigureAwait(false);
                break;
            case PositionChanged p when Phase == CallPhase.Queued && _queueExit is null:
                AnnouncePosition(p.Position);
                break;
            case QueueExitOrdered exit:
                await OnQueueExitAsync(exit.Exit).ConfigureAwait(false);
                break;
            case CallbackOfferExpired:
                await OnCallbackOfferExpiredAsync().ConfigureAwait(false);
                break;
            case QueueExitSpoken when _queueExit is { } exitOutcome:
                await EndAsync(exitOutcome, callerGone: false).ConfigureAwait(false);
                break;
            case StartTransfer t:
                await StartTransferAsync(t).ConfigureAwait(false);
                break;
            case TransferTimedOut t when ReferenceEquals(t.Leg, _centre?.Signalling) && Phase == CallPhase.Transferring:
                LogTransferNoAnswer(_log, _centre!.Party);
                await FailTransferAsync().ConfigureAwait(false);
                break;
            case Shutdown:
                // The node is stopping and the drain time is over (or there was none): we end the call, not the caller.
                await EndAsync(CallOutcome.Drained, callerGone: false).ConfigureAwait(false);
                break;
        }
    }

    private async Task OnCallerEventAsync(CallEvent e)
    {
        switch (e)
        {
            case CallEstablished when Phase == CallPhase.Answering:
                StartIvr();
                break;
            case RemoteSdpChanged changed:
                ApplyPeerOffer(_caller, changed.Sdp);
                break;
            case DtmfReceived d:
                OnDigit(d.Digit);
                break;
            case CallEnded ended when CallbackWaiting:
                // "Call me back": a queued entry stays in the ACD with its place (the call manager places the call when
                // its turn comes); one being offered ends its offer first and is queued again.
                LogCallerEnded(_log, ended.Reason.ToString(), Phase.ToString());
                var requeue = Phase == CallPhase.Ringing;
                _enqueued = requeue;
                await EndAsync(CallOutcome.CallbackRequested, callerGone: true).ConfigureAwait(false);
                _services.ParkCallback(new ParkedCallback(_queueCall!, requeue));
                break;
            case CallEnded ended:
                LogCallerEnded(_log, ended.Reason.ToString(), Phase.ToString());
                _callerLeftInIvr = Phase == CallPhase.Ivr; // a missed call owed a return call, unlike a script that ended it
                await EndAsync(Phase switch
                {
                    CallPhase.Connected or CallPhase.Survey => _transferredTo is null ? CallOutcome.Answered : CallOutcome.Transferred, // set on an IVR transfer and a hand-over
                    // Hanging up during the queue exit's words is no abandon; nor is waiting again after a transfer (an agent had answered).
                    CallPhase.Queued or CallPhase.Ringing => _queueExit ?? (_timeline.AnsweredAt is null ? CallOutcome.Abandoned : CallOutcome.Transferred),
                    _ => CallOutcome.Ivr,
                }, callerGone: true).ConfigureAwait(false);
                break;
        }
    }

    private void OnDigit(char digit)
    {
        if (Phase is CallPhase.Ivr or CallPhase.Survey)
        {
            _ivr.Digit(digit);
        }
        else if (Phase == CallPhase.Queued)
        {
            OnQueuedDigit(digit);
        }
    }

    /// <summary>This call for a supervisor's list (read from outside the call's loop: a snapshot, not a promise).</summary>
    /// <summary>The caller leg's media (thread-safe: the figures are read atomically by the session).</summary>
    public LegMedia CallerMedia() => new(_caller.Media.LocalRtpEndPoint, _caller.Media.GetStatistics());

    /// <summary>
    /// Adds a quality sample of each media leg to the call's trace (the sampler's timer, outside the loop: the legs
    /// are read once each and their counters are read atomically by the RTP session).
    /// </summary>
    public void SampleQuality(Tracing.CallTraces traces)
    {
        foreach (var leg in new[] { _caller, _centre, _third })
        {
            if (leg is not null)
            {
                traces.Sample(CallId, TraceName(leg), leg.Media.GetStatistics());
            }
        }
    }

    private static string TraceName(CallLeg leg) => leg.Role.ToString().ToLowerInvariant();

    public LiveCall Describe()
    {
        var third = _third;
        bool supervised = third?.Role == LegRole.Supervisor;
        return new(CallId, CallerNumber, DialedNumber, Phase.ToString(), _queue, _agentId, _agentExtension,
            supervised ? _mixMode.ToString().ToLowerInvariant() : null, supervised ? third!.Party : null,
            third?.Role == LegRole.Partner ? third.Party : null, _timeline.OfferedAt, _timeline.AnsweredAt);
    }

    /// <summary>Sends every event of a leg's dialog to this call's mailbox until the dialog ends.</summary>
    private void Forward(LegSignalling leg) => _ = ForwardAsync(leg);

    private Task ForwardAsync(LegSignalling leg) => LegEvent.PumpAsync(leg, Post);

    /// <summary>Opens a media leg and sends the INVITE for a new leg; null (logged) when either fails.</summary>
    /// <remarks><paramref name="route"/>: the seat's Path (RFC 3327), e.g. the Kamailio in front; the INVITE carries it as Route.</remarks>
    /// <param name="registeredFrom">The dialled phone's registration source (<see cref="Telephony.Sip.Registrar.Binding.Source"/>):
    /// with no <paramref name="route"/>, the INVITE goes over the TCP/TLS connection it registered on while that is open.</param>
    private async Task<CallLeg?> DialAsync(LegRole role, string party, string uri, string header, string? replaces = null, IReadOnlyList<string>? route = null,
        string? registeredFrom = null)
    {
        var media = MediaLeg.Open(_services.Media, MediaLegOptions.Server with { Logger = _log, Negotiator = CallerCodecFirst(SignalledOverTls(uri)) }, out var error);
        if (media is null)
        {
            LogNoPorts(_log, role.ToString(), error ?? "?");
            return null;
        }
        try
        {
            SipHeader[] headers = [new SipHeader(header, CallId), .. (route ?? []).Select(hop => new SipHeader(SipHeaderNames.Route, hop))];
            var flow = route is { Count: > 0 } ? null : _services.UserAgent.RegisteredFlow(registeredFrom);
            var sip = await _services.UserAgent.CallAsync(uri, media.CreateOffer(), replaces, headers, registeredFlow: flow).ConfigureAwait(false);
            var leg = new CallLeg(role, party, new SipLegSignalling(sip), media);
            Forward(leg.Signalling);
            return leg;
        }
        catch (Exception e) when (e is InvalidOperationException or FormatException or System.Net.Sockets.SocketException or ArgumentException)
        {
            LogDialFailed(_log, role.ToString(), party, e.Message);
            await media.DisposeAsync().ConfigureAwait(false);
            return null;
        }
    }

    /// <summary>
    /// The offer to the centre's or a third party's phone names the caller's codec first, so a phone
    /// that has it answers with it and the call is relayed as it is, not transcoded (an A-law caller
    /// to a µ-law offer used to cost a decode and an encode per packet, both ways).
    /// </summary>
    /// <remarks>
    /// <paramref name="offerSrtp"/>: the leg's signalling goes over TLS (a <c>sips:</c> or <c>;transport=tls</c> target),
    /// so SDES keys in the offer are off the wire and the leg is offered SRTP (RFC 4568 §8.3 asks for a secure
    /// signalling channel before keys are sent in SDP; over plain SIP we offer RTP/AVP).
    /// </remarks>
    private SdpNegotiatorOptions CallerCodecFirst(bool offerSrtp = false)
    {
        var defaults = MediaLegOptions.Server.Negotiator;
        var codecs = _caller.Media.Audio?.EncodingName is { } codec && defaults.Codecs.Contains(codec, StringComparer.OrdinalIgnoreCase)
            ? [codec, .. defaults.Codecs.Where(c => !c.Equals(codec, StringComparison.OrdinalIgnoreCase))]
            : defaults.Codecs;
        if (ReferenceEquals(codecs, defaults.Codecs) && !offerSrtp)
        {
            return defaults;
        }
        return new SdpNegotiatorOptions
        {
            Codecs = codecs,
            TelephoneEvent = defaults.TelephoneEvent,
            TelephoneEventPayloadType = defaults.TelephoneEventPayloadType,
            Ptime = defaults.Ptime,
            UserName = defaults.UserName,
            OfferSrtp = offerSrtp,
        };
    }

    /// <summary>Whether a leg to <paramref name="uri"/> is signalled over TLS (RFC 3261 §26.2).</summary>
    private static bool SignalledOverTls(string uri) =>
        SipUri.TryParse(uri, out var sip, out _) && (sip!.IsSecure || string.Equals(sip.Transport, "tls", StringComparison.OrdinalIgnoreCase));

    private async Task HangupQuietlyAsync(LegSignalling call)
    {
        if (call.Ended)
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

    /// <summary>Commands still in the mailbox when the call ended get an answer instead of a timeout.</summary>
    private void FailPendingCommands()
    {
        while (_mailbox.Reader.TryRead(out var message))
        {
            if (message is CommandMessage c)
            {
                c.Done.TrySetResult(CommandResult.NoSuchCall);
            }
        }
    }

    /// <summary>An agent command is for this call only when that agent is the one it is connected to.</summary>
    private bool IsConnectedTo(AgentCommand command) =>
        Phase == CallPhase.Connected && _centre?.Role == LegRole.Agent && string.Equals(_agentId, command.AgentId, StringComparison.Ordinal);

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{CallId} {Phase}");
}
