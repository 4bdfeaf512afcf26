namespace Telephony.Cases.Planning;

/// <summary>
/// Erlang B: the probability that a call finds all <c>N</c> servers busy in a loss system offered
/// <c>A</c> erlangs. Computed with the recursion B(0) = 1, B(n) = A·B(n−1) / (n + A·B(n−1)), which
/// never forms A^N or N! and so stays exact in doubles for any practical N and A (the textbook
/// sum of A^k/k! overflows near A ≈ 170).
/// </summary>
public static class ErlangB
{
    /// <summary>B(<paramref name="servers"/>, <paramref name="load"/>).</summary>
    public static double Blocking(int servers, double load)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(servers);
        if (!double.IsFinite(load) || load < 0)
            throw new ArgumentOutOfRangeException(nameof(load), load, "The offered load must be a finite number of erlangs ≥ 0.");
        var b = 1.0;
        for (var n = 1; n <= servers; n++)
            b = load * b / (n + load * b);
        return b;
    }
}
