using Telephony.Calls.Commands;
using Telephony.Calls.Legs;
using Telephony.Cases;
using Telephony.Media.Bridge;

namespace Telephony.Calls.Sessions;

// The connected agent's own controls from the desktop (for a seat whose phone cannot do them, or
// does them differently): hang up, hold (the citizen hears music) and mute (the citizen hears
// nothing from the agent), all carried out on the bridge we anchor, not on the agent's phone.
internal sealed partial class InboundCallSession
{
    private bool _agentHold;
    private bool _agentMute;

    /// <summary>The <see cref="HangUp"/> command: the agent's leg is hung up and the call ends as if the agent had hung up their phone.</summary>
    internal async Task<CommandResult> HangUpAsync(HangUp command)
    {
        if (!IsConnectedTo(command))
        {
            return CommandResult.NotYourCall;
        }
        LogAgentHangsUp(_log, command.AgentId);
        await UnbridgeAsync().ConfigureAwait(false);
        if (!TryStartSurvey())
        {
            await EndAsync(_transferredTo is null ? CallOutcome.Answered : CallOutcome.Transferred, callerGone: false).ConfigureAwait(false);
        }
        return CommandResult.Done("Call ended.");
    }

    /// <summary>The <see cref="HoldCall"/> command: on hold neither party is relayed to the other and the citizen hears music.</summary>
    internal CommandResult Hold(HoldCall command)
    {
        if (DeskControlOf(command) is { } refused)
        {
            return refused;
        }
        if (_agentHold == command.On)
        {
            return CommandResult.Done(command.On ? "The call was already on hold." : "The call was not on hold.");
        }
        _agentHold = command.On;
        RelayAsAgentWants();
        if (command.On)
        {
            _ = _caller.Media.Play(_services.HoldMusic.Next());
        }
        else
        {
            _caller.Media.StopPlaying();
        }
        LogAgentHold(_log, command.AgentId, command.On);
        return CommandResult.Done(command.On ? "On hold." : "Resumed.");
    }

    /// <summary>The <see cref="MuteCall"/> command: while muted the agent's audio is not relayed to the citizen (the agent still hears them).</summary>
    internal CommandResult Mute(MuteCall command)
    {
        if (DeskControlOf(command) is { } refused)
        {
            return refused;
        }
        _agentMute = command.On;
        RelayAsAgentWants();
        LogAgentMute(_log, command.AgentId, command.On);
        return CommandResult.Done(command.On ? "Muted." : "Unmuted.");
    }

    // Hold and mute act on the two-party bridge; with a supervisor or partner mixed in, the mix decides who hears whom.
    private CommandResult? DeskControlOf(AgentCommand command) =>
        !IsConnectedTo(command) ? CommandResult.NotYourCall
        : _mix is not null ? new CommandResult(CommandStatus.Conflict, "Not while a third party is on the call.")
        : _bridge is null ? CommandResult.NotConnected
        : null;

    private void RelayAsAgentWants()
    {
        _bridge!.UpdateLeg(0, BridgeFormatOf(_caller, _caller.Holding));
        _bridge.UpdateLeg(1, BridgeFormatOf(_centre!, _centre!.Holding));
    }

    /// <summary>
    /// How the bridge relays what <paramref name="leg"/> sends: not at all while that party holds (its
    /// own hold audio), while the agent holds the call, or, for the agent's leg, while the agent is muted.
    /// </summary>
    private BridgeLegFormat BridgeFormatOf(CallLeg leg, bool partyHolds)
    {
        var format = BridgeLegFormat.From(leg.Media.Audio!, _services.Media.Codecs);
        bool silenced = partyHolds || _agentHold || (_agentMute && ReferenceEquals(leg, _centre));
        return silenced ? format with { Receive = false } : format;
    }
}
