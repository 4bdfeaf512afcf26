using Telephony.Media.Rtp;
using Telephony.Sip.Messages;
using Telephony.Sip.Transport;

namespace Telephony.Calls.Tracing;

/// <summary>
/// One call's trace: its SIP messages on every dialog (a <see cref="BoundedLog{T}"/> allocated with the trace) and
/// each media leg's quality samples. Written from the SIP receive and send paths and the sampler, read by the
/// API; one short lock.
/// </summary>
internal sealed class CallTrace
{
    private readonly Lock _gate = new();
    private readonly BoundedLog<SipLadderEntry> _messages;
    private readonly BoundedLog<QualitySample> _quality;
    private readonly List<string> _dialogs = [];
    private readonly Dictionary<string, (long Received, long Lost)> _lastCounts = new(StringComparer.Ordinal);
    private int _queued;

    public CallTrace(string callId, DateTimeOffset startedAt, int messageCapacity, int sampleCapacity)
    {
        CallId = callId;
        StartedAt = startedAt;
        LastActivity = startedAt;
        _messages = new BoundedLog<SipLadderEntry>(messageCapacity, messageCapacity / 4);
        _quality = new BoundedLog<QualitySample>(sampleCapacity, sampleCapacity / 4);
    }

    public string CallId { get; }

    /// <summary>True the first time only: the trace joins <see cref="CallTraces"/>' age queue once.</summary>
    public bool TryMarkQueued() => Interlocked.Exchange(ref _queued, 1) == 0;

    public DateTimeOffset StartedAt { get; }

    /// <summary>When the call ended; null while it runs (or when it never became a call).</summary>
    public DateTimeOffset? EndedAt { get; private set; }

    public DateTimeOffset LastActivity { get; private set; }

    /// <summary>The SIP Call-IDs of the call's dialogs, in order (index = <see cref="SipLadderEntry.Dialog"/>).</summary>
    public int AddDialog(string sipCallId)
    {
        lock (_gate)
        {
            _dialogs.Add(sipCallId);
            return _dialogs.Count - 1;
        }
    }

    public int DialogCount
    {
        get { lock (_gate) { return _dialogs.Count; } }
    }

    public IReadOnlyList<string> Dialogs
    {
        get { lock (_gate) { return [.. _dialogs]; } }
    }

    public void Add(DateTimeOffset at, SipTraceDirection direction, int dialog, in SipFlow flow, SipTraceFields fields)
    {
        var entry = new SipLadderEntry(at, direction, dialog, flow.Remote?.ToString() ?? "?", flow.Protocol.ToViaToken(), fields);
        lock (_gate)
        {
            _messages.Add(entry);
            LastActivity = at;
        }
    }

    /// <summary>Adds a sample of <paramref name="leg"/> from its cumulative figures: the interval is the difference to the previous sample.</summary>
    public QualitySample Sample(DateTimeOffset at, string leg, in RtpStreamStatistics stats)
    {
        lock (_gate)
        {
            _lastCounts.TryGetValue(leg, out var last);
            long lost = Math.Max(0, stats.PacketsLost);
            long received = Math.Max(0, stats.PacketsReceived - last.Received);
            long lostInterval = Math.Max(0, lost - last.Lost);
            _lastCounts[leg] = (stats.PacketsReceived, lost);
            double lossPercent = received + lostInterval == 0 ? 0 : 100.0 * lostInterval / (received + lostInterval);
            double? r = received == 0 ? null : Math.Round(EModel.RFactor(lossPercent, stats.JitterMilliseconds, stats.RoundTripMilliseconds), 1);
            var sample = new QualitySample(at, leg, received, lostInterval, Math.Round(lossPercent, 2), Math.Round(stats.JitterMilliseconds, 2),
                stats.RoundTripMilliseconds is { } rtt ? Math.Round(rtt, 1) : null, r, r is { } rf ? Math.Round(EModel.Mos(rf), 2) : null);
            _quality.Add(sample);
            return sample;
        }
    }

    public void End(DateTimeOffset at)
    {
        lock (_gate)
        {
            EndedAt ??= at;
            LastActivity = at;
        }
    }

    public CallTraceView View(bool live)
    {
        lock (_gate)
        {
            return new CallTraceView(CallId, live, StartedAt, EndedAt, _messages.ToList(), _messages.Dropped, _quality.ToList());
        }
    }
}
