namespace Telephony.Calls;

/// <summary>A call in progress, as a supervisor's list of live calls shows it.</summary>
/// <param name="Supervision">monitor, whisper or barge while a supervisor is on the call (or being called); else null.</param>
/// <param name="Partner">The partner hotline the agent brought into the call, if any.</param>
/// <param name="OfferedAt">When the system answered the citizen's call.</param>
/// <param name="AnsweredAt">When the agent answered, if they have.</param>
public sealed record LiveCall(string CallId, string Caller, string Dialed, string Phase, string? Queue, string? AgentId,
    string? AgentSeat, string? Supervision, string? SupervisorSeat, string? Partner,
    DateTimeOffset OfferedAt = default, DateTimeOffset? AnsweredAt = null);
