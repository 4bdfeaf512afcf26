namespace Telephony.ContactCenter.Seats;

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
    SeatState To,
    string? Reason = null,
    string? ExpectedAgentId = null,
    string? ExpectedCallId = null,
    IReadOnlyList<SeatState>? OnlyFrom = null)
{
    /// <summary>The states this request may leave: the state table, narrowed by <see cref="OnlyFrom"/>.</summary>
    public IReadOnlyList<SeatState> AllowedSources() =>
        OnlyFrom is null ? SeatStateRules.LegalSources(To) : [.. SeatStateRules.LegalSources(To).Intersect(OnlyFrom)];
}
