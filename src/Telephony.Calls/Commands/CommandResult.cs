namespace Telephony.Calls.Commands;

/// <summary>The answer to a <see cref="CallCommand"/>: a status for programs and a sentence for people.</summary>
/// <param name="Status">What happened.</param>
/// <param name="Detail">One sentence a desktop can show as it is.</param>
public sealed record CommandResult(CommandStatus Status, string Detail)
{
    /// <summary>True for <see cref="CommandStatus.Done"/> and <see cref="CommandStatus.Started"/>.</summary>
    public bool Succeeded => Status is CommandStatus.Done or CommandStatus.Started;

    internal static CommandResult Done(string detail) => new(CommandStatus.Done, detail);

    internal static CommandResult Started(string detail) => new(CommandStatus.Started, detail);

    internal static readonly CommandResult NoSuchCall = new(CommandStatus.NoSuchCall, "No call with that id on this node.");

    internal static readonly CommandResult NotYourCall = new(CommandStatus.NotYourCall, "No call of yours is connected with that id.");

    internal static readonly CommandResult NotConnected = new(CommandStatus.WrongState, "That call is not a connected conversation with an agent.");

    internal static readonly CommandResult TimedOut = new(CommandStatus.TimedOut, "The call did not answer in time (it may have ended).");
}
