using Telephony.Cases;

namespace Telephony.LoadGen.Day;

/// <summary>
/// The driver's own count of a window's calls, by the definitions of <see cref="CallFigures"/> (docs/cases.md), from
/// what the callers and agents saw: offered = the system answered; answered = an agent's phone connected; within 15 s
/// = agent connected ≤ 15 s after the system's answer; abandoned = the caller gave up unanswered; wait = agent
/// connected − queued (the pop's stamp); handle = end of wrap-up − agent connected.
/// </summary>
internal static class DriverFigures
{
    public static CallFigures Of(IEnumerable<DayCall> calls, DateTimeOffset from, DateTimeOffset to)
    {
        var list = calls.ToList();
        var offered = list.Where(c => c.EstablishedAt is not null).ToList();
        var answered = offered.Where(c => c.AgentConnectedAt is not null).ToList();
        var handled = answered.Where(c => c.EndedAt is not null).ToList();
        var abandoned = offered.Where(c => c.AgentConnectedAt is null && c.AbandonedAt is not null).ToList();
        var refused = list.Count(c => c.Refused);
        return new CallFigures
        {
            From = from,
            To = to,
            Offered = offered.Count + refused,
            Answered = answered.Count,
            AnsweredWithin15s = answered.Count(c => c.AgentConnectedAt!.Value - c.EstablishedAt!.Value <= CallFigures.AnswerLimit),
            Abandoned = abandoned.Count,
            Refused = refused,
            RequestedAgent = answered.Count + abandoned.Count + offered.Count(c => c.AgentConnectedAt is null && c.AbandonedAt is null && c.EnqueuedAt is not null) + refused,
            WaitMilliseconds = (long)answered.Sum(c => (c.AgentConnectedAt!.Value - (c.EnqueuedAt ?? c.EstablishedAt!.Value)).TotalMilliseconds),
            Handled = handled.Count,
            TalkMilliseconds = (long)handled.Sum(c => (c.EndedAt!.Value - c.AgentConnectedAt!.Value).TotalMilliseconds),
            HandleMilliseconds = (long)handled.Sum(c => ((c.WrapUpEndedAt ?? c.EndedAt!.Value) - c.AgentConnectedAt!.Value).TotalMilliseconds),
        };
    }

    /// <summary>
    /// Where the driver's and the server's figures of one window disagree, beyond what two clocks a few milliseconds
    /// apart explain: counts must be equal (answered within 15 s: up to the answered calls within 0.5 s of the limit),
    /// average speed of answer within 0.5 s, average handle time within 1 s. Empty: they agree.
    /// </summary>
    public static IReadOnlyList<string> Disagreements(CallFigures driver, CallFigures server, IEnumerable<DayCall> calls)
    {
        var borderline = calls.Count(c => c.AgentConnectedAt is { } a && c.EstablishedAt is { } e
            && Math.Abs((a - e - CallFigures.AnswerLimit).TotalSeconds) < 0.5);
        var problems = new List<string>();
        void Count(string name, long d, long s, long slack = 0)
        {
            if (Math.Abs(d - s) > slack)
                problems.Add($"{name} {d} vs {s}");
        }
        Count("offered", driver.Offered, server.Offered);
        Count("answered", driver.Answered, server.Answered);
        Count("within 15 s", driver.AnsweredWithin15s, server.AnsweredWithin15s, borderline);
        Count("abandoned", driver.Abandoned, server.Abandoned);
        Count("asked for an agent", driver.RequestedAgent, server.RequestedAgent);
        Count("handled", driver.Handled, server.Handled);
        if (Math.Abs((driver.AverageSpeedOfAnswerSeconds ?? 0) - (server.AverageSpeedOfAnswerSeconds ?? 0)) > 0.5)
            problems.Add($"ASA {driver.AverageSpeedOfAnswerSeconds:0.0} s vs {server.AverageSpeedOfAnswerSeconds:0.0} s");
        if (Math.Abs((driver.AverageHandleTimeSeconds ?? 0) - (server.AverageHandleTimeSeconds ?? 0)) > 1)
            problems.Add($"AHT {driver.AverageHandleTimeSeconds:0.0} s vs {server.AverageHandleTimeSeconds:0.0} s");
        return problems;
    }
}
