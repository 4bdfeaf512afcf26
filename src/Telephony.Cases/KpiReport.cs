namespace Telephony.Cases;

/// <summary>A rate with its parts kept, so a report can show how it was computed. Value is null when the denominator is 0.</summary>
public sealed record Ratio(long Numerator, long Denominator)
{
    public double? Value => Denominator == 0 ? null : (double)Numerator / Denominator;
}

/// <summary>
/// The hotline's KPIs for a date range [From, To).
///
/// Case population: cases whose intake time (<c>created_at</c>) is in the range, excluding
/// duplicates merged into another case; each is judged by its state when the report runs.
/// Call population: call records whose <c>offered_at</c> is in the range (see <see cref="CallFigures"/>).
/// Every case definition below is the SQL in <see cref="Storage.SqlCaseStore"/>, the call ones are in
/// <see cref="Storage.CallFigureQuery"/>; docs/cases.md repeats them.
/// </summary>
public sealed record KpiReport
{
    public DateTimeOffset From { get; init; }
    public DateTimeOffset To { get; init; }

    /// <summary>Cases in the population.</summary>
    public long Cases { get; init; }
    public IReadOnlyDictionary<string, long> ByChannel { get; init; } = new Dictionary<string, long>();
    public IReadOnlyDictionary<string, long> ByCategory { get; init; } = new Dictionary<string, long>();
    /// <summary>Keyed by department id; cases never dispatched are under "none".</summary>
    public IReadOnlyDictionary<string, long> ByDepartment { get; init; } = new Dictionary<string, long>();

    /// <summary>On-time sign-for: dispatched cases whose (latest) sign-for came no later than its sign-for deadline / cases dispatched at least once.</summary>
    public Ratio OnTimeSignFor { get; init; } = new(0, 0);
    /// <summary>On-time completion (办结率): cases answered (directly or by department reply, and not reopened since) no later than their completion deadline / all cases.</summary>
    public Ratio OnTimeCompletion { get; init; } = new(0, 0);
    /// <summary>Reply rate (回复率): cases answered to the citizen at all (directly or by department reply, not reopened since) / all cases.</summary>
    public Ratio ReplyRate { get; init; } = new(0, 0);
    /// <summary>Callback rate: cases with a satisfaction callback / cases answered at least once (answered now, or reopened earlier).</summary>
    public Ratio CallbackRate { get; init; } = new(0, 0);
    /// <summary>Satisfaction rate: cases whose latest callback verdict is satisfied or basically satisfied / cases with a callback.</summary>
    public Ratio SatisfactionRate { get; init; } = new(0, 0);
    /// <summary>Direct-resolution share: cases answered on the spot by the agent (last answer was direct) / all cases.</summary>
    public Ratio DirectResolution { get; init; } = new(0, 0);
    /// <summary>Return rate: cases returned by a department at least once / cases dispatched at least once.</summary>
    public Ratio ReturnRate { get; init; } = new(0, 0);
    /// <summary>Repeat-caller rate: cases whose phone number had opened another (unmerged) case in the 30 days before intake (flagged at intake; the earlier case may lie before the range) / cases with a phone number.</summary>
    public Ratio RepeatCallerRate { get; init; } = new(0, 0);

    /// <summary>The call figures of the same range: the one computation the supervisors' wall shares (see <see cref="CallFigures"/>).</summary>
    public CallFigures Calls { get; init; } = new();

    // The call KPIs under their report names, read from Calls (kept for the report's readers).
    public long CallsOffered => Calls.Offered;
    public long CallsAnswered => Calls.Answered;
    public long AnsweredWithin15s => Calls.AnsweredWithin15s;
    public long CallsAbandoned => Calls.Abandoned;
    public long CallsRefused => Calls.Refused;
    public long CallsLost => Calls.Lost;
    public long CallsTurnedAway => Calls.TurnedAway;
    public Ratio AnswerRate => Calls.AnswerRate;
    public Ratio ServiceLevel15s => Calls.ServiceLevel15s;
    public double? AverageSpeedOfAnswerSeconds => Calls.AverageSpeedOfAnswerSeconds;
    public double? AverageHandleTimeSeconds => Calls.AverageHandleTimeSeconds;
    public double TalkHours => Calls.TalkHours;
    /// <summary>The lowest post-call survey score counted as satisfied (see <see cref="CallFigures.SatisfiedSurveyScore"/>).</summary>
    public const int SatisfiedSurveyScore = CallFigures.SatisfiedSurveyScore;
    public Ratio SurveyResponseRate => Calls.SurveyResponseRate;
    public Ratio PhoneSatisfaction => Calls.PhoneSatisfaction;
    public double? AverageSurveyScore => Calls.AverageSurveyScore;

    /// <summary>Outbound calls placed (callbacks, missed-call returns, return visits); never part of <see cref="CallsOffered"/>.</summary>
    public long OutboundCalls { get; init; }
    /// <summary>Outbound calls the citizen answered.</summary>
    public long OutboundCallsReached { get; init; }

    /// <summary>The "returned within N minutes" KPI's N (漏话回拨时限).</summary>
    public const int ReturnWithinMinutes = 30;
    /// <summary>Missed-call tasks made in the range (one per number and local day while open).</summary>
    public long MissedCallTasks { get; init; }
    /// <summary>Of those, dropped because the number got through on a later call.</summary>
    public long MissedCallTasksDropped { get; init; }
    /// <summary>Of those, the citizen was reached by a return call.</summary>
    public long MissedCallsReturned { get; init; }
    /// <summary>Dial attempts spent on those tasks.</summary>
    public long MissedCallAttempts { get; init; }
    /// <summary>Returned within <see cref="ReturnWithinMinutes"/>: tasks reached no later than N minutes after the missed call / tasks not dropped.</summary>
    public Ratio ReturnedWithin { get; init; } = new(0, 0);
}
