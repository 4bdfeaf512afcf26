namespace Telephony.Cases.Planning;

/// <summary>
/// Erlang C (M/M/N, callers wait for ever): probability of waiting, service level and average speed
/// of answer for <c>N</c> agents offered <c>A</c> = λ·AHT erlangs. C is derived from Erlang B
/// (C = N·B / (N − A·(1 − B))), so it shares B's stable recursion. With N ≤ A the queue grows
/// without bound: every caller waits (C = 1) and no service level is reached.
/// </summary>
public static class ErlangC
{
    /// <summary>The probability that a call waits at all.</summary>
    public static double WaitProbability(int agents, double load)
    {
        if (agents <= load)
            return 1.0;
        var b = ErlangB.Blocking(agents, load);
        return agents * b / (agents - load * (1 - b));
    }

    /// <summary>The share of calls answered within <paramref name="within"/>: 1 − C·e^(−(N−A)·t/AHT).</summary>
    public static double ServiceLevel(int agents, double load, TimeSpan handleTime, TimeSpan within)
    {
        if (agents <= load)
            return 0.0;
        return 1 - WaitProbability(agents, load) * Math.Exp(-(agents - load) * within.TotalSeconds / handleTime.TotalSeconds);
    }

    /// <summary>Average speed of answer: C·AHT / (N − A); infinite when N ≤ A.</summary>
    public static TimeSpan AverageSpeedOfAnswer(int agents, double load, TimeSpan handleTime) =>
        agents <= load ? TimeSpan.MaxValue : TimeSpan.FromSeconds(WaitProbability(agents, load) * handleTime.TotalSeconds / (agents - load));
}
