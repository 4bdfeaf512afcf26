using Telephony.Cases;
using Telephony.Cases.Storage;

namespace Telephony.Server.Agents.Desk;

/// <summary>
/// Reads a caller's history for the pop from the case search by exact phone (index
/// <c>ix_cases_phone_created</c>) and the call records by caller (<c>ix_call_records_caller</c>).
/// Who may ask is decided by the hub (only the agent whose seat holds the call).
/// </summary>
public sealed class CitizenHistoryReader(CaseService cases, ICallRecordStore records, IDirectoryStore directory, TimeProvider time)
{
    /// <summary>How many earlier cases and calls the pop lists.</summary>
    public const int Shown = 10;

    /// <summary>A call or case from the same number within this window makes a repeat caller.</summary>
    public static readonly TimeSpan RepeatWindow = TimeSpan.FromDays(30);

    public async Task<CitizenHistory> ReadAsync(string phone, string currentCallId, Actor actor, CancellationToken ct = default)
    {
        var page = await cases.SearchAsync(new CaseQuery { CitizenPhone = phone, PageSize = Shown }, actor, ct).ConfigureAwait(false);
        var departments = (await directory.ListDepartmentsAsync(ct).ConfigureAwait(false)).ToDictionary(d => d.Id, d => d.Name);
        var calls = (await records.ListCallRecordsOfCallerAsync(phone, Shown + 1, ct).ConfigureAwait(false))
            .Where(r => !string.Equals(r.CallId, currentCallId, StringComparison.Ordinal)).Take(Shown)
            .Select(r => new CitizenCall(r.CallId, r.OfferedAt, r.Outcome, r.Queue, r.AgentId,
                r is { AnsweredAt: { } a, EndedAt: { } e } ? Math.Round((e - a).TotalSeconds) : null))
            .ToList();
        var listed = page.Items.Select(c => new CitizenCase(c.Id, c.Number, c.Status, c.Category,
            c.DepartmentId is { } d ? departments.GetValueOrDefault(d) : null, c.CreatedAt, c.DueAt, IsOpen(c), Summary(c.Description))).ToList();
        var since = time.GetUtcNow() - RepeatWindow;
        bool repeat = calls.Any(c => c.OfferedAt >= since) || listed.Any(c => c.CreatedAt >= since);
        return new CitizenHistory(phone, repeat, listed, calls);
    }

    /// <summary>Open: the centre still owes the citizen an answer or a call back.</summary>
    public static bool IsOpen(Case c) =>
        c.Status is not (CaseStatus.Closed or CaseStatus.Archived or CaseStatus.Merged) && c.CompletedAt is null;

    private static string Summary(string text) => text.Length <= 120 ? text : string.Concat(text.AsSpan(0, 119), "…");
}
