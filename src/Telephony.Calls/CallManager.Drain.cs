using Microsoft.Extensions.Logging;

namespace Telephony.Calls;

// The graceful stop: no new calls, the calls in progress may finish, the rest end as drained.
public sealed partial class CallManager
{
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan DrainReportEvery = TimeSpan.FromSeconds(5);

    /// <summary>This node's drain state (shared with the SIP host, which refuses new calls while it is set).</summary>
    public NodeDrain Drain { get; }

    /// <summary>
    /// The graceful stop: begins the drain (new calls get 503), waits until no call is in progress or
    /// <paramref name="timeout"/> has passed, logging how many are left, then ends the rest (outcome
    /// <c>drained</c>, a BYE on every leg, seats released, records written) and stops taking calls.
    /// </summary>
    /// <param name="timeout">The longest the calls in progress may go on.</param>
    /// <param name="cancellationToken">The host's own shutdown deadline: when it fires the calls are ended at once.</param>
    public async Task DrainAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        Drain.Begin();
        long began = _time.GetTimestamp();
        int atStart = _calls.Count;
        CallsLog.DrainBegan(_log, atStart, (int)timeout.TotalSeconds);
        int reported = atStart;
        var reportedAt = TimeSpan.Zero;
        using (var timer = new PeriodicTimer(DrainPoll, _time))
        {
            try
            {
                while (!_calls.IsEmpty && _time.GetElapsedTime(began) < timeout
                    && await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
                {
                    var elapsed = _time.GetElapsedTime(began);
                    if (!_calls.IsEmpty && (_calls.Count != reported || elapsed - reportedAt >= DrainReportEvery))
                    {
                        reported = _calls.Count;
                        reportedAt = elapsed;
                        CallsLog.DrainWaiting(_log, reported, Math.Max(0, (timeout - elapsed).TotalSeconds));
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The host's shutdown deadline came first: end what is left now.
            }
        }
        int cut = _calls.Count;
        await StopAsync(CancellationToken.None).ConfigureAwait(false); // bounded by itself
        CallsLog.DrainEnded(_log, _time.GetElapsedTime(began).TotalSeconds, Math.Max(0, atStart - cut), cut, Drain.RefusedCalls);
    }

    /// <summary>Calls in progress on this node by phase (index: <see cref="CallPhase"/>), for the metrics; a snapshot.</summary>
    public int[] CountByPhase()
    {
        var counts = new int[Enum.GetValues<CallPhase>().Length];
        foreach (var call in _calls.Values)
        {
            counts[(int)call.Phase]++;
        }
        return counts;
    }
}
