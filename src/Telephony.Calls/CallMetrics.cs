using System.Diagnostics.Metrics;
using Telephony.Cases;

namespace Telephony.Calls;

/// <summary>
/// Process-wide call instruments (meter "Telephony.Calls") for Prometheus/OpenTelemetry export: counted once per
/// call at its end (never per packet). Gauges over live state (calls by phase, queues, seats) are the server's,
/// observed when scraped.
/// </summary>
public static class CallMetrics
{
    /// <summary>The meter's name (the server exports every "Telephony.*" meter).</summary>
    public const string MeterName = "Telephony.Calls";

    /// <summary>The service level's threshold: answered within this long of joining the queue (or of the offer).</summary>
    public static readonly TimeSpan ServiceLevel = TimeSpan.FromSeconds(15);

    private static readonly Meter Meter = new(MeterName);

    private static readonly Counter<long> Ended = Meter.CreateCounter<long>("telephony.calls.ended", "{call}",
        "Calls ended on this node, by outcome (answered, abandoned, ivr, transferred, drained, failed)");

    private static readonly Counter<long> AnsweredWithin = Meter.CreateCounter<long>("telephony.calls.answered_within_15s", "{call}",
        "Calls an agent answered within 15 s of joining the queue (the service level's numerator; its denominator is ended{outcome=answered} plus abandoned)");

    /// <summary>Recordings that could not be started (disk full, permissions): the call went on unrecorded.</summary>
    public static readonly Counter<long> RecordingFailures = Meter.CreateCounter<long>("telephony.recordings.failed", "{recording}",
        "Recordings that could not be written; the conversation went on unrecorded");

    private static readonly Histogram<double> PopAcknowledgeLatency = Meter.CreateHistogram<double>("telephony.pop.acknowledge_latency", "ms",
        "From the screen-pop's push to the desktop's acknowledgement (the pop is on the agent's screen; the seat rings then)");

    private static readonly Counter<long> PopsUnacknowledged = Meter.CreateCounter<long>("telephony.pop.unacknowledged", "{pop}",
        "Screen-pops no desktop acknowledged within Calls:PopLeadMilliseconds (the seat was rung anyway)");

    /// <summary>A desktop acknowledged its pop <paramref name="latency"/> after the push.</summary>
    internal static void PopAcknowledged(TimeSpan latency) => PopAcknowledgeLatency.Record(latency.TotalMilliseconds);

    /// <summary>The pop's maximum wait ended without an acknowledgement.</summary>
    internal static void PopNotAcknowledged() => PopsUnacknowledged.Add(1);

    /// <summary>Counts a call's end (from the call's own loop, once).</summary>
    internal static void CallEnded(CallOutcome outcome, DateTimeOffset offeredAt, DateTimeOffset? queuedAt, DateTimeOffset? answeredAt)
    {
        Ended.Add(1, new KeyValuePair<string, object?>("outcome", outcome.ToText()));
        if (answeredAt is { } answered && answered - (queuedAt ?? offeredAt) <= ServiceLevel)
        {
            AnsweredWithin.Add(1);
        }
    }
}
