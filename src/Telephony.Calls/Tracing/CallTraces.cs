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
public sealed partial class CallTraces : ISipMessageTap, IAsyncDisposable, IDisposable
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

    // Every trace in the order it was opened: at the cap, the oldest ones are looked at (a few per new call) and
    // let go when their call ended or never became one; a live call goes to the back. Scanning the whole table per
    // new call instead (and ConcurrentDictionary.Values takes every lock) cost 45 % of the CPU at 500 calls/s.
    private readonly ConcurrentQueue<CallTrace> _byAge = new();
    private int _held; // _byCall's count: ConcurrentDictionary.Count takes every lock, and it is read per new call
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
        _saving = store is null ? Task.CompletedTask : SaveLoopAsync(store);
        _sweep = time.CreateTimer(static s => ((CallTraces)s!).Sweep(), this, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1));
    }

    /// <summary>Tells whether a call is still in progress on this node (set by the call manager); a live call's trace is never let go.</summary>
    public Func<string, bool> IsLive { get; set; } = static _ => false;

    /// <summary>Traces held now.</summary>
    public int Count => Volatile.Read(ref _held);

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
        if (Count >= _options.TraceMaxCalls && !MakeRoom())
        {
            Interlocked.Increment(ref _untraced);
            if (_untracedLog.ShouldLog(_time, out var suppressed))
            {
                TracingLog.Untraced(_log, sipCallId, _options.TraceMaxCalls, suppressed);
            }
            return null;
        }
        var trace = _byCall.GetOrAdd(sipCallId, id => new CallTrace(id, _time.GetUtcNow(), _options.TraceMessagesPerCall, _options.TraceSamplesPerCall));
        if (trace.TryMarkQueued())
        {
            Interlocked.Increment(ref _held);
            _byAge.Enqueue(trace);
        }
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
    public void CallEnded(string callId, TimeSpan settle)
    {
        if (!_byCall.TryGetValue(callId, out var trace))
        {
            return;
        }
        var at = _time.GetUtcNow();
        trace.End(at);
        QueueSave(trace, at + settle);
    }

    /// <summary>Lets go of ended traces older than the keep time and of INVITEs that never became a call.</summary>
    internal int Sweep()
    {
        var cutoff = _time.GetUtcNow() - TimeSpan.FromMinutes(_options.TraceKeepMinutes);
        int removed = 0;
        foreach (var (_, trace) in _byCall) // the dictionary's own enumerator takes no lock
        {
            if (trace.LastActivity <= cutoff && (trace.EndedAt is not null || !IsLive(trace.CallId)))
            {
                removed += Remove(trace) ? 1 : 0;
            }
        }
        // The age queue forgets what the sweep let go (below the cap nothing else takes them out of it).
        for (int i = _byAge.Count; i > 0 && _byAge.TryDequeue(out var queued); i--)
        {
            if (_byCall.TryGetValue(queued.CallId, out var held) && ReferenceEquals(held, queued))
            {
                _byAge.Enqueue(queued);
            }
        }
        return removed;
    }

    // At the cap: the oldest traces whose call ended (already saved) or never became a call (an INVITE refused or
    // abandoned before Timer B, 64·T1, RFC 3261 §17.1.1.2, ran out) make room for a new call before it goes untraced. Looks at a bounded number
    // per new call, so a table full of live calls costs a few queue operations, not a scan.
    private const int LookedAtPerNewCall = 8;
    private static readonly TimeSpan NeverACallAfter = TimeSpan.FromSeconds(32);

    private bool MakeRoom()
    {
        var now = _time.GetUtcNow();
        int looked = 0;
        while (looked < LookedAtPerNewCall && Count >= _options.TraceMaxCalls && _byAge.TryDequeue(out var oldest))
        {
            if (!_byCall.TryGetValue(oldest.CallId, out var held) || !ReferenceEquals(held, oldest))
            {
                continue; // already let go by the sweep: costs nothing, not counted
            }
            looked++;
            bool gone = oldest.EndedAt is not null || (now - oldest.StartedAt >= NeverACallAfter && !IsLive(oldest.CallId));
            if (gone)
            {
                Remove(oldest);
            }
            else
            {
                _byAge.Enqueue(oldest);
            }
        }
        return Count < _options.TraceMaxCalls;
    }

    private bool Remove(CallTrace trace)
    {
        if (!_byCall.TryRemove(new KeyValuePair<string, CallTrace>(trace.CallId, trace)))
        {
            return false;
        }
        Interlocked.Decrement(ref _held);
        foreach (var dialog in trace.Dialogs)
        {
            _byDialog.TryRemove(dialog, out _);
        }
        return true;
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
