namespace Telephony.Cases;

/// <summary>
/// The hotline's call figures for [From, To): the one set of definitions behind the call part of
/// <c>GET /api/kpis</c> (<see cref="KpiReport.Calls"/>) and the supervisors' live wall, computed by one
/// piece of code (<see cref="Storage.CallFigureQuery"/>) so the wall and the report can never disagree.
/// Population: call records whose <c>offered_at</c> (the moment the system answered the citizen's call)
/// is in the range, plus the calls refused for capacity in the range's minutes. docs/cases.md repeats
/// every definition.
/// </summary>
public sealed record CallFigures
{
    /// <summary>The citizen's wait limit of GB/T 33358: answered by an agent within 15 s of the system's answer.</summary>
    public static readonly TimeSpan AnswerLimit = TimeSpan.FromSeconds(15);

    public DateTimeOffset From { get; init; }
    public DateTimeOffset To { get; init; }

    /// <summary>Calls offered: call records in the range (live ones included) plus <see cref="Refused"/>.</summary>
    public long Offered { get; init; }
    /// <summary>Calls answered by an agent (answered_at set).</summary>
    public long Answered { get; init; }
    /// <summary>
    /// Answered calls whose agent answered at most 15 s after the system answered the call (answered − offered ≤ 15 s):
    /// the citizen's 15 s, IVR included, as GB/T 33358 asks, not the queue's.
    /// </summary>
    public long AnsweredWithin15s { get; init; }
    /// <summary>Calls that reached the queue and ended unanswered by the caller's choice (not live, not lost with a node, not drained) = <see cref="AbandonedInQueue"/> + <see cref="AbandonedWhileRinging"/>.</summary>
    public long Abandoned { get; init; }
    /// <summary>Ended calls that never reached the queue and left the IVR before it finished (outcome ivr, no IVR end).</summary>
    public long AbandonedInIvr { get; init; }
    /// <summary>Abandoned calls that never rang an agent.</summary>
    public long AbandonedInQueue { get; init; }
    /// <summary>Abandoned calls that had rung an agent (the caller hung up while, or after, a seat rang).</summary>
    public long AbandonedWhileRinging { get; init; }
    /// <summary>Calls refused for capacity (SIP 503): offered and not connected, with no record (a minute is in the range when it starts in it).</summary>
    public long Refused { get; init; }
    /// <summary>Calls whose node died while they were in progress (outcome node-lost).</summary>
    public long Lost { get; init; }
    /// <summary>Calls a queue ended without an agent (outcome queue-full or queue-timeout: the caller heard a polite refusal or the end action); offered, not connected, not abandoned.</summary>
    public long TurnedAway { get; init; }
    /// <summary>Calls that asked for an agent: reached the queue, or were refused for capacity.</summary>
    public long RequestedAgent { get; init; }

    /// <summary>Answer rate: answered / offered.</summary>
    public Ratio AnswerRate => new(Answered, Offered);
    /// <summary>Service level: answered within 15 s (of the system's answer) / offered.</summary>
    public Ratio ServiceLevel15s => new(AnsweredWithin15s, Offered);
    /// <summary>Connected rate (接通率, target ≥ 95 %): answered / calls that asked for an agent.</summary>
    public Ratio ConnectedRate => new(Answered, RequestedAgent);

    /// <summary>Total wait of answered calls (answered − queued, or − offered if never queued), in ms.</summary>
    public long WaitMilliseconds { get; init; }
    /// <summary>Answered calls that have ended.</summary>
    public long Handled { get; init; }
    /// <summary>Σ (ended − answered) over answered, ended calls, in ms.</summary>
    public long TalkMilliseconds { get; init; }
    /// <summary>Σ ((wrap-up end, else ended) − answered) over answered, ended calls, in ms: talk plus after-call work.</summary>
    public long HandleMilliseconds { get; init; }

    /// <summary>Average speed of answer (s): total queue wait of answered calls / answered calls.</summary>
    public double? AverageSpeedOfAnswerSeconds => Answered == 0 ? null : WaitMilliseconds / 1000.0 / Answered;
    /// <summary>Average handle time (s), wrap-up included: <see cref="HandleMilliseconds"/> / <see cref="Handled"/>.</summary>
    public double? AverageHandleTimeSeconds => Handled == 0 ? null : HandleMilliseconds / 1000.0 / Handled;
    /// <summary>Talk hours: Σ (ended − answered) over answered, ended calls, in hours.</summary>
    public double TalkHours => TalkMilliseconds / 3_600_000.0;

    /// <summary>The lowest post-call survey score counted as satisfied (4 and 5 on the 12345 script's 1..5 scale).</summary>
    public const int SatisfiedSurveyScore = 4;
    /// <summary>Answered calls with a post-call survey score.</summary>
    public long Surveyed { get; init; }
    /// <summary>Answered calls scoring at least <see cref="SatisfiedSurveyScore"/>.</summary>
    public long SurveySatisfied { get; init; }
    /// <summary>Σ score over answered calls with a score.</summary>
    public long SurveyScoreSum { get; init; }
    /// <summary>Survey response rate: answered calls with a score / answered calls.</summary>
    public Ratio SurveyResponseRate => new(Surveyed, Answered);
    /// <summary>Satisfaction by phone: answered calls scoring ≥ 4 / answered calls with a score.</summary>
    public Ratio PhoneSatisfaction => new(SurveySatisfied, Surveyed);
    /// <summary>Average post-call survey score: Σ score / answered calls with a score.</summary>
    public double? AverageSurveyScore => Surveyed == 0 ? null : (double)SurveyScoreSum / Surveyed;

    /// <summary>Callbacks due: cases taken in within the range (not merged) that wait for their satisfaction callback now (status AwaitingCallback).</summary>
    public long CallbacksDue { get; init; }
}
