using Telephony.Calls.Sessions;

namespace Telephony.Calls.Commands;

/// <summary>Rings the supervisor's seat; when it answers, the supervisor joins the conversation in <see cref="Mode"/>.</summary>
public sealed record Supervise(string Seat, SupervisionMode Mode) : CallCommand
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => call.SuperviseAsync(this);
}

/// <summary>Switches the supervisor on the call between monitor, whisper and barge.</summary>
public sealed record ChangeSupervision(SupervisionMode Mode) : CallCommand
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => Task.FromResult(call.ChangeSupervision(this));
}

/// <summary>Takes the supervisor off the call (their leg is hung up); caller and agent are relayed directly again.</summary>
public sealed record EndSupervision : CallCommand
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => call.EndSupervisionAsync();
}
