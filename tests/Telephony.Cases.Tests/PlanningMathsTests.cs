using Telephony.Cases.Planning;

namespace Telephony.Cases.Tests;

/// <summary>
/// The planner's queueing maths against published tables and worked examples, values computed by hand,
/// and the properties that tie Erlang A to Erlang C.
/// </summary>
public sealed class PlanningMathsTests
{
    [Test]
    public void Erlang_B_matches_hand_computation_and_the_tables()
    {
        // By hand with the recursion: B(1) = 2/3, B(2) = (4/3)/(10/3) = 2/5, B(3) = (4/5)/(19/5) = 4/19.
        Assert.That(ErlangB.Blocking(3, 2), Is.EqualTo(4.0 / 19).Within(1e-15));
        // Erlang B tables (e.g. Cooper, "Introduction to Queueing Theory", or any teletraffic table): 10 trunks, 10 E → 0.2146.
        Assert.That(ErlangB.Blocking(10, 10), Is.EqualTo(0.2146).Within(5e-5));
        Assert.That(ErlangB.Blocking(0, 5), Is.EqualTo(1));
    }

    [Test]
    public void Erlang_C_matches_hand_computation()
    {
        // C = N·B / (N − A(1 − B)) with B = 4/19: 3·4/19 / (3 − 2·15/19) = (12/19) / (27/19) = 4/9
        // (also the basic example of Mathematica's ErlangC[3, 2]).
        Assert.That(ErlangC.WaitProbability(3, 2), Is.EqualTo(4.0 / 9).Within(1e-14));
        Assert.That(ErlangC.WaitProbability(2, 2), Is.EqualTo(1), "N ≤ A: everyone waits");
        Assert.That(ErlangC.ServiceLevel(2, 2.5, TimeSpan.FromMinutes(3), TimeSpan.FromSeconds(20)), Is.Zero);
    }

    // Call Centre Helper, "Erlang C Formula – Made Simple With an Easy Worked Example" (callcentrehelper.com):
    // 100 calls in 30 minutes, AHT 180 s (10 erlangs), target 80 % in 20 s, 30 % shrinkage. Published: 13 agents give
    // Pw 0.2853 and 79.6 %; 14 agents give Pw 0.1741, 88.8 % and an ASA of 7.8 s; so 14 agents, 20 to schedule.
    [TestCase(13, 0.2853, 0.7956)]
    [TestCase(14, 0.1741, 0.8884)]
    public void Erlang_C_matches_the_Call_Centre_Helper_worked_example(int agents, double waitProbability, double serviceLevel)
    {
        Assert.That(ErlangC.WaitProbability(agents, 10), Is.EqualTo(waitProbability).Within(5e-5));
        Assert.That(ErlangC.ServiceLevel(agents, 10, TimeSpan.FromSeconds(180), TimeSpan.FromSeconds(20)), Is.EqualTo(serviceLevel).Within(5e-4));
    }

    [Test]
    public void The_staffing_of_the_Call_Centre_Helper_example_is_14_agents_and_20_with_shrinkage()
    {
        var answer = StaffingCalculator.AgentsNeeded(100 / 1800.0, TimeSpan.FromSeconds(180), patience: null,
            new StaffingTarget { ServiceLevel = 0.80, AnswerWithin = TimeSpan.FromSeconds(20), Shrinkage = 0.30 });
        Assert.That((answer.ErlangCAgents, answer.Agents, answer.Scheduled, answer.Model), Is.EqualTo((14, 14, 20, "erlang-c")));
        Assert.That(answer.AverageWait.TotalSeconds, Is.EqualTo(7.8).Within(0.05));
    }

    // The Erlang-C tutorial's example ("The Erlang-C Formula", worked step by step): 360 calls per half hour,
    // 4 minutes each (48 erlangs), 55 agents, 15 s target: probability of waiting 0.2387, ASA 8.2 s, service level 84.6 %.
    [Test]
    public void Erlang_C_matches_the_360_calls_per_half_hour_example()
    {
        var aht = TimeSpan.FromMinutes(4);
        Assert.That(ErlangC.WaitProbability(55, 48), Is.EqualTo(0.2387).Within(5e-5));
        Assert.That(ErlangC.AverageSpeedOfAnswer(55, 48, aht).TotalSeconds, Is.EqualTo(8.18).Within(0.01));
        Assert.That(ErlangC.ServiceLevel(55, 48, aht, TimeSpan.FromSeconds(15)), Is.EqualTo(0.8459).Within(5e-4));
    }

    [Test]
    public void The_recursion_stays_finite_at_city_scale_loads()
    {
        // A^N / N! overflows a double near A = 170; the recursion does not.
        var b = ErlangB.Blocking(2000, 1900);
        var c = ErlangC.WaitProbability(2000, 1900);
        Assert.That(double.IsFinite(b) && b is > 0 and < 1, Is.True, b.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(double.IsFinite(c) && c is > 0 and < 1, Is.True, c.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var big = ErlangA.Evaluate(300, 1.0, TimeSpan.FromSeconds(280), TimeSpan.FromSeconds(120), TimeSpan.FromSeconds(15));
        Assert.That(double.IsFinite(big.ServiceLevel) && double.IsFinite(big.AbandonProbability), Is.True);
    }

    [Test]
    public void Erlang_A_matches_a_case_solved_by_hand()
    {
        // N = 1, λ = μ = θ = 1/s: π0 ∝ 1, π(1+k) ∝ 1/(k+1)!, so the normaliser is 1 + (e − 1) = e;
        // P(wait) = (e − 1)/e; E[Q] = Σ k/(k+1)! / e = 1/e; P(abandon) = θ·E[Q]/λ = 1/e.
        var r = ErlangA.Evaluate(1, 1.0, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.Zero);
        Assert.That(r.WaitProbability, Is.EqualTo((Math.E - 1) / Math.E).Within(1e-12));
        Assert.That(r.AbandonProbability, Is.EqualTo(1 / Math.E).Within(1e-12));
        Assert.That(r.ServiceLevel, Is.EqualTo(1 / Math.E).Within(1e-12), "within 0 s: only those who find an agent free");
        // A caller who finds the agent busy with nobody waiting is served within t if the agent frees (rate 1)
        // before their own patience (rate 1) runs out and within t: ½(1 − e^(−2t)). Callers further back add more;
        // with t = 0.5 s the first-in-line share alone is (1/e)·½(1 − e^(−1)) on top of the 1/e answered at once.
        var half = ErlangA.Evaluate(1, 1.0, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.5));
        Assert.That(half.ServiceLevel, Is.GreaterThan(1 / Math.E + 1 / Math.E * 0.5 * (1 - Math.Exp(-1))));
    }

    [Test]
    public void Erlang_A_with_patience_for_ever_is_Erlang_C()
    {
        var aht = TimeSpan.FromSeconds(180);
        var r = ErlangA.Evaluate(14, 100 / 1800.0, aht, TimeSpan.FromDays(3650), TimeSpan.FromSeconds(20));
        Assert.That(r.WaitProbability, Is.EqualTo(ErlangC.WaitProbability(14, 10)).Within(1e-4));
        Assert.That(r.ServiceLevel, Is.EqualTo(ErlangC.ServiceLevel(14, 10, aht, TimeSpan.FromSeconds(20))).Within(1e-4));
        Assert.That(r.AverageWait.TotalSeconds, Is.EqualTo(ErlangC.AverageSpeedOfAnswer(14, 10, aht).TotalSeconds).Within(0.05));
        Assert.That(r.AbandonProbability, Is.LessThan(1e-4));
    }

    [Test]
    public void Impatient_callers_change_the_answer_and_the_abandon_limit_can_ask_for_more()
    {
        var target = new StaffingTarget { ServiceLevel = 0.90, AnswerWithin = TimeSpan.FromSeconds(15), MaxAbandon = 0.03, Shrinkage = 0.25 };
        var aht = TimeSpan.FromSeconds(300);
        // 400 calls in the half hour, 5 min each: 66.7 erlangs; callers' mean patience 60 s.
        var answer = StaffingCalculator.AgentsNeeded(400 / 1800.0, aht, TimeSpan.FromSeconds(60), target);
        Assert.That(answer.Model, Is.EqualTo("erlang-a"));
        Assert.That(answer.ErlangAAgents, Is.LessThanOrEqualTo(answer.ErlangCAgents), "abandons shorten the queue for those who stay");
        Assert.That(answer.ServiceLevel, Is.GreaterThanOrEqualTo(0.90));
        Assert.That(answer.AbandonRate, Is.LessThanOrEqualTo(0.03));
        var fewer = ErlangA.Evaluate(answer.Agents - 1, 400 / 1800.0, aht, TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(15));
        Assert.That(fewer.ServiceLevel < 0.90 || fewer.AbandonProbability > 0.03, Is.True, "the fewest agents that meet both");
        Assert.That(answer.Scheduled, Is.EqualTo((int)Math.Ceiling(answer.Agents / 0.75)));

        // A strict abandon limit with very impatient callers needs more than the service level alone.
        var strict = StaffingCalculator.AgentsNeeded(400 / 1800.0, aht, TimeSpan.FromSeconds(10),
            target with { ServiceLevel = 0.5, MaxAbandon = 0.005 });
        var slOnly = StaffingCalculator.AgentsNeeded(400 / 1800.0, aht, TimeSpan.FromSeconds(10),
            target with { ServiceLevel = 0.5, MaxAbandon = 0.99 });
        Assert.That(strict.Agents, Is.GreaterThan(slOnly.Agents));
    }

    [Test]
    public void Half_hours_of_the_week_start_on_Monday()
    {
        Assert.That(HalfHourDemand.SlotOf(new DateTimeOffset(2026, 3, 2, 0, 0, 0, TimeSpan.FromHours(8))), Is.Zero, "Monday 00:00");
        Assert.That(HalfHourDemand.SlotOf(new DateTimeOffset(2026, 3, 2, 9, 45, 0, TimeSpan.FromHours(8))), Is.EqualTo(19));
        Assert.That(HalfHourDemand.SlotOf(new DateTimeOffset(2026, 3, 8, 23, 30, 0, TimeSpan.FromHours(8))), Is.EqualTo(335), "Sunday 23:30");
        Assert.That(StaffingPlan.Label(19), Is.EqualTo(("Mon", "09:30")));
    }
}
