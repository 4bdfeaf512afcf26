namespace Telephony.Server.Calls;

/// <summary>What became of a supervisor's request on a call.</summary>
public enum SupervisionResult
{
    /// <summary>The supervisor's seat is being called; mixing starts when it answers.</summary>
    Calling,

    /// <summary>The mode changed (it applies from the next 20 ms frame, or from the answer).</summary>
    Changed,

    /// <summary>The supervisor left; caller and agent are relayed directly again.</summary>
    Left,

    /// <summary>No such call, or it is not (or no longer) a connected conversation with an agent.</summary>
    NotConnected,

    /// <summary>A supervisor is already on the call.</summary>
    AlreadySupervised,

    /// <summary>No supervisor is on the call.</summary>
    NotSupervised,

    /// <summary>The supervisor's seat has no registered phone, or no RTP port was free to call it.</summary>
    SeatUnreachable,
}

/// <summary>A call in progress, as a supervisor's list of live calls shows it.</summary>
/// <param name="Supervision">monitor, whisper or barge while a supervisor is on the call (or being called); else null.</param>
/// <param name="Partner">The partner hotline the agent brought into the call, if any.</param>
public sealed record LiveCall(string CallId, string Caller, string Dialed, string Phase, string? Queue, string? AgentId,
    string? AgentSeat, string? Supervision, string? SupervisorSeat, string? Partner);
