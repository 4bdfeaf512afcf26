namespace Telephony.ContactCenter.Seats;

/// <summary>Why a seat operation was refused.</summary>
public enum SeatError
{
    /// <summary>No error: the operation was applied.</summary>
    None,
    /// <summary>No such seat.</summary>
    UnknownSeat,
    /// <summary>Another agent is logged in to the seat.</summary>
    SeatTaken,
    /// <summary>The agent is already logged in to another seat.</summary>
    AgentElsewhere,
    /// <summary>The seat belongs to a different agent than the one asking.</summary>
    WrongAgent,
    /// <summary>The seat is not (any longer) attached to the call named in the request.</summary>
    WrongCall,
    /// <summary>The state table (or the request's <c>OnlyFrom</c>) does not allow this transition from the current state.</summary>
    IllegalTransition,
    /// <summary>The agent is not in the agent directory.</summary>
    UnknownAgent,
}

/// <summary>The outcome of a seat operation: the seat as it is now, and an error if refused.</summary>
public sealed record SeatResult(SeatError Error, SeatSnapshot? Seat)
{
    /// <summary>True when the operation was applied.</summary>
    public bool Succeeded => Error == SeatError.None;
}

/// <summary>A request to move a seat to another state, with the guards that keep races safe.</summary>
/// <param name="Extension">The seat.</param>
/// <param name="To">The target state.</param>
/// <param name="Reason">NotReady reason (required for NotReady, ignored otherwise).</param>
/// <param name="ExpectedAgentId">When set, refuse unless this agent holds the seat.</param>
/// <param name="ExpectedCallId">When set, refuse unless the seat is attached to this call (timers use it
/// so a stale ring timeout cannot touch a seat that already moved on).</param>
/// <param name="OnlyFrom">When set, narrows the legal source states further (an agent pressing
/// "Ready" may leave NotReady or WrapUp, never Reserved).</param>
public sealed record SeatTransitionRequest(
    string Extension,
    AgentState To,
    string? Reason = null,
    string? ExpectedAgentId = null,
    string? ExpectedCallId = null,
    IReadOnlyList<AgentState>? OnlyFrom = null)
{
    /// <summary>The states this request may leave: the state table, narrowed by <see cref="OnlyFrom"/>.</summary>
    public IReadOnlyList<AgentState> AllowedSources() =>
        OnlyFrom is null ? AgentStateRules.LegalSources(To) : [.. AgentStateRules.LegalSources(To).Intersect(OnlyFrom)];
}
