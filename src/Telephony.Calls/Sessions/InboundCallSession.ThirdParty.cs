using Telephony.Calls.Commands;
using Telephony.Calls.Legs;
using Telephony.Calls.Trunks;
using Telephony.Sip.UserAgent;

namespace Telephony.Calls.Sessions;

// A third party on a connected call: a supervisor (monitor, whisper, barge) or a partner hotline the
// agent brings in (everybody hears everybody), one at a time. While it is on, the three legs are
// mixed (ThreePartyMix) instead of relayed; the agent may hand the call over to the partner and leave.
internal sealed partial class InboundCallSession
{
    private ThreePartyMix? _mix;
    private SupervisionMode _mixMode;
    private DialTarget? _thirdTarget; // the directory entry a partner leg dialled (for the call's notes)

    /// <summary>Who asks the dial plan: this call, its citizen, the agent.</summary>
    private DialContext DialContextOf(AgentCommand command) => new(CallId, command.AgentId, CallerNumber);

    /// <summary>The <see cref="Supervise"/> command: ring the supervisor's seat; mixing starts when it answers.</summary>
    internal async Task<CommandResult> SuperviseAsync(Supervise command)
    {
        if (SupervisionRefusal() is { } refused)
        {
            return refused;
        }
        var contacts = await _services.SeatPhones.ContactsAsync(command.Seat).ConfigureAwait(false);
        if (contacts.Count == 0)
        {
            LogThirdPartyUnreachable(_log, "supervisor seat " + command.Seat, "seat not registered");
            return new CommandResult(CommandStatus.Unavailable, "The supervisor's seat cannot be called (no registered phone).");
        }
        if (!await CallThirdPartyAsync(LegRole.Supervisor, command.Seat, contacts[0].ContactUri, command.Mode, "X-Telephony-Supervise", contacts[0].RouteSet, contacts[0].Source).ConfigureAwait(false))
        {
            return new CommandResult(CommandStatus.Unavailable, "The supervisor's seat cannot be called.");
        }
        LogSupervisorCalling(_log, command.Seat, command.Mode.ToString());
        return CommandResult.Started("calling");
    }

    /// <summary>Why a supervisor cannot join now (the call is not a conversation, or a third party is on it); null when they can.</summary>
    private CommandResult? SupervisionRefusal()
    {
        if (Phase != CallPhase.Connected || _centre is null || _bridge is null && _mix is null)
        {
            return CommandResult.NotConnected;
        }
        return _third is null ? null : new CommandResult(CommandStatus.Conflict, _third.Role == LegRole.Supervisor
            ? "A supervisor is already on that call." : "A partner is on that call.");
    }

    /// <summary>The <see cref="ChangeSupervision"/> command.</summary>
    internal CommandResult ChangeSupervision(ChangeSupervision command)
    {
        if (_third?.Role != LegRole.Supervisor)
        {
            return new CommandResult(CommandStatus.NothingToUndo, "No supervisor is on that call.");
        }
        _mixMode = command.Mode;
        _mix?.SetMode(command.Mode);
        LogSupervisionMode(_log, _third.Label, command.Mode.ToString());
        return CommandResult.Done("changed");
    }

    /// <summary>The <see cref="EndSupervision"/> command.</summary>
    internal Task<CommandResult> EndSupervisionAsync() =>
        RemoveThirdPartyAsync(LegRole.Supervisor, "No supervisor is on that call.", "asked to leave", "left");

    /// <summary>The <see cref="AddPartner"/> command: dial a partner hotline the dial plan allows, through the trunk.</summary>
    internal async Task<CommandResult> AddPartnerAsync(AddPartner command)
    {
        if (!IsConnectedTo(command))
        {
            return CommandResult.NotYourCall;
        }
        if (_third is not null)
        {
            return new CommandResult(CommandStatus.Conflict, "A supervisor or partner is already on that call.");
        }
        // The mailbox waits for the dial plan's answer (a directory read at most every 30 s, a citizen lookup):
        // nothing else of this call may change meanwhile, and the answer decides what the agent is told.
        var plan = await _services.DialPlan.ResolveAsync(command.Number, DialPurpose.Conference, DialContextOf(command)).ConfigureAwait(false);
        if (plan.Target is not { } target)
        {
            return new CommandResult(CommandStatus.NotAllowed, plan.Refusal!);
        }
        if (!await CallThirdPartyAsync(LegRole.Partner, command.Number, target.Uri, SupervisionMode.Barge, "X-Telephony-Call").ConfigureAwait(false))
        {
            return new CommandResult(CommandStatus.Unavailable, "The partner could not be dialled.");
        }
        _thirdTarget = target;
        LogConferencing(_log, command.Number);
        return CommandResult.Started("calling");
    }

    /// <summary>The <see cref="DropPartner"/> command.</summary>
    internal Task<CommandResult> DropPartnerAsync(DropPartner command) =>
        IsConnectedTo(command)
            ? RemoveThirdPartyAsync(LegRole.Partner, "No partner is on that call.", "dropped by the agent", "dropped")
            : Task.FromResult(CommandResult.NotYourCall);

    /// <summary>Ends the third leg if it is the <paramref name="role"/> named (a supervisor leaving, a partner dropped) and rebridges the call.</summary>
    private async Task<CommandResult> RemoveThirdPartyAsync(LegRole role, string nobodyThere, string why, string done)
    {
        if (_third?.Role != role)
        {
            return new CommandResult(CommandStatus.NothingToUndo, nobodyThere);
        }
        LogThirdPartyLeft(_log, _third.Label, why);
        if (_mix is not null)
        {
            NoteParty(_third.Party, done);
        }
        await DropThirdPartyAsync(rebridge: true).ConfigureAwait(false);
        return CommandResult.Done(done);
    }

    /// <summary>
    /// The <see cref="HandOverToPartner"/> command: the agent leaves a conference; the partner's leg becomes
    /// the centre leg (bridged to the citizen and recorded as the agent channel), the seat goes to wrap-up,
    /// and the call ends as "transferred".
    /// </summary>
    internal async Task<CommandResult> HandOverToPartnerAsync(HandOverToPartner command)
    {
        if (!IsConnectedTo(command))
        {
            return CommandResult.NotYourCall;
        }
        if (_third is not { Role: LegRole.Partner } partner || _mix is null || _consulting)
        {
            return new CommandResult(CommandStatus.NothingToUndo, "No partner is on that call.");
        }
        _third = null;
        NoteParty(partner.Party, "handed over");
        await HandOverCentreAsync(partner, command.AgentId).ConfigureAwait(false);
        return CommandResult.Done("handed over");
    }

    /// <summary>Dials the third party of a connected call; mixing starts when it answers (<see cref="OnThirdEventAsync"/>).</summary>
    private async Task<bool> CallThirdPartyAsync(LegRole role, string party, string uri, SupervisionMode mode, string header, IReadOnlyList<string>? route = null,
        string? registeredFrom = null)
    {
        var leg = await DialAsync(role, party, uri, header, route: route, registeredFrom: registeredFrom).ConfigureAwait(false);
        if (leg is null)
        {
            return false;
        }
        _third = leg;
        _mixMode = mode;
        return true;
    }

    private async Task OnThirdEventAsync(CallEvent e)
    {
        var third = _third!;
        switch (e)
        {
            case CallEstablished established:
                var answer = third.Media.AcceptAnswer(established.RemoteSdp);
                if (!answer.Success || Phase != CallPhase.Connected || _bridge is null || _centre is null)
                {
                    LogBadAnswer(_log, third.Label, answer.Error ?? "the call is no longer connected");
                    await DropThirdPartyAsync(rebridge: true).ConfigureAwait(false);
                    return;
                }
                if (_handOverOnAnswer)
                {
                    // A blind transfer to a number: the partner takes the citizen now; the agent leaves.
                    _handOverOnAnswer = false;
                    _third = null;
                    NoteParty(third.Role == LegRole.Agent ? "agent " + _consultAgentId : third.Party, $"agent {_agentId} transferred to");
                    await NotifyReferrerAsync(200, "OK").ConfigureAwait(false);
                    await HandOverCentreAsync(third, _agentId ?? "?").ConfigureAwait(false);
                    return;
                }
                if (third.Media.WebRtc is { } webRtc)
                {
                    AwaitSecured(third, webRtc); // a supervisor's browser: mixed once its media is secured (.Listening)
                    break;
                }
                StartMixing(third);
                break;
            case RemoteSdpChanged changed when _mix is not null:
                // The third party's phone moved its media (re-INVITE): rebuild the mix on the new format.
                if (third.Media.ApplyPeerOffer(changed.Sdp).Audio is null)
                {
                    LogBadReOffer(_log, third.Label, "unusable offer");
                    break;
                }
                RebuildMix();
                break;
            case CallEnded ended:
                LogThirdPartyLeft(_log, third.Label, ended.Reason.ToString());
                if (_handOverOnAnswer)
                {
                    _handOverOnAnswer = false; // the number did not take the call: the agent still has the citizen
                    await NotifyReferrerAsync(ended.StatusCode >= 300 ? ended.StatusCode : 487, ended.Detail).ConfigureAwait(false);
                }
                else if (_mix is not null)
                {
                    NoteParty(third.Party, "left");
                }
                await DropThirdPartyAsync(rebridge: true).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>From relaying to mixing: the bridge lets go of caller and centre, the mixer takes all three legs.</summary>
    private void StartMixing(CallLeg third)
    {
        NoteParty(third.Party, third.Role == LegRole.Partner ? "brought in" : "supervising");
        _bridge!.Dispose();
        _bridge = null;
        _mix = new ThreePartyMix(_services.Media, _caller.Media, _centre!.Media, third.Media, _recorder, _mixMode);
        LogSupervising(_log, third.Label, _mixMode.ToString());
    }

    /// <summary>The mix again on the legs' current formats, in the same mode (after a re-INVITE on any leg).</summary>
    private void RebuildMix()
    {
        var mode = _mix!.Mode;
        _mix.Dispose();
        _mix = new ThreePartyMix(_services.Media, _caller.Media, _centre!.Media, _third!.Media, _recorder, mode);
    }

    /// <summary>Hangs up the third party's leg and stops mixing; back to the direct bridge when still connected.</summary>
    private async Task DropThirdPartyAsync(bool rebridge)
    {
        if (_consulting)
        {
            await EndConsultationAsync("the call ended").ConfigureAwait(false);
            return;
        }
        _handOverOnAnswer = false;
        var third = _third;
        _third = null;
        if (third is not null)
        {
            await HangupQuietlyAsync(third.Signalling).ConfigureAwait(false);
        }
        if (_mix is not null)
        {
            _mix.Dispose();
            _mix = null;
            if (rebridge && Phase == CallPhase.Connected && _centre is not null)
            {
                Bridge();
            }
        }
        if (third is not null)
        {
            await third.Media.DisposeAsync().ConfigureAwait(false);
        }
    }
}
