using System.Diagnostics.Metrics;
using Telephony.Calls;
using Telephony.ContactCenter.Routing;
using Telephony.Sip.UserAgent;

namespace Telephony.Server.Operations;

/// <summary>
/// The contact centre's gauges (meter "Telephony.ContactCenter"), observed when <c>/metrics</c> is scraped: calls on
/// this node by phase and the drain (from the call manager's own state), seats by state and each queue's depth and
/// longest wait (read from the seat store — shared by all nodes when it is Redis — every <c>Metrics:SampleSeconds</c>
/// by <see cref="Sample"/>, so a scrape never waits for Redis), and the INVITEs refused for overload.
/// </summary>
public sealed class ContactCentreMetrics : IDisposable
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Telephony.ContactCenter";

    private readonly Meter _meter = new(MeterName);
    private readonly AutomaticCallDistributor _acd;
    private readonly TimeProvider _time;
    private volatile Measurement<int>[] _seats = [];
    private volatile Measurement<int>[] _depths = [];
    private volatile Measurement<double>[] _waits = [];

    /// <summary>Creates the instruments over the call manager, the ACD and the SIP host.</summary>
    public ContactCentreMetrics(CallManager calls, AutomaticCallDistributor acd, Sip.SipServerHost sip, TimeProvider time)
    {
        _acd = acd;
        _time = time;
        var phases = Enum.GetValues<CallPhase>().Where(p => p != CallPhase.Ended).ToArray();
        _meter.CreateObservableGauge("telephony.calls.active", () =>
        {
            var counts = calls.CountByPhase();
            return phases.Select(p => new Measurement<int>(counts[(int)p], new KeyValuePair<string, object?>("phase", p.ToString().ToLowerInvariant())));
        }, "{call}", "Calls in progress on this node by phase");
        _meter.CreateObservableGauge("telephony.node.draining", () => calls.Drain.IsDraining ? 1 : 0, null, "1 while this node drains (refuses new calls, lets calls in progress finish)");
        _meter.CreateObservableCounter("telephony.calls.refused.draining", () => calls.Drain.RefusedCalls, "{call}", "New calls refused with 503 while draining");
        _meter.CreateObservableCounter("telephony.calls.refused.overload", () => sip.UserAgent is SipUserAgent ua ? ua.OverloadRefusals : 0, "{call}", "INVITEs refused with 503 for overload (Sip:MaxCalls)");
        _meter.CreateObservableCounter("telephony.queue.refused_full", () => acd.RefusedFull, "{call}", "Calls refused politely because their queue was full (its maxSize), on this node");
        _meter.CreateObservableCounter("telephony.queue.overflows", () => acd.Overflowed, "{call}", "Overflow steps taken by calls of this node (another queue, or relaxed skills)");
        _meter.CreateObservableCounter("telephony.queue.max_wait_ended", () => acd.WaitsEnded, "{call}", "Waits ended at the queue's maximum with its end action, on this node");
        _meter.CreateObservableGauge("telephony.seats", () => _seats, "{seat}", "Seats by state (all nodes: the shared seat store)");
        _meter.CreateObservableGauge("telephony.queue.depth", () => _depths, "{call}", "Calls waiting per queue");
        _meter.CreateObservableGauge("telephony.queue.longest_wait", () => _waits, "s", "Longest wait of a call still queued, per queue");
    }

    /// <summary>Reads seats and queues from the seat store once (the sampler calls it every few seconds).</summary>
    public async Task Sample(CancellationToken cancellationToken)
    {
        var store = _acd.Store;
        var seats = await store.GetSeatsAsync(cancellationToken).ConfigureAwait(false);
        _seats = [.. Enum.GetValues<Telephony.ContactCenter.Seats.SeatState>().Select(state => new Measurement<int>(
            seats.Count(s => s.State == state), new KeyValuePair<string, object?>("state", state.ToString().ToLowerInvariant())))];
        var now = _time.GetUtcNow();
        var depths = new List<Measurement<int>>();
        var waits = new List<Measurement<double>>();
        foreach (var queue in _acd.Queues)
        {
            var entries = await store.GetQueueAsync(queue.Name, cancellationToken).ConfigureAwait(false);
            var tag = new KeyValuePair<string, object?>("queue", queue.Name);
            depths.Add(new Measurement<int>(entries.Count, tag));
            waits.Add(new Measurement<double>(entries.Count == 0 ? 0 : Math.Max(0, (now - entries.Min(e => e.EnqueuedAt)).TotalSeconds), tag));
        }
        _depths = [.. depths];
        _waits = [.. waits];
    }

    /// <inheritdoc />
    public void Dispose() => _meter.Dispose();
}
