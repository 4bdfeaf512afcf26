namespace Telephony.Cases.Storage;

/// <summary>
/// Recordings as supervisors find and hear them: a search over call records (with the case taken on the call),
/// the access audit (every listen and download), and what the retention sweep needs.
/// </summary>
public interface IRecordingStore
{
    /// <summary>Calls in the query's time range that match every filter given, newest first.</summary>
    Task<IReadOnlyList<RecordingListing>> SearchRecordingsAsync(RecordingQuery query, CancellationToken ct = default);

    /// <summary>One call's recording facts, or null when there is no such call record.</summary>
    Task<RecordingListing?> GetRecordingAsync(string callId, CancellationToken ct = default);

    Task AddRecordingAccessAsync(RecordingAccess access, CancellationToken ct = default);

    /// <summary>Audit rows in [from, to), newest first; only of <paramref name="callId"/> when given.</summary>
    Task<IReadOnlyList<RecordingAccess>> ListRecordingAccessAsync(DateTimeOffset from, DateTimeOffset to, string? callId, int limit, CancellationToken ct = default);

    /// <summary>Records with a recording not yet expired of calls offered before <paramref name="offeredBefore"/> (at most <paramref name="limit"/>).</summary>
    Task<IReadOnlyList<RecordingListing>> ListRecordingsOfferedBeforeAsync(DateTimeOffset offeredBefore, int limit, CancellationToken ct = default);

    /// <summary>Marks the call's recording as deleted by retention at <paramref name="at"/>.</summary>
    Task MarkRecordingExpiredAsync(string callId, DateTimeOffset at, CancellationToken ct = default);
}

/// <summary>An ended call's trace as saved: the JSON the API serves.</summary>
public sealed record StoredCallTrace(string CallId, DateTimeOffset EndedAt, string Json);

/// <summary>Where a call's trace (SIP ladder, RTP quality) is kept once the call ended.</summary>
public interface ICallTraceStore
{
    /// <summary>Saves (or replaces) the trace of an ended call, as the JSON the API serves.</summary>
    Task SaveCallTraceAsync(string callId, DateTimeOffset endedAt, string json, CancellationToken ct = default);

    /// <summary>Saves (or replaces) several ended calls' traces in one transaction.</summary>
    Task SaveCallTracesAsync(IReadOnlyList<StoredCallTrace> traces, CancellationToken ct = default);

    /// <summary>The stored JSON, or null.</summary>
    Task<string?> GetCallTraceAsync(string callId, CancellationToken ct = default);

    /// <summary>Deletes the traces of calls ended before <paramref name="endedBefore"/>; returns how many.</summary>
    Task<int> DeleteCallTracesBeforeAsync(DateTimeOffset endedBefore, CancellationToken ct = default);
}

/// <summary>Search filters; only From and To are required. Text filters match exactly.</summary>
public sealed record RecordingQuery
{
    public required DateTimeOffset From { get; init; }
    public required DateTimeOffset To { get; init; }
    public string? Caller { get; init; }
    public string? AgentId { get; init; }
    public string? Queue { get; init; }
    public string? Outcome { get; init; }
    /// <summary>The case (work order) number taken on the call.</summary>
    public string? CaseNumber { get; init; }
    /// <summary>Only calls with a recording (default true).</summary>
    public bool RecordedOnly { get; init; } = true;
    public int Limit { get; init; } = 100;
}

/// <summary>A call as the recordings page lists it.</summary>
/// <param name="RecordingExpiredAt">When the retention sweep deleted the file; null while it is kept.</param>
/// <param name="CaseNumber">The case taken on the call, if any.</param>
public sealed record RecordingListing(CallRecord Call, DateTimeOffset? RecordingExpiredAt, string? CaseNumber);

/// <summary>One access to a recording: who, when, which, and how.</summary>
/// <param name="Action">listen | download.</param>
/// <param name="Channel">both | left (caller) | right (agent).</param>
public sealed record RecordingAccess(long Id, string CallId, string UserName, string Role, string Action, string Channel, DateTimeOffset At);
