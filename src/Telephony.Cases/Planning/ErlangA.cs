namespace Telephony.Cases.Planning;

/// <summary>What Erlang A predicts for one number of agents.</summary>
/// <param name="WaitProbability">The share of callers who find every agent busy.</param>
/// <param name="AbandonProbability">The share of callers who hang up before an agent answers.</param>
/// <param name="ServiceLevel">The share of all callers answered within the target time (abandons count against it).</param>
/// <param name="AverageWait">The mean time in queue over all callers (answered or not): E[queue length] / λ (Little).</param>
public sealed record ErlangAResult(double WaitProbability, double AbandonProbability, double ServiceLevel, TimeSpan AverageWait);

/// <summary>
/// Erlang A (M/M/N+M; Palm 1943, Garnett, Mandelbaum and Reiman 2002, "Designing a call center with
/// impatient customers", MSOM 4(3)): Poisson arrivals λ, exponential handle times (mean AHT) and
/// exponential patience (mean 1/θ) — a caller still waiting when their patience runs out hangs up.
/// Unlike Erlang C the queue is stable with any number of agents, and abandons lower the wait of those
/// behind, so at 12345's loads Erlang A usually needs fewer agents for the same answered-in-time target.
/// <para>
/// Computed exactly from the birth–death chain, relative to the state "all N busy, nobody waiting":
/// states below it weigh 1/B(N, A) − 1 (Erlang B's stable recursion, no factorials), the state with
/// k waiting weighs Π_{j=1..k} λ/(Nμ + jθ), summed until the terms vanish. Abandons are θ·E[Q]/λ.
/// The service level follows a waiting caller down the queue: with k callers ahead, the next step
/// comes at rate Nμ + kθ (an agent frees up or someone ahead hangs up) against its own patience θ;
/// the time to reach an agent is solved by uniformization (a Poisson-weighted sum of the embedded
/// chain's steps, weights in log space).
/// </para>
/// </summary>
public static class ErlangA
{
    private const double Negligible = 1e-14;
    private const int MaxQueue = 200_000;

    /// <summary>Erlang A for <paramref name="agents"/>, calls per second <paramref name="arrivalsPerSecond"/>, and the mean handle time and patience.</summary>
    public static ErlangAResult Evaluate(int agents, double arrivalsPerSecond, TimeSpan handleTime, TimeSpan patience, TimeSpan within)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(agents);
        if (!(arrivalsPerSecond >= 0) || !double.IsFinite(arrivalsPerSecond))
            throw new ArgumentOutOfRangeException(nameof(arrivalsPerSecond));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(handleTime, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(patience, TimeSpan.Zero);
        if (arrivalsPerSecond == 0)
            return new ErlangAResult(0, 0, 1, TimeSpan.Zero);
        var lambda = arrivalsPerSecond;
        var mu = 1 / handleTime.TotalSeconds;
        var theta = 1 / patience.TotalSeconds;
        var load = lambda / mu;

        // Weights relative to state N (all busy, none waiting): q[0] = 1, q[k] = q[k−1]·λ/(Nμ + kθ).
        var waiting = new List<double> { 1.0 };
        double sum = 1, queueSum = 0;
        for (var k = 1; k < MaxQueue; k++)
        {
            var q = waiting[^1] * lambda / (agents * mu + k * theta);
            waiting.Add(q);
            sum += q;
            queueSum += k * q;
            if (q < Negligible * sum && lambda < agents * mu + k * theta)
                break;
        }
        var below = agents == 0 ? 0 : 1 / ErlangB.Blocking(agents, load) - 1; // states 0..N−1 relative to state N
        var total = below + sum;
        var pWait = sum / total;
        var meanQueue = queueSum / total;
        var pAbandon = theta * meanQueue / lambda;
        var servedInTime = (1 - pWait) + ServedWithin(waiting, total, agents * mu, theta, within.TotalSeconds);
        return new ErlangAResult(pWait, pAbandon, Math.Clamp(servedInTime, 0, 1), TimeSpan.FromSeconds(meanQueue / lambda));
    }

    /// <summary>
    /// The share of all callers who arrive to a queue (k ahead with weight waiting[k]/total) and reach
    /// an agent within <paramref name="t"/> seconds, by uniformization at rate Λ = Nμ + (K+1)θ.
    /// </summary>
    private static double ServedWithin(List<double> waiting, double total, double serviceRate, double theta, double t)
    {
        if (t <= 0 || serviceRate <= 0)
            return 0;
        var top = waiting.Count - 1;
        var uniform = serviceRate + (top + 1) * theta;
        var mass = new double[top + 1];
        for (var k = 0; k <= top; k++)
            mass[k] = waiting[k] / total;
        var next = new double[top + 1];
        double served = 0, result = 0, poissonSoFar = 0;
        var lt = uniform * t;
        var logLt = Math.Log(lt);
        var logFactorial = 0.0;
        for (var i = 0; ; i++)
        {
            if (i > 0)
            {
                logFactorial += Math.Log(i);
                // One step of the embedded chain: forward (an agent frees or someone ahead leaves), own abandon, or stay.
                Array.Clear(next);
                served += mass[0] * serviceRate / uniform;
                for (var k = 0; k <= top; k++)
                {
                    var forward = serviceRate + k * theta;
                    if (k > 0)
                        next[k - 1] += mass[k] * forward / uniform;
                    next[k] += mass[k] * (1 - (forward + theta) / uniform);
                }
                (mass, next) = (next, mass);
            }
            var poisson = Math.Exp(-lt + i * logLt - logFactorial);
            result += poisson * served;
            poissonSoFar += poisson;
            if ((i > lt && 1 - poissonSoFar < 1e-12) || i > lt + 50 * Math.Sqrt(lt) + 200)
                break;
        }
        return result;
    }
}
