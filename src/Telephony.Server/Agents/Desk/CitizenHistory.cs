using Telephony.Cases;

namespace Telephony.Server.Agents.Desk;

/// <summary>
/// The citizen of an agent's current call, as the screen-pop shows them: earlier cases newest first,
/// the last calls with their outcome, and whether they call again about something recent.
/// </summary>
/// <param name="Phone">The caller's number as the call presented it.</param>
/// <param name="RepeatCaller">An earlier call or case from this number within <see cref="CitizenHistoryReader.RepeatWindow"/>.</param>
public sealed record CitizenHistory(string Phone, bool RepeatCaller, IReadOnlyList<CitizenCase> Cases, IReadOnlyList<CitizenCall> Calls);

/// <summary>One earlier case of the citizen. <paramref name="Open"/>: not yet answered or closed (the pop highlights it).</summary>
public sealed record CitizenCase(long Id, string Number, CaseStatus Status, CaseCategory Category, string? Department,
    DateTimeOffset CreatedAt, DateTimeOffset DueAt, bool Open, string Summary);

/// <summary>One earlier call of the citizen (the current one is left out).</summary>
public sealed record CitizenCall(string CallId, DateTimeOffset OfferedAt, string? Outcome, string? Queue, string? AgentId, double? TalkSeconds);
