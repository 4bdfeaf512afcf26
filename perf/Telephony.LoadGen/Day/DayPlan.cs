using Telephony.Cases.Planning;

namespace Telephony.LoadGen.Day;

/// <summary>One half hour of the simulated day: its demand, the planner's staffing and prediction, and how long it is played.</summary>
/// <param name="Slot">0 = 00:00 … 47 = 23:30.</param>
/// <param name="ArrivalsPerHalfHour">Contacts the (scaled) centre gets in this half hour.</param>
/// <param name="Plan">The planner's answer for the half hour (<see cref="StaffingCalculator.AgentsNeeded"/>, the code behind <c>GET /api/planning/staffing</c>).</param>
/// <param name="Agents">Agents Ready in this half hour: the plan's, capped by the seats there are.</param>
/// <param name="WallSeconds">Seconds of real time the half hour is played for.</param>
internal sealed record DaySlot(int Slot, double ArrivalsPerHalfHour, StaffingAnswer Plan, int Agents, double WallSeconds)
{
    public double ArrivalsPerSecond => ArrivalsPerHalfHour / 1800;
    public string Label => IntradayCurve.Label(Slot);
    public bool Capped => Agents < Plan.Agents;
}

/// <summary>One call the day places: when (in its half hour's wall time), which lane, how long it talks, how patient it is.</summary>
internal sealed record PlannedCall(int Index, int Slot, TimeSpan Offset, Lane Lane, TimeSpan Talk, TimeSpan Patience);

/// <summary>
/// The day as it will be played: per half hour the planner's staffing for the scaled arrivals, the mean handle time
/// (talk plus wrap-up) and the callers' patience, against the planner's default target (90 % answered in time, abandons
/// ≤ 3 %) with its answer time as given (<see cref="DayOptions.AnswerWithinSeconds"/>);
/// and the calls, a Poisson stream at each half hour's real rate over its (compressed) wall time.
/// </summary>
internal sealed class DayPlan
{
    public required IReadOnlyList<DaySlot> Slots { get; init; }
    public required IReadOnlyList<PlannedCall> Calls { get; init; }
    public required StaffingTarget Target { get; init; }
    public required TimeSpan HandleTime { get; init; }
    public required TimeSpan Patience { get; init; }

    public static DayPlan Make(DayOptions o)
    {
        var random = new Random(o.Seed);
        var target = new StaffingTarget { AnswerWithin = TimeSpan.FromSeconds(o.AnswerWithinSeconds) };
        target.Validate();
        var handle = TimeSpan.FromSeconds(o.TalkSeconds + o.WrapSeconds);
        var patience = TimeSpan.FromSeconds(o.PatienceSeconds);
        var played = Enumerable.Range(o.FromHour * 2, (o.ToHour - o.FromHour) * 2).ToList();
        // The peak hour: the two busiest half hours played (ties: the earlier), played longer.
        var peak = played.OrderByDescending(IntradayCurve.Share).ThenBy(s => s).Take(2).ToHashSet();
        var slots = new List<DaySlot>(played.Count);
        var calls = new List<PlannedCall>();
        foreach (var s in played)
        {
            var arrivals = o.Contacts * o.Scale * IntradayCurve.Share(s);
            var answer = StaffingCalculator.AgentsNeeded(arrivals / 1800, handle, patience, target);
            var slot = new DaySlot(s, arrivals, answer, Math.Clamp(answer.Agents, 1, o.MaxAgents), peak.Contains(s) ? o.PeakSlotSeconds : o.SlotSeconds);
            slots.Add(slot);
            var open = slot.WallSeconds - o.Guard.TotalSeconds;
            for (var t = Exponential(random, 1 / slot.ArrivalsPerSecond); t < open; t += Exponential(random, 1 / slot.ArrivalsPerSecond))
            {
                calls.Add(new PlannedCall(calls.Count, s, TimeSpan.FromSeconds(t), Lanes.Draw(random),
                    TimeSpan.FromSeconds(LogNormal(random, o.TalkSeconds, 0.6)), TimeSpan.FromSeconds(Exponential(random, o.PatienceSeconds))));
            }
        }
        return new DayPlan { Slots = slots, Calls = calls, Target = target, HandleTime = handle, Patience = patience };
    }

    /// <summary>Erlang A's share answered within <paramref name="within"/> of queueing, for a half hour as staffed.</summary>
    public double PredictedServiceLevel(DaySlot slot, TimeSpan within) =>
        slot.ArrivalsPerSecond <= 0 ? 1 : ErlangA.Evaluate(slot.Agents, slot.ArrivalsPerSecond, HandleTime, Patience, within < TimeSpan.Zero ? TimeSpan.Zero : within).ServiceLevel;

    /// <summary>Erlang A for a half hour as staffed (capped agents), the target's answer time from queueing.</summary>
    public ErlangAResult Predicted(DaySlot slot) =>
        slot.ArrivalsPerSecond <= 0 ? new ErlangAResult(0, 0, 1, TimeSpan.Zero) : ErlangA.Evaluate(slot.Agents, slot.ArrivalsPerSecond, HandleTime, Patience, Target.AnswerWithin);

    private static double Exponential(Random random, double mean) => -mean * Math.Log(1 - random.NextDouble());

    // Log-normal with the given mean: μ = ln(mean) − σ²/2.
    private static double LogNormal(Random random, double mean, double sigma)
    {
        var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return Math.Exp(Math.Log(mean) - sigma * sigma / 2 + sigma * normal);
    }
}
