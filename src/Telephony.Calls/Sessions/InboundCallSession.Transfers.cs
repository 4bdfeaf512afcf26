using Telephony.Calls.Commands;
using Telephony.Calls.Legs;
using Telephony.Calls.Trunks;
using Telephony.ContactCenter.Events;
using Telephony.ContactCenter.Routing;
using Telephony.Media.Bridge;
using Telephony.Sip.Messages;
using Telephony.Sip.UserAgent;

namespace Telephony.Calls.Sessions;

// Transfers by the connected agent. Blind to an agent or a queue: the agent leaves at once (wrap-up) and the
// citizen waits with music for the next agent, whose pop says who transferred the call and carries the case
// being written; an agent is reached through their personal queue (AutomaticCallDistributor.Transfers), so the
// usual pop-before-ring, ring timeout and wrap-up apply. Blind to a number: the dial plan decides, the agent stays
// until it answers and then leaves. Attended (consultation): the citizen hears music while the agent talks to the
// colleague or number alone (a second bridge), then completes or cancels. A seat's phone asks the same with REFER
// (RFC 3515); the NOTIFYs report what really happened (100 Trying from the SIP layer, then 200 or the failure).
internal sealed partial class InboundCallSession
{
    private bool _consulting;                   // _third is the party an attended transfer consults
    private RtpBridge? _consultBridge;          // agent <-> consulted party while the citizen holds
    private string? _consultAgentId;            // the colleague consulted (their seat was set Not ready for it)
    private string? _consultNotReadyReason;     // the Not-ready reason their seat was given (null: it was not Ready, so left alone)
    private TakenOverSeat? _takenOver;          // the colleague's seat that holds the call now, Not ready outside the ACD
    private bool _handOverOnAnswer;             // blind transfer to a number: the partner takes the call when it answers
    private SipCall? _referrer;                 // the agent phone's dialog whose REFER waits for its outcome
    private string? _transferredFromAgent;

    /// <summary>The <see cref="BlindTransfer"/> command.</summary>
    internal async Task<CommandResult> BlindTransferAsync(BlindTransfer command)
    {
        if (!IsConnectedTo(command))
        {
            return CommandResult.NotYourCall;
        }
        if (_third is not null)
        {
            return new CommandResult(CommandStatus.Conflict, "Not while a third party is on the call.");
        }
        var value = command.Target.Value;
        switch (command.Target.Kind)
        {
            case TransferTargetKind.Queue:
                if (!_services.Acd.Queues.Any(q => q.Name == value))
                {
                    return Refused(command, $"There is no queue '{value}'.");
                }
                await RequeueForTransferAsync(value, [], null, command).ConfigureAwait(false);
                return CommandResult.Done($"Transferred to queue {value}.");
            case TransferTargetKind.Agent:
                if (value == command.AgentId || value == _agentExtension)
                {
                    return Refused(command, "The call is already yours.");
                }
                var route = await _services.Acd.RouteToAgentAsync(value, _queue).ConfigureAwait(false);
                if (route.Refusal is { } no)
                {
                    return Refused(command, no);
                }
                await RequeueForTransferAsync(route.Queue!, [route.Skill!], route.AgentId, command).ConfigureAwait(false);
                return CommandResult.Done($"Transferred to {route.AgentName}.");
            default:
                var plan = await _services.DialPlan.ResolveAsync(value, DialPurpose.Transfer, DialContextOf(command)).ConfigureAwait(false);
                if (plan.Target is not { } target)
                {
                    return Refused(command, plan.Refusal!);
                }
                if (!await CallThirdPartyAsync(LegRole.Partner, value, target.Uri, SupervisionMode.Barge, "X-Telephony-Call").ConfigureAwait(false))
                {
                    return Refused(command, $"{target.Name} could not be dialled.", CommandStatus.Unavailable);
                }
                _thirdTarget = target;
                _handOverOnAnswer = true;
                LogTransferDialling(_log, command.AgentId, value, target.Name);
                return CommandResult.Started($"Calling {target.Name}; the call is handed over when it answers.");
        }
    }

    /// <summary>The <see cref="ConsultTransfer"/> command: the citizen holds with music, the consulted party is called.</summary>
    internal async Task<CommandResult> ConsultTransferAsync(ConsultTransfer command)
    {
        if (!IsConnectedTo(command))
        {
            return CommandResult.NotYourCall;
        }
        if (_third is not null)
        {
            return new CommandResult(CommandStatus.Conflict, "Not while a third party is on the call.");
        }
        if (_bridge is null)
        {
            return CommandResult.NotConnected;
        }
        string party, uri;
        LegRole role;
        string? colleague = null;
        IReadOnlyList<string>? path = null; // a colleague's seat registered through a proxy (RFC 3327 Path)
        string? registeredFrom = null; // where it registered: its TCP/TLS connection, when it came on one
        switch (command.Target.Kind)
        {
            case TransferTargetKind.Queue:
                return Refused(command, "A queue cannot be consulted: transfer the call to it.");
            case TransferTargetKind.Agent:
                var reached = await ReachColleagueAsync(command).ConfigureAwait(false);
                if (reached.Refusal is { } no)
                {
                    return Refused(command, no, CommandStatus.Unavailable);
                }
                (party, uri, role, colleague, path, registeredFrom) = (reached.Extension!, reached.Contact!.ContactUri, LegRole.Agent, reached.AgentId, reached.Contact.RouteSet, reached.Contact.Source);
                break;
            default:
                var plan = await _services.DialPlan.ResolveAsync(command.Target.Value, DialPurpose.Conference, DialContextOf(command)).ConfigureAwait(false);
                if (plan.Target is not { } target)
                {
                    return Refused(command, plan.Refusal!);
                }
                (party, uri, role) = (target.Number, target.Uri, LegRole.Partner);
                _thirdTarget = target;
                break;
        }
        // The citizen holds: nothing relayed either way, music to the citizen; the agent's leg waits for the consulted party.
        HoldCitizenForConsultation();
        var leg = await DialAsync(role, party, uri, "X-Telephony-Call", route: path, registeredFrom: registeredFrom).ConfigureAwait(false);
        if (leg is null)
        {
            await ReleaseColleagueAsync(colleague, party).ConfigureAwait(false);
            ResumeCitizen();
            return Refused(command, $"{party} could not be called.", CommandStatus.Unavailable);
        }
        _third = leg;
        _consulting = true;
        _consultAgentId = colleague;
        _transferredFromAgent = command.AgentId;
        LogConsulting(_log, command.AgentId, leg.Label);
        return CommandResult.Started($"Calling {party}; the citizen is on hold.");
    }

    /// <summary>The <see cref="CompleteTransfer"/> command: the consulted party takes the citizen; the agent leaves.</summary>
    internal async Task<CommandResult> CompleteTransferAsync(CompleteTransfer command)
    {
        if (!IsConnectedTo(command))
        {
            return CommandResult.NotYourCall;
        }
        if (!_consulting || _third is null)
        {
            return new CommandResult(CommandStatus.NothingToUndo, "No consultation on that call.");
        }
        if (_consultBridge is null)
        {
            return new CommandResult(CommandStatus.WrongState, "The consulted party has not answered yet.");
        }
        _consultBridge.Dispose();
        _consultBridge = null;
        var consulted = _third;
        _third = null;
        _consulting = false;
        NoteParty(consulted.Label, $"agent {command.AgentId} transferred (attended) to");
        await NotifyReferrerAsync(200, "OK").ConfigureAwait(false);
        await HandOverCentreAsync(consulted, command.AgentId).ConfigureAwait(false);
        return CommandResult.Done("Transferred.");
    }

    /// <summary>The <see cref="CancelTransfer"/> command.</summary>
    internal async Task<CommandResult> CancelTransferAsync(CancelTransfer command)
    {
        if (!IsConnectedTo(command))
        {
            return CommandResult.NotYourCall;
        }
        if (!_consulting)
        {
            return new CommandResult(CommandStatus.NothingToUndo, "No consultation on that call.");
        }
        await EndConsultationAsync("cancelled by the agent").ConfigureAwait(false);
        return CommandResult.Done("Back with the citizen.");
    }

    /// <summary>The agent's phone asks to transfer (REFER, accepted after <see cref="CallManager"/>'s filter): carried out as the desk's blind transfer.</summary>
    private async Task OnReferAsync(TransferRequested refer)
    {
        var referrer = (_centre?.Signalling as SipLegSignalling)?.Call;
        if (_agentId is not { } agent || referrer is null)
        {
            return;
        }
        var user = SipUri.TryParse(refer.ReferTo, out var uri, out _) ? uri!.User : null;
        var target = user is null ? null : await ReferTargetAsync(user).ConfigureAwait(false);
        if (target is null)
        {
            await referrer.NotifyTransferResultAsync(403, "Forbidden (not a seat, queue or number)").ConfigureAwait(false);
            return;
        }
        _referrer = referrer;
        LogReferred(_log, agent, target.ToString(), refer.Replaces is null ? "blind" : "with Replaces");
        var result = refer.Replaces is { } replaces && target.Kind == TransferTargetKind.Agent
            ? await ReplaceConsultationAsync(agent, target.Value, replaces).ConfigureAwait(false)
            : await BlindTransferAsync(new BlindTransfer(agent, target)).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            await NotifyReferrerAsync(result.Status == CommandStatus.NotAllowed ? 403 : 480, result.Detail).ConfigureAwait(false);
        }
        // Done (a queue or an agent): the 200 went before the agent's leg was hung up. Started (a number): it follows the answer.
    }

    /// <summary>
    /// An attended transfer made on the agent's phone: it consulted the colleague at <paramref name="seat"/> on a call of
    /// its own (seat-to-seat calls are redirected, so that dialog is between the two phones) and asks us to replace that
    /// dialog with the citizen (RFC 5589 §7). We call the colleague's phone with the REFER's Replaces (RFC 3891 §3), so it
    /// swaps the consultation for our leg without ringing; when it answers, the citizen is handed over to it.
    /// </summary>
    private async Task<CommandResult> ReplaceConsultationAsync(string agentId, string seat, Telephony.Sip.Messages.ReplacesHeader replaces)
    {
        if (_third is not null)
        {
            return new CommandResult(CommandStatus.Conflict, "Not while a third party is on the call.");
        }
        var snapshot = await _services.Acd.Store.GetSeatAsync(seat).ConfigureAwait(false);
        var contacts = await _services.SeatPhones.ContactsAsync(seat).ConfigureAwait(false);
        if (snapshot?.AgentId is not { } colleague || contacts.Count == 0)
        {
            return new CommandResult(CommandStatus.Unavailable, $"Nobody can take the call at seat {seat}.");
        }
        // Talking on a direct call the ACD does not know of: not ready, so it offers them nothing else now.
        _consultNotReadyReason = null;
        if (snapshot.State == ContactCenter.Seats.SeatState.Ready
            && (await _services.Acd.SetNotReadyAsync(seat, colleague, ReplacedCallReason).ConfigureAwait(false)).Succeeded)
        {
            _consultNotReadyReason = ReplacedCallReason;
        }
        var now = _services.Time.GetUtcNow();
        await _services.Pops.PushScreenPopAsync(new ScreenPop(CallId, seat, colleague, CallerNumber, DialedNumber, _queueCall?.IvrPath ?? [],
            _queueCall?.IvrDigits ?? "", _language, _queue ?? "", now - _timeline.OfferedAt, now)
        { TransferredFrom = agentId }).ConfigureAwait(false);
        var leg = await DialAsync(LegRole.Agent, seat, contacts[0].ContactUri, "X-Telephony-Call", replaces.ToString(), contacts[0].RouteSet, contacts[0].Source).ConfigureAwait(false);
        if (leg is null)
        {
            return new CommandResult(CommandStatus.Unavailable, $"Seat {seat} could not be called.");
        }
        _third = leg;
        _handOverOnAnswer = true;
        _consultAgentId = colleague;
        return CommandResult.Started($"Replacing the consultation at seat {seat}.");
    }

    /// <summary>What a REFER's target user names: a seat (the agent there), a queue, or else a number for the dial plan.</summary>
    private async Task<TransferTarget> ReferTargetAsync(string user)
    {
        if (_services.Acd.Queues.Any(q => q.Name == user))
        {
            return new TransferTarget(TransferTargetKind.Queue, user);
        }
        var seat = await _services.Acd.Store.GetSeatAsync(user).ConfigureAwait(false);
        return new TransferTarget(seat is null ? TransferTargetKind.Number : TransferTargetKind.Agent, user);
    }

    /// <summary>Reports the REFER's outcome to the agent's phone (once) as a sipfrag NOTIFY.</summary>
    private async Task NotifyReferrerAsync(int status, string reason)
    {
        if (Interlocked.Exchange(ref _referrer, null) is not { } referrer)
        {
            return;
        }
        try
        {
            await referrer.NotifyTransferResultAsync(status, reason).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or InvalidOperationException or IOException or System.Net.Sockets.SocketException)
        {
            LogHangupFailed(_log, "NOTIFY: " + e.Message);
        }
    }

    /// <summary>
    /// Blind transfer to an agent or a queue: the agent's leg ends (the seat goes to wrap-up), the citizen hears music
    /// and is queued again with the same priority and path, needing <paramref name="skills"/> as well.
    /// </summary>
    private async Task RequeueForTransferAsync(string queue, IReadOnlyList<string> skills, string? toAgent, BlindTransfer command)
    {
        await NotifyReferrerAsync(200, "OK").ConfigureAwait(false); // before the phone's dialog is hung up
        _bridge?.Dispose();
        _bridge = null;
        _caller.Media.Session.Handler = _caller.Media;
        _agentHold = false;
        _agentMute = false;
        await DropCentreAsync().ConfigureAwait(false);
        await LeaveAcdAsync().ConfigureAwait(false); // the first seat goes to wrap-up now
        await ReleaseTakenOverSeatAsync().ConfigureAwait(false); // or a colleague's, who had taken the call over
        LogTransferredTo(_log, command.AgentId, toAgent ?? "queue " + queue);
        NoteParty(toAgent is null ? "queue " + queue : "agent " + toAgent, $"agent {command.AgentId} transferred to");
        _transferredFromAgent = command.AgentId;
        // _agentId stays the first agent's until the next one rings: a citizen who hangs up while waiting again
        // leaves a record naming the agent who answered.
        _queue = queue;
        Phase = CallPhase.Queued;
        _ = _caller.Media.Play(_services.HoldMusic.Next());
        var call = (_queueCall ?? new InboundCall(CallId, CallerNumber, DialedNumber, queue, 0, _language, [], "")) with
        {
            Queue = queue,
            // To an agent, only their personal skill counts (and the queue's, which they have): not the caller's language lane.
            Language = skills.Count > 0 ? string.Empty : _language,
            Skills = skills,
            TransferredFrom = command.AgentId,
            CaseDraft = command.CaseDraft,
        };
        _enqueued = true;
        RecordMilestone();
        await _services.Acd.EnqueueAsync(call).ConfigureAwait(false);
    }

    /// <summary>
    /// <paramref name="party"/> (answered) becomes the centre leg: the agent's leg is hung up, the seat goes to wrap-up,
    /// the citizen is bridged to them and the recording goes on with them as its second channel.
    /// </summary>
    private async Task HandOverCentreAsync(CallLeg party, string fromAgent)
    {
        if (_mix is not null)
        {
            _mix.Dispose();
            _mix = null;
        }
        _bridge?.Dispose();
        _bridge = null;
        _caller.Media.Session.Handler = _caller.Media;
        _caller.Media.StopPlaying();
        var extension = _agentExtension;
        await DropCentreAsync().ConfigureAwait(false);
        await LeaveAcdAsync().ConfigureAwait(false); // the seat goes to wrap-up now, not at the end
        await ReleaseTakenOverSeatAsync().ConfigureAwait(false); // a colleague who had taken it over and now passes it on
        _centre = party;
        if (party.Role == LegRole.Agent)
        {
            // A colleague: the call is theirs now (their desktop's commands, the record's agent).
            _agentId = _consultAgentId;
            _agentExtension = party.Party;
            _transferredFromAgent = fromAgent;
            if (_consultAgentId is { } colleague && _consultNotReadyReason is { } reason)
            {
                _takenOver = new TakenOverSeat(party.Party, colleague, reason);
            }
        }
        else
        {
            _agentQualityFinal = true; // the call record keeps the agent's figures, not the partner's
            _transferredTo = party.Party;
        }
        _consultAgentId = null;
        _consultNotReadyReason = null;
        _recorder?.RecordAgentLegAs(party.Media.CreateCodec(), party.Media.Audio!.PayloadType);
        Bridge();
        RecordMilestone();
        LogHandedOver(_log, extension ?? "?", party.Label);
    }

    /// <summary>A consulted colleague's seat, checked Ready, set Not ready for the consultation, their pop pushed.</summary>
    private async Task<(string? Extension, Telephony.Sip.Registrar.Binding? Contact, string? AgentId, string? Refusal)> ReachColleagueAsync(ConsultTransfer command)
    {
        var route = await _services.Acd.RouteToAgentAsync(command.Target.Value, _queue).ConfigureAwait(false);
        if (route.Refusal is { } no)
        {
            return (null, null, null, no);
        }
        if (route.AgentId == command.AgentId)
        {
            return (null, null, null, "The call is already yours.");
        }
        var extension = await _services.Acd.Store.FindSeatOfAgentAsync(route.AgentId!).ConfigureAwait(false);
        var seat = extension is null ? null : await _services.Acd.Store.GetSeatAsync(extension).ConfigureAwait(false);
        if (seat is not { State: ContactCenter.Seats.SeatState.Ready })
        {
            return (null, null, null, $"{route.AgentName} is not Ready ({seat?.State.ToString() ?? "not logged in"}).");
        }
        var contacts = await _services.SeatPhones.ContactsAsync(extension!).ConfigureAwait(false);
        if (contacts.Count == 0)
        {
            return (null, null, null, $"{route.AgentName}'s seat has no registered phone.");
        }
        // Not ready while consulted, so the ACD offers them nothing else; Ready again when the consultation ends, or when
        // the call they took leaves them (ReleaseTakenOverSeatAsync).
        var notReady = await _services.Acd.SetNotReadyAsync(extension!, route.AgentId!, ConsultationReason).ConfigureAwait(false);
        if (!notReady.Succeeded)
        {
            return (null, null, null, $"{route.AgentName} just took another call.");
        }
        _consultNotReadyReason = ConsultationReason;
        var now = _services.Time.GetUtcNow();
        await _services.Pops.PushScreenPopAsync(new ScreenPop(CallId, extension!, route.AgentId!, CallerNumber, DialedNumber, _queueCall?.IvrPath ?? [],
            _queueCall?.IvrDigits ?? "", _language, _queue ?? "", now - _timeline.OfferedAt, now)
        { TransferredFrom = command.AgentId, CaseDraft = command.CaseDraft }).ConfigureAwait(false);
        return (extension, contacts[0], route.AgentId, null);
    }

    /// <summary>A colleague consulted but not transferred to goes Ready again.</summary>
    private async Task ReleaseColleagueAsync(string? agentId, string extension)
    {
        if (agentId is not null)
        {
            await _services.Acd.SetReadyAsync(extension, agentId).ConfigureAwait(false);
        }
    }

    /// <summary>The Not-ready reason of a colleague's seat while consulted (and after, while the transferred call is theirs).</summary>
    internal const string ConsultationReason = "transfer consultation";

    /// <summary>The Not-ready reason of a seat whose phone swapped its consultation for the citizen (REFER with Replaces).</summary>
    internal const string ReplacedCallReason = "transferred call";

    /// <summary>
    /// A colleague who took the call by an attended transfer talks on a seat the ACD holds Not ready (the ACD did not
    /// offer them the call, and a Not-ready seat cannot enter OnCall). When the call leaves them (it ends, or they pass
    /// it on) the seat goes Ready after the wrap-up time, as the first agent's did; before this it stayed Not ready.
    /// </summary>
    private async Task ReleaseTakenOverSeatAsync()
    {
        if (_takenOver is not { } seat)
        {
            return;
        }
        _takenOver = null;
        try
        {
            await _services.Acd.ReleaseNotReadyAfterWrapUpAsync(seat.Extension, seat.AgentId, seat.Reason).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogAcdFailed(_log, e);
        }
    }

    /// <summary>The seat of a colleague who holds the call outside the ACD, and the Not-ready reason it was given.</summary>
    private sealed record TakenOverSeat(string Extension, string AgentId, string Reason);

    private void HoldCitizenForConsultation()
    {
        _bridge!.Dispose();
        _bridge = null;
        _caller.Media.Session.Handler = _caller.Media;
        _centre!.Media.Session.Handler = _centre.Media;
        _ = _caller.Media.Play(_services.HoldMusic.Next());
    }

    private void ResumeCitizen()
    {
        _caller.Media.StopPlaying();
        if (Phase == CallPhase.Connected && _centre is not null)
        {
            Bridge();
        }
    }

    /// <summary>Events of the consulted party's leg: its answer bridges it to the agent; its end gives the agent the citizen back.</summary>
    private async Task OnConsultEventAsync(CallEvent e)
    {
        var consulted = _third!;
        switch (e)
        {
            case CallEstablished established:
                var answer = consulted.Media.AcceptAnswer(established.RemoteSdp);
                if (!answer.Success || _centre is null)
                {
                    LogBadAnswer(_log, consulted.Label, answer.Error ?? "the agent left");
                    await EndConsultationAsync("unusable answer").ConfigureAwait(false);
                    return;
                }
                var codecs = _services.Media.Codecs;
                _consultBridge = new RtpBridge(_centre.Media.Session, BridgeLegFormat.From(_centre.Media.Audio!, codecs),
                    consulted.Media.Session, BridgeLegFormat.From(consulted.Media.Audio!, codecs), null, _log);
                LogConsultAnswered(_log, consulted.Label);
                break;
            case CallEnded ended:
                LogCentreRejected(_log, consulted.Label, ended.StatusCode, ended.Detail);
                await NotifyReferrerAsync(ended.StatusCode >= 300 ? ended.StatusCode : 487, ended.Detail).ConfigureAwait(false);
                await EndConsultationAsync("the consulted party left").ConfigureAwait(false);
                break;
        }
    }

    /// <summary>The consultation is over without a transfer: the consulted leg hung up, the agent has the citizen again.</summary>
    private async Task EndConsultationAsync(string why)
    {
        var consulted = _third;
        _third = null;
        _consulting = false;
        _consultBridge?.Dispose();
        _consultBridge = null;
        if (consulted is not null)
        {
            LogThirdPartyLeft(_log, consulted.Label, why);
            await HangupQuietlyAsync(consulted.Signalling).ConfigureAwait(false);
            await consulted.Media.DisposeAsync().ConfigureAwait(false);
            await ReleaseColleagueAsync(_consultAgentId, consulted.Party).ConfigureAwait(false);
        }
        _consultAgentId = null;
        _consultNotReadyReason = null;
        if (_centre is not null)
        {
            _centre.Media.Session.Handler = _centre.Media;
        }
        ResumeCitizen();
    }

    /// <summary>Refuses a transfer with <paramref name="reason"/>, logged with the agent and the target.</summary>
    private CommandResult Refused(AgentCommand command, string reason, CommandStatus status = CommandStatus.NotAllowed)
    {
        var target = command switch
        {
            BlindTransfer b => b.Target.ToString(),
            ConsultTransfer c => c.Target.ToString(),
            _ => "?",
        };
        LogTransferRefused(_log, command.AgentId, target, reason);
        return new CommandResult(status, reason);
    }
}
