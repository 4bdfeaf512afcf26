using Telephony.Calls.Sessions;

namespace Telephony.Calls.Commands;

/// <summary>
/// Something a person asks of one live call (from the agents' hub, the supervisors' endpoints, or a
/// test): posted to the call's mailbox by <see cref="CallManager.AskAsync"/> and carried out by the
/// one session method its <see cref="ExecuteAsync"/> names, in the call's own loop. Adding a command
/// is a record here, that session method, and the hub or endpoint that asks.
/// </summary>
public abstract record CallCommand
{
    /// <summary>Runs the command in the call's loop (never from another thread).</summary>
    internal abstract Task<CommandResult> ExecuteAsync(InboundCallSession call);
}

/// <summary>A command an agent gives for a call of theirs; <see cref="AgentId"/> comes from the agent's token, never from the request.</summary>
public abstract record AgentCommand(string AgentId) : CallCommand;
