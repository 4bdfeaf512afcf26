using Telephony.Cases;

namespace Telephony.Calls.Outbound;

/// <summary>
/// A call the centre places to a citizen who contacted us: the agent's seat rings first, and when the agent
/// answers the citizen is dialled through <c>Trunks:OutboundUri</c> and bridged. The number always comes from
/// our own records (a callback request, a missed call, a case), never from what a desktop types: the toll-fraud
/// guard for these calls.
/// </summary>
/// <param name="Number">The citizen's number.</param>
/// <param name="AgentId">The agent who works the call.</param>
/// <param name="Extension">The agent's seat, whose phone rings first.</param>
/// <param name="Purpose">Why: <see cref="CallOutcome.Callback"/>, <see cref="CallOutcome.MissedCallReturn"/> or <see cref="CallOutcome.ReturnVisit"/> (the record's outcome).</param>
/// <param name="CaseId">The case of a return visit.</param>
/// <param name="CallbackTaskId">The callback task the call works on.</param>
/// <param name="AcdCallId">
/// A queued callback offered by the ACD under this id: the ACD is told the agent answered and the call ended (the seat
/// goes OnCall, then wrap-up) as for an inbound call; null when the agent dials from the desk (the seat is theirs).
/// </param>
public sealed record OutboundCallRequest(
    string Number, string AgentId, string Extension, CallOutcome Purpose, long? CaseId = null, long? CallbackTaskId = null, string? AcdCallId = null);

/// <summary>How the citizen's leg of an outbound call ended up.</summary>
public enum OutboundCallResult
{
    /// <summary>The citizen answered and was bridged to the agent.</summary>
    Reached,

    /// <summary>Nobody answered in time (or the citizen's side declined).</summary>
    NoAnswer,

    /// <summary>The citizen's line was busy (486, 600).</summary>
    Busy,

    /// <summary>The number does not exist (404, 410, 484, 604).</summary>
    WrongNumber,

    /// <summary>The agent's phone did not answer, so the citizen was never dialled.</summary>
    AgentUnreachable,

    /// <summary>Nothing could be dialled (no ports, the INVITE failed, the node stopped).</summary>
    Failed,
}

/// <summary>The start of an outbound call: its id and, once the citizen's leg settles, its result; or why nothing was dialled.</summary>
/// <param name="CallId">Our id of the call (its record's call id and the X-Telephony-Call header of both legs); null when refused.</param>
/// <param name="Refusal">Why nothing was dialled; null when started.</param>
/// <param name="Settled">Completes when the citizen answered or their leg failed (never faults).</param>
public sealed record OutboundDial(string? CallId, string? Refusal, Task<OutboundCallResult> Settled)
{
    public bool Started => Refusal is null;

    internal static OutboundDial Refused(string reason) => new(null, reason, Task.FromResult(OutboundCallResult.Failed));
}

