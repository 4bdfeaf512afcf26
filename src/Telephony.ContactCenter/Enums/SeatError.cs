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
    /// <summary>The seat store cannot be reached now; nothing was changed and the request may be repeated.</summary>
    StoreUnavailable,
}
