namespace Telephony.Cases.Planning;

/// <summary>
/// The fewest agents for a half hour's demand: Erlang C always (the classic answer, and the one
/// published tables give), Erlang A as well when the callers' patience is known. Where the two differ
/// Erlang A is the plan — it models what really happens (callers hang up, which shortens the queue
/// for the rest) and checks the abandon limit Erlang C cannot see.
/// </summary>
public static class StaffingCalculator
{
    private const int MaxAgents = 20_000;

    /// <summary>
    /// Agents for <paramref name="arrivalsPerSecond"/> with mean handle time <paramref name="handleTime"/>
    /// (talk plus wrap-up) and mean patience <paramref name="patience"/> (null: unknown, Erlang C only).
    /// </summary>
    public static StaffingAnswer AgentsNeeded(double arrivalsPerSecond, TimeSpan handleTime, TimeSpan? patience, StaffingTarget target)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.Validate();
        if (arrivalsPerSecond <= 0 || handleTime <= TimeSpan.Zero)
            return new StaffingAnswer(0, patience is null ? null : 0, 0, 0, patience is null ? "erlang-c" : "erlang-a", 1, 0, TimeSpan.Zero);
        var load = arrivalsPerSecond * handleTime.TotalSeconds;

        var c = (int)Math.Floor(load) + 1;
        while (c < MaxAgents && ErlangC.ServiceLevel(c, load, handleTime, target.AnswerWithin) < target.ServiceLevel)
            c++;

        if (patience is not { } p || p <= TimeSpan.Zero)
        {
            var sl = ErlangC.ServiceLevel(c, load, handleTime, target.AnswerWithin);
            return new StaffingAnswer(c, null, c, Scheduled(c, target), "erlang-c", sl, 0, ErlangC.AverageSpeedOfAnswer(c, load, handleTime));
        }

        // More agents never lower Erlang A's service level nor raise its abandons, so the fewest agents meeting
        // both is found by bisection: up from Erlang C's answer until it holds (the abandon limit may ask more), then down.
        bool Meets(int n, out ErlangAResult r)
        {
            r = ErlangA.Evaluate(n, arrivalsPerSecond, handleTime, p, target.AnswerWithin);
            return r.ServiceLevel >= target.ServiceLevel && r.AbandonProbability <= target.MaxAbandon;
        }
        int lo = 0, hi = c;
        while (!Meets(hi, out _) && hi < MaxAgents)
        {
            lo = hi;
            hi = Math.Min(MaxAgents, hi * 2);
        }
        while (hi - lo > 1)
        {
            var mid = (lo + hi) / 2;
            if (Meets(mid, out _)) hi = mid; else lo = mid;
        }
        var a = hi;
        Meets(a, out var result);
        return new StaffingAnswer(c, a, a, Scheduled(a, target), "erlang-a", result.ServiceLevel, result.AbandonProbability, result.AverageWait);
    }

    private static int Scheduled(int agents, StaffingTarget target) =>
        (int)Math.Ceiling(agents / (1 - target.Shrinkage) - 1e-9);
}
