using Dapper;
using Telephony.Cases.Planning;

namespace Telephony.Cases.Storage;

// The planner's reading of the call records: one pass grouped by half hour of the week.
public sealed partial class SqlCaseStore : ICallDemandStore
{
    // Times are unix ms. 1970-01-01 was a Thursday (day 3 counting from Monday), hence + 3 × 48 half hours.
    // Integer division and % behave alike in SQLite and PostgreSQL for these non-negative BIGINTs.
    private const string DemandSql = """
        SELECT CAST(((queued_at + @offset) / 1800000 + 144) % 336 AS INTEGER) AS slot,
          CAST(COUNT(*) AS BIGINT) AS arrivals,
          CAST(COALESCE(SUM(CASE WHEN answered_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS answered,
          CAST(COALESCE(SUM(CASE WHEN answered_at IS NULL AND outcome = 'abandoned' THEN 1 ELSE 0 END), 0) AS BIGINT) AS abandoned,
          CAST(COALESCE(SUM(CASE WHEN answered_at IS NOT NULL AND ended_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS handled,
          CAST(COALESCE(SUM(CASE WHEN answered_at IS NOT NULL AND ended_at IS NOT NULL THEN COALESCE(wrap_up_ended_at, ended_at) - answered_at ELSE 0 END), 0) AS BIGINT) AS handle_ms,
          CAST(COALESCE(SUM(CASE WHEN ended_at IS NOT NULL THEN COALESCE(answered_at, ended_at) - queued_at ELSE 0 END), 0) AS BIGINT) AS queue_ms
        FROM call_records
        WHERE queued_at IS NOT NULL AND queued_at >= @from AND queued_at < @to
        GROUP BY CAST(((queued_at + @offset) / 1800000 + 144) % 336 AS INTEGER)
        ORDER BY 1
        """;

    /// <inheritdoc />
    public async Task<IReadOnlyList<HalfHourDemand>> GetHalfHourDemandAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan utcOffset, CancellationToken ct = default)
    {
        await using var connection = await OpenAsync(ct).ConfigureAwait(false);
        var rows = await connection.QueryAsync<DemandRow>(new CommandDefinition(_dialect.ReportSessionSetup + DemandSql,
            new { from = Ms(from), to = Ms(to), offset = (long)utcOffset.TotalMilliseconds }, cancellationToken: ct)).ConfigureAwait(false);
        return [.. rows.Select(r => new HalfHourDemand((int)r.Slot, r.Arrivals, r.Answered, r.Abandoned, r.Handled, r.HandleMs, r.QueueMs))];
    }

    private sealed class DemandRow
    {
        public long Slot { get; set; }
        public long Arrivals { get; set; }
        public long Answered { get; set; }
        public long Abandoned { get; set; }
        public long Handled { get; set; }
        public long HandleMs { get; set; }
        public long QueueMs { get; set; }
    }
}
