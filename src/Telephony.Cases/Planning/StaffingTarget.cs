namespace Telephony.Cases.Planning;

/// <summary>
/// What the plan must reach in every half hour: <see cref="ServiceLevel"/> of callers answered within
/// <see cref="AnswerWithin"/> (GB/T 33358: 15 s), at most <see cref="MaxAbandon"/> hanging up (checked
/// where Erlang A applies), with <see cref="Shrinkage"/> of paid time lost to breaks, training and
/// absence (the agents to schedule are the agents needed / (1 − shrinkage)).
/// </summary>
public sealed record StaffingTarget
{
    public double ServiceLevel { get; init; } = 0.90;
    public TimeSpan AnswerWithin { get; init; } = TimeSpan.FromSeconds(15);
    public double MaxAbandon { get; init; } = 0.03;
    public double Shrinkage { get; init; } = 0.30;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first value out of range.</summary>
    public void Validate()
    {
        if (ServiceLevel is <= 0 or >= 1) throw new ArgumentException("serviceLevel must be between 0 and 1 (exclusive)", nameof(ServiceLevel));
        if (AnswerWithin < TimeSpan.Zero || AnswerWithin > TimeSpan.FromHours(1)) throw new ArgumentException("answerWithin must be 0..3600 s", nameof(AnswerWithin));
        if (MaxAbandon is <= 0 or >= 1) throw new ArgumentException("maxAbandon must be between 0 and 1 (exclusive)", nameof(MaxAbandon));
        if (Shrinkage is < 0 or >= 1) throw new ArgumentException("shrinkage must be 0 or more and below 1", nameof(Shrinkage));
    }
}

/// <summary>The agents one half hour needs, by each model, and what the chosen number is predicted to give.</summary>
/// <param name="ErlangCAgents">Fewest agents meeting the service level by Erlang C (no abandonment).</param>
/// <param name="ErlangAAgents">Fewest agents meeting the service level and the abandon limit by Erlang A; null without a patience estimate.</param>
/// <param name="Agents">The plan: Erlang A's answer where there is one, else Erlang C's.</param>
/// <param name="Scheduled">Agents to schedule once shrinkage is added: ⌈Agents / (1 − shrinkage)⌉.</param>
/// <param name="Model">"erlang-a" or "erlang-c": which answer <see cref="Agents"/> is.</param>
/// <param name="ServiceLevel">Predicted share answered within the target time with <see cref="Agents"/>.</param>
/// <param name="AbandonRate">Predicted share abandoning (0 by Erlang C).</param>
/// <param name="AverageWait">Predicted mean wait (Erlang C: ASA of all callers; Erlang A: mean time in queue).</param>
public sealed record StaffingAnswer(int ErlangCAgents, int? ErlangAAgents, int Agents, int Scheduled, string Model, double ServiceLevel, double AbandonRate, TimeSpan AverageWait);
