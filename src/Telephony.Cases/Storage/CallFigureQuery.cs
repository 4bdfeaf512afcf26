using System.Data.Common;
using Dapper;

namespace Telephony.Cases.Storage;

/// <summary>
/// The one computation of <see cref="CallFigures"/>: the SQL over <c>call_records</c>, <c>call_refusals</c>
/// and <c>cases</c>, and the mapping of its sums. <c>GET /api/kpis</c> (through <see cref="SqlCaseStore.GetKpisAsync"/>)
/// and the supervisors' wall (through <see cref="ICallRecordStore.GetCallFiguresAsync"/>) both run it.
/// </summary>
internal static class CallFigureQuery
{
    // Abandoned = reached the queue, never answered, ended by the caller (not live, not lost with a node, not drained,
    // not turned away by the queue's own limits, not a callback the caller asked for).
    private const string Gone = "answered_at IS NULL AND COALESCE(state, 'ended') <> 'live' AND COALESCE(outcome, '') NOT IN ('node-lost', 'drained', 'queue-full', 'queue-timeout', 'callback-requested')";

    internal const string Sql = $"""
        SELECT COUNT(*) AS offered,
          CAST(COALESCE(SUM(CASE WHEN answered_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS answered,
          CAST(COALESCE(SUM(CASE WHEN answered_at IS NOT NULL AND answered_at - offered_at <= @limitMs THEN 1 ELSE 0 END), 0) AS BIGINT) AS within15,
          CAST(COALESCE(SUM(CASE WHEN {Gone} AND queued_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS abandoned,
          CAST(COALESCE(SUM(CASE WHEN {Gone} AND queued_at IS NOT NULL AND agent_ringing_at IS NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS abandoned_in_queue,
          CAST(COALESCE(SUM(CASE WHEN {Gone} AND queued_at IS NULL AND ivr_ended_at IS NULL AND outcome = 'ivr' THEN 1 ELSE 0 END), 0) AS BIGINT) AS abandoned_in_ivr,
          CAST(COALESCE(SUM(CASE WHEN queued_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS queued,
          CAST(COALESCE(SUM(CASE WHEN answered_at IS NOT NULL THEN answered_at - COALESCE(queued_at, offered_at) ELSE 0 END), 0) AS BIGINT) AS wait_ms,
          CAST(COALESCE(SUM(CASE WHEN answered_at IS NOT NULL AND ended_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS handled,
          CAST(COALESCE(SUM(CASE WHEN answered_at IS NOT NULL AND ended_at IS NOT NULL THEN ended_at - answered_at ELSE 0 END), 0) AS BIGINT) AS talk_ms,
          CAST(COALESCE(SUM(CASE WHEN answered_at IS NOT NULL AND ended_at IS NOT NULL THEN COALESCE(wrap_up_ended_at, ended_at) - answered_at ELSE 0 END), 0) AS BIGINT) AS handle_ms,
          CAST(COALESCE(SUM(CASE WHEN answered_at IS NOT NULL AND survey_score IS NOT NULL THEN 1 ELSE 0 END), 0) AS BIGINT) AS surveyed,
          CAST(COALESCE(SUM(CASE WHEN answered_at IS NOT NULL AND survey_score >= @satisfiedScore THEN 1 ELSE 0 END), 0) AS BIGINT) AS survey_satisfied,
          CAST(COALESCE(SUM(CASE WHEN answered_at IS NOT NULL AND survey_score IS NOT NULL THEN survey_score ELSE 0 END), 0) AS BIGINT) AS survey_score_sum,
          CAST(COALESCE(SUM(CASE WHEN outcome = 'node-lost' THEN 1 ELSE 0 END), 0) AS BIGINT) AS lost,
          CAST(COALESCE(SUM(CASE WHEN outcome IN ('queue-full', 'queue-timeout') THEN 1 ELSE 0 END), 0) AS BIGINT) AS turned_away
        FROM call_records
        WHERE offered_at >= @from AND offered_at < @to AND COALESCE(direction, 'inbound') = 'inbound'
        """;

    // Refusals are counted per minute: a minute belongs to the range when it starts inside it.
    internal const string RefusalSql = "SELECT CAST(COALESCE(SUM(refused), 0) AS BIGINT) FROM call_refusals WHERE minute_at >= @from AND minute_at < @to";

    internal const string CallbacksDueSql =
        "SELECT COUNT(*) FROM cases WHERE created_at >= @from AND created_at < @to AND status = 'AwaitingCallback'";

    /// <summary>Runs the three queries (on one connection, in turn) and maps them.</summary>
    internal static async Task<CallFigures> RunAsync(DbConnection connection, string sessionSetup, long from, long to,
        DateTimeOffset fromTime, DateTimeOffset toTime, CancellationToken ct)
    {
        var args = new { from, to, satisfiedScore = CallFigures.SatisfiedSurveyScore, limitMs = (long)CallFigures.AnswerLimit.TotalMilliseconds };
        var row = await connection.QuerySingleAsync<CallFigureRow>(new CommandDefinition(sessionSetup + Sql, args, cancellationToken: ct)).ConfigureAwait(false);
        var refused = await connection.ExecuteScalarAsync<long>(new CommandDefinition(RefusalSql, new { from, to }, cancellationToken: ct)).ConfigureAwait(false);
        var due = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CallbacksDueSql, new { from, to }, cancellationToken: ct)).ConfigureAwait(false);
        return Map(row, refused, due, fromTime, toTime);
    }

    private static CallFigures Map(CallFigureRow row, long refused, long callbacksDue, DateTimeOffset from, DateTimeOffset to) => new()
    {
        From = from,
        To = to,
        Offered = row.Offered + refused,
        Answered = row.Answered,
        AnsweredWithin15s = row.Within15,
        Abandoned = row.Abandoned,
        AbandonedInQueue = row.AbandonedInQueue,
        AbandonedWhileRinging = row.Abandoned - row.AbandonedInQueue,
        AbandonedInIvr = row.AbandonedInIvr,
        Refused = refused,
        Lost = row.Lost,
        TurnedAway = row.TurnedAway,
        RequestedAgent = row.Queued + refused,
        WaitMilliseconds = row.WaitMs,
        Handled = row.Handled,
        TalkMilliseconds = row.TalkMs,
        HandleMilliseconds = row.HandleMs,
        Surveyed = row.Surveyed,
        SurveySatisfied = row.SurveySatisfied,
        SurveyScoreSum = row.SurveyScoreSum,
        CallbacksDue = callbacksDue,
    };
}

internal sealed class CallFigureRow
{
    public long Offered { get; set; }
    public long Answered { get; set; }
    public long Within15 { get; set; }
    public long Abandoned { get; set; }
    public long AbandonedInQueue { get; set; }
    public long AbandonedInIvr { get; set; }
    public long Queued { get; set; }
    public long WaitMs { get; set; }
    public long Handled { get; set; }
    public long TalkMs { get; set; }
    public long HandleMs { get; set; }
    public long Surveyed { get; set; }
    public long SurveySatisfied { get; set; }
    public long SurveyScoreSum { get; set; }
    public long Lost { get; set; }
    public long TurnedAway { get; set; }
}
