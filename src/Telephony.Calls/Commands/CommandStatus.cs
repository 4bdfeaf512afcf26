namespace Telephony.Calls.Commands;

/// <summary>
/// What became of a <see cref="CallCommand"/>, the same words for every command so that the hub and
/// the REST endpoints map them once (to a <c>HubException</c> or an HTTP status).
/// </summary>
public enum CommandStatus
{
    /// <summary>Done (or there was nothing to change, e.g. pausing a paused recording).</summary>
    Done,

    /// <summary>Started: another party is being called, and the effect follows when it answers.</summary>
    Started,

    /// <summary>No call of that id on this node.</summary>
    NoSuchCall,

    /// <summary>The asking agent is not the agent this call is connected to (or waiting for).</summary>
    NotYourCall,

    /// <summary>The call is not in a state where the command applies (e.g. not connected yet or any more).</summary>
    WrongState,

    /// <summary>Someone else already holds what the command wants (e.g. a supervisor is on the call).</summary>
    Conflict,

    /// <summary>What the command would undo is not there (no supervisor, no partner).</summary>
    NothingToUndo,

    /// <summary>The command names something this centre may not do (e.g. a number outside the dial plan).</summary>
    NotAllowed,

    /// <summary>The other party cannot be reached (no registered phone, no media port, INVITE failed), or the call has no recording.</summary>
    Unavailable,

    /// <summary>The call did not answer within the bound (it probably ended meanwhile).</summary>
    TimedOut,
}
