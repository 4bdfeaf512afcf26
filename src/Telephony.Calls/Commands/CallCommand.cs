using System.Text.Json.Serialization;
using Telephony.Calls.Sessions;

namespace Telephony.Calls.Commands;

/// <summary>
/// Something a person asks of one live call (from the agents' hub, the supervisors' endpoints, or a
/// test): posted to the call's mailbox by <see cref="CallManager.AskAsync"/> and carried out by the
/// one session method its <see cref="ExecuteAsync"/> names, in the call's own loop. Adding a command
/// is a record here, that session method, and the hub or endpoint that asks.
/// </summary>
/// <remarks>
/// Serialisable with its type named (<c>$type</c>), so a node can ask the node that holds a call to carry it out
/// (the server's command router, over Redis); a new command is added to the list below.
/// </remarks>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "$type")]
[JsonDerivedType(typeof(AcknowledgePop), nameof(AcknowledgePop))]
[JsonDerivedType(typeof(PauseRecording), nameof(PauseRecording))]
[JsonDerivedType(typeof(ResumeRecording), nameof(ResumeRecording))]
[JsonDerivedType(typeof(AddPartner), nameof(AddPartner))]
[JsonDerivedType(typeof(DropPartner), nameof(DropPartner))]
[JsonDerivedType(typeof(HandOverToPartner), nameof(HandOverToPartner))]
[JsonDerivedType(typeof(HangUp), nameof(HangUp))]
[JsonDerivedType(typeof(HoldCall), nameof(HoldCall))]
[JsonDerivedType(typeof(MuteCall), nameof(MuteCall))]
[JsonDerivedType(typeof(AnswerBrowserCall), nameof(AnswerBrowserCall))]
[JsonDerivedType(typeof(EndBrowserCall), nameof(EndBrowserCall))]
[JsonDerivedType(typeof(Supervise), nameof(Supervise))]
[JsonDerivedType(typeof(ChangeSupervision), nameof(ChangeSupervision))]
[JsonDerivedType(typeof(EndSupervision), nameof(EndSupervision))]
[JsonDerivedType(typeof(SuperviseInBrowser), nameof(SuperviseInBrowser))]
[JsonDerivedType(typeof(AnswerSupervisorBrowser), nameof(AnswerSupervisorBrowser))]
[JsonDerivedType(typeof(EndSupervisorBrowser), nameof(EndSupervisorBrowser))]
[JsonDerivedType(typeof(ReofferBrowserCall), nameof(ReofferBrowserCall))]
[JsonDerivedType(typeof(BlindTransfer), nameof(BlindTransfer))]
[JsonDerivedType(typeof(ConsultTransfer), nameof(ConsultTransfer))]
[JsonDerivedType(typeof(CompleteTransfer), nameof(CompleteTransfer))]
[JsonDerivedType(typeof(CancelTransfer), nameof(CancelTransfer))]
public abstract record CallCommand
{
    /// <summary>Runs the command in the call's loop (never from another thread).</summary>
    internal abstract Task<CommandResult> ExecuteAsync(InboundCallSession call);
}

/// <summary>A command an agent gives for a call of theirs; <see cref="AgentId"/> comes from the agent's token, never from the request.</summary>
public abstract record AgentCommand(string AgentId) : CallCommand;
