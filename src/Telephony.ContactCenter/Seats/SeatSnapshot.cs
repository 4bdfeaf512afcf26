namespace Telephony.ContactCenter.Seats;

/// <summary>The live state of one seat as a store returned it.</summary>
/// <param name="Extension">The seat's extension ("1001".."1060").</param>
/// <param name="AgentId">The agent logged in, or null when logged out.</param>
/// <param name="State">Current state.</param>
/// <param name="Reason">The NotReady reason; null in every other state.</param>
/// <param name="Skills">The logged-in agent's skills (lower case), empty when logged out.</param>
/// <param name="StateSince">When the seat entered <paramref name="State"/>.</param>
/// <param name="IdleSince">When the seat last became Ready (only while Ready).</param>
/// <param name="CallId">The call attached while Reserved, Ringing, OnCall or WrapUp.</param>
public sealed record SeatSnapshot(
    string Extension,
    string? AgentId,
    SeatState State,
    string? Reason,
    IReadOnlyList<string> Skills,
    DateTimeOffset StateSince,
    DateTimeOffset? IdleSince,
    string? CallId)
{
    /// <summary>True when the agent has every one of <paramref name="required"/>.</summary>
    public bool HasSkills(IEnumerable<string> required) =>
        required.All(s => Skills.Contains(s, StringComparer.Ordinal));
}

/// <summary>One entry in a seat's state history, in the order it happened.</summary>
public sealed record SeatStateTransition(
    string Extension,
    string? AgentId,
    SeatState From,
    SeatState To,
    string? Reason,
    string? CallId,
    DateTimeOffset At);
