using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Telephony.Cases.Storage;
using Telephony.Media.Rtp;
using Telephony.Sip.Messages;
using Telephony.Sip.Transport;

namespace Telephony.Calls.Tracing;

/// <summary>
/// Every call's own trace, in bounded memory: the SIP endpoint's tap (<see cref="ISipMessageTap"/>) files each
/// message under its call, the call manager's sampler adds each leg's RTP quality, and the end of a call saves
/// the trace to the database (<see cref="ICallTraceStore"/>) and keeps it here for <c>Calls:TraceKeepMinutes</c>.
/// <para>
/// Which call a message belongs to: an INVITE with a new Call-ID opens a trace named by it (the caller's dialog:
/// its Call-ID is the call id); an INVITE the B2BUA sends carries the call id in <c>X-Telephony-Call</c> or
/// <c>X-Telephony-Supervise</c> and joins that call's trace as a further dialog; every later message of a known
/// dialog follows its Call-ID. Anything else (REGISTER, OPTIONS) is not traced.
/// </para>
/// <para>
/// Bounds: each trace allocates its message and sample logs once (<c>Calls:TraceMessagesPerCall</c>,
/// <c>Calls:TraceSamplesPerCall</c>) and at most <c>Calls:TraceMaxCalls</c> traces exist; at the cap, ended traces
/// are let go first and then new calls go untraced (counted in <see cref="Untraced"/>). A message costs one
/// header scan (<see cref="SipTraceFields"/>), one small record and a short lock; RTP costs nothing per packet
/// (the sampler reads the session's counters every <c>Calls:QualitySampleSeconds</c>).
/// </para>
/// </summary>
public sealed class CallTraces : ISipMessageTap, IDisposable
{
    private const int MaxDialogsPerCall = 16;

    /// <summary>How the traces are written to the database and served (camelCase, enums by name).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly ConcurrentDictionary<string, (CallTrace Trace, int Dialog)> _byDialog = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CallTrace> _byCall = new(StringComparer.Ordinal);
    private readonly CallManagerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ICallTraceStore? _store;
    private readonly OncePerInterval _untracedLog = new(TimeSpan.FromMinutes(1));
    private readonly ITimer _sweep;
    private long _untraced;

    /// <param name="store">Where ended calls' traces go; null keeps them in memory only.</param>
    public CallTraces(CallManagerOptions options, TimeProvider time, ILogger<CallTraces> log, ICallTraceStore? store = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _store = store;
        _sweep = time.CreateTimer(static s => ((CallTraces)s!).Sweep(), this, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
    }

    /// <summary>Tells whether a call is still in progress on this node (set by the call manager); a live call's trace is never let go.</summary>
    public Func<string, bool> IsLive { get; set; } = static _ => false;

    /// <summary>Traces held now.</summary>
    public int Count => _byCall.Count;

    /// <summary>Calls that went untraced because <c>Calls:TraceMaxCalls</c> traces were held.</summary>
    public long Untraced => Interlocked.Read(ref _untraced);

    /// <inheritdoc />
    public void OnSipMessage(SipTraceDirection direction, in SipFlow flow, ReadOnlySpan<byte> message)
    {
        try
        {
            if (!SipTraceFields.TryRead(message, out var fields) || fields!.CallId is not { } sipCallId)
            {
                return;
            }
            if (!_byDialog.TryGetValue(sipCallId, out var at))
            {
                if (!fields.IsRequest || fields.Method != "INVITE" || Open(sipCallId, fields.LinkedCall) is not { } opened)
                {
                    return;
                }
                at = opened;
            }
            at.Trace.Add(_time.GetUtcNow(), direction, at.Dialog, flow, fields);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            TracingLog.TapFailed(_log, e);
        }
    }

    private (CallTrace, int)? Open(string sipCallId, string? linkedCall)
    {
        if (linkedCall is not null)
        {
            if (!_byCall.TryGetValue(linkedCall, out var call) || call.DialogCount >= MaxDialogsPerCall)
            {
                return null;
            }
            var entry = (call, call.AddDialog(sipCallId));
            return _byDialog.GetOrAdd(sipCallId, entry);
        }
        if (_byCall.Count >= _options.TraceMaxCalls && !MakeRoom())
        {
            Interlocked.Increment(ref _untraced);
            if (_untracedLog.ShouldLog(_time, out var suppressed))
            {
                TracingLog.Untraced(_log, sipCallId, _options.TraceMaxCalls, suppressed);
            }
            return null;
        }
        var trace = _byCall.GetOrAdd(sipCallId, id => new CallTrace(id, _time.GetUtcNow(), _options.TraceMessagesPerCall, _options.TraceSamplesPerCall));
        return _byDialog.GetOrAdd(sipCallId, _ => (trace, trace.AddDialog(sipCallId)));
    }

    /// <summary>Adds a quality sample of <paramref name="leg"/> of a traced call (the sampler's figures are cumulative).</summary>
    public QualitySample? Sample(string callId, string leg, in RtpStreamStatistics stats) =>
        _byCall.TryGetValue(callId, out var trace) ? trace.Sample(_time.GetUtcNow(), leg, stats) : null;

    /// <summary>The trace of a call held here, or null.</summary>
    public CallTraceView? Find(string callId) =>
        _byCall.TryGetValue(callId, out var trace) ? trace.View(trace.EndedAt is null && IsLive(callId)) : null;

    /// <summary>
    /// The call ended: the trace is saved once the last messages (the 200 OK to the BYE, retransmissions) had
    /// <paramref name="settle"/> to arrive, and kept here for <c>Calls:TraceKeepMinutes</c>.
    /// </summary>
    public Task CallEndedAsync(string callId, TimeSpan settle)
    {
        if (!_byCall.TryGetValue(callId, out var trace))
        {
            return Task.CompletedTask;
        }
        trace.End(_time.GetUtcNow());
        return SaveAsync(trace, settle);
    }

    private async Task SaveAsync(CallTrace trace, TimeSpan settle)
    {
        if (_store is null)
        {
            return;
        }
        try
        {
            if (settle > TimeSpan.Zero)
            {
                await Task.Delay(settle, _time).ConfigureAwait(false);
            }
            var view = trace.View(live: false);
            await _store.SaveCallTraceAsync(trace.CallId, view.EndedAt ?? _time.GetUtcNow(), JsonSerializer.Serialize(view, Json)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            TracingLog.SaveFailed(_log, e, trace.CallId);
        }
    }

    /// <summary>Lets go of ended traces older than the keep time and of INVITEs that never became a call.</summary>
    internal int Sweep()
    {
        var cutoff = _time.GetUtcNow() - TimeSpan.FromMinutes(_options.TraceKeepMinutes);
        int removed = 0;
        foreach (var trace in _byCall.Values)
        {
            if (trace.LastActivity <= cutoff && (trace.EndedAt is not null || !IsLive(trace.CallId)))
            {
                Remove(trace);
                removed++;
            }
        }
        return removed;
    }

    // At the cap: ended calls' traces (already saved) make room for a new call before it goes untraced.
    private bool MakeRoom()
    {
        Sweep();
        foreach (var trace in _byCall.Values)
        {
            if (_byCall.Count < _options.TraceMaxCalls)
            {
                break;
            }
            if (trace.EndedAt is not null)
            {
                Remove(trace);
            }
        }
        return _byCall.Count < _options.TraceMaxCalls;
    }

    private void Remove(CallTrace trace)
    {
        _byCall.TryRemove(trace.CallId, out _);
        foreach (var dialog in trace.Dialogs)
        {
            _byDialog.TryRemove(dialog, out _);
        }
    }

    public void Dispose() => _sweep.Dispose();
}
