using Telephony.Calls.Sessions;

namespace Telephony.Calls.Commands;

/// <summary>The desktop has shown the screen-pop: the seat may ring now (pop before ring).</summary>
public sealed record AcknowledgePop(string AgentId) : AgentCommand(AgentId)
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => call.AcknowledgePopAsync(this);
}

/// <summary>Silence in the recording from now on (a card or ID number is being given); the reason goes into its metadata.</summary>
public sealed record PauseRecording(string AgentId, string Reason) : AgentCommand(AgentId)
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => Task.FromResult(call.PauseRecording(this));
}

/// <summary>The recording goes on again.</summary>
public sealed record ResumeRecording(string AgentId) : AgentCommand(AgentId)
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => Task.FromResult(call.ResumeRecording(this));
}

/// <summary>The connected agent brings a partner hotline (a number the dial plan allows) into the call: all three hear each other.</summary>
public sealed record AddPartner(string AgentId, string Number) : AgentCommand(AgentId)
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => call.AddPartnerAsync(this);
}

/// <summary>The partner leaves; citizen and agent talk alone again.</summary>
public sealed record DropPartner(string AgentId) : AgentCommand(AgentId)
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => call.DropPartnerAsync(this);
}

/// <summary>The agent leaves a conference; the citizen goes on with the partner (the seat goes to wrap-up).</summary>
public sealed record HandOverToPartner(string AgentId) : AgentCommand(AgentId)
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => call.HandOverToPartnerAsync(this);
}

/// <summary>The connected agent ends the call from the desktop (as if they had hung up their phone).</summary>
public sealed record HangUp(string AgentId) : AgentCommand(AgentId)
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => call.HangUpAsync(this);
}

/// <summary>The connected agent puts the call on hold (<see cref="On"/>) or takes it back: on hold the citizen hears music and neither hears the other.</summary>
public sealed record HoldCall(string AgentId, bool On) : AgentCommand(AgentId)
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => Task.FromResult(call.Hold(this));
}

/// <summary>The connected agent mutes (<see cref="On"/>) or unmutes themselves: the citizen does not hear the agent meanwhile.</summary>
public sealed record MuteCall(string AgentId, bool On) : AgentCommand(AgentId)
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => Task.FromResult(call.Mute(this));
}

/// <summary>The agent's browser phone answers the call ringing at the seat with its SDP answer (WebRTC).</summary>
public sealed record AnswerBrowserCall(string AgentId, string Sdp) : AgentCommand(AgentId)
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => Task.FromResult(call.AnswerBrowserCall(this));
}

/// <summary>
/// The agent's browser phone offers again on its connected call (an ICE restart, a new track): refused, the
/// call keeps the media it has (see <see cref="InboundCallSession.ReofferBrowserCall"/>).
/// </summary>
public sealed record ReofferBrowserCall(string AgentId, string Sdp) : AgentCommand(AgentId)
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => Task.FromResult(call.ReofferBrowserCall(this));
}

/// <summary>The agent's browser phone refuses the ringing call, or hangs up its leg (the page closed, the agent pressed hang-up).</summary>
public sealed record EndBrowserCall(string AgentId, string Reason) : AgentCommand(AgentId)
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => Task.FromResult(call.EndBrowserCall(this));
}
