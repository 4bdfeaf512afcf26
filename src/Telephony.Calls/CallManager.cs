using Telephony.Media;
using Telephony.Media.Legs;
using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Telephony.Calls.Legs;
using Telephony.Calls.Recording;
using Telephony.Calls.Routing;
using Telephony.Calls.Sessions;
using Telephony.Calls.Tracing;
using Telephony.Calls.Trunks;
using Telephony.Calls.WebPhone;
using Telephony.Cases.Storage;
using Telephony.ContactCenter.Routing;
using Telephony.Ivr;
using Telephony.Sip.Messages;
using Telephony.Sip.UserAgent;

namespace Telephony.Calls;

/// <summary>
/// The call manager (B2BUA): takes the calls the SIP host lets in for public service numbers,
/// answers them, and runs each as an <see cref="InboundCallSession"/> (one mailbox per call). It is
/// the ACD's <see cref="IAcdCallControl"/> (<c>CallManager.Acd.cs</c>) and the one entry through
/// which desktops and endpoints ask a call to do something (<see cref="AskAsync"/>, <c>CallManager.Commands.cs</c>).
/// </summary>
public sealed partial class CallManager : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, InboundCallSession> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _loops = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly MediaEngine _media;
    private readonly IvrScriptProvider _scripts;
    private readonly DialPlan _dialPlan;
    private readonly IScreenPopNotifier _notifier;
    private readonly SeatPhones _seatPhones;
    private readonly BrowserPhones? _browserPhones;
    private readonly CallManagerOptions _options;
    private readonly RecordingFolder _recordings;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;
    private readonly OncePerInterval _noPortsLog = new(TimeSpan.FromSeconds(10));
    private readonly ICallbackTaskStore? _callbackTasks;
    private CallServices? _services;
    private ITimer? _qualitySampler;
    private Task? _acceptLoop;
    private int _stopped;

    /// <summary>Creates the manager; <see cref="Start"/> connects it to the SIP user agent and the ACD.</summary>
    public CallManager(
        MediaEngine media, IvrScriptProvider scripts, DialPlan dialPlan, IScreenPopNotifier notifier, SeatPhones seatPhones,
        CallManagerOptions options, RecordingFolder recordings, CallRecords records, TimeProvider time, ILoggerFactory loggers,
        NodeDrain? drain = null, BrowserPhones? browserPhones = null, CallTraces? traces = null, ICallbackTaskStore? callbackTasks = null)
    {
        Traces = traces;
        _callbackTasks = callbackTasks;
        Drain = drain ?? new NodeDrain(time);
        _browserPhones = browserPhones;
        _media = media;
        _scripts = scripts;
        _dialPlan = dialPlan;
        _notifier = notifier;
        _seatPhones = seatPhones;
        _options = options;
        _recordings = recordings;
        Records = records;
        _time = time;
        _loggers = loggers;
        _log = loggers.CreateLogger<CallManager>();
    }

    /// <summary>Agents whose phone is their browser (null when the host has no browser phones).</summary>
    public BrowserPhones? BrowserPhones => _browserPhones;

    /// <summary>Calls' own traces (SIP ladder, RTP quality over time); null when the host keeps none.</summary>
    public CallTraces? Traces { get; }

    /// <summary>Call records as they are written, and survey results.</summary>
    public CallRecords Records { get; }

    /// <summary>Calls in progress.</summary>
    public int ActiveCalls => _calls.Count;

    /// <summary>The phase of a call in progress, or null when there is no such call (any more).</summary>
    public CallPhase? PhaseOf(string callId) => _calls.TryGetValue(callId, out var call) ? call.Phase : null;

    /// <summary>The queue positions announced to a call in progress ("you are number N"), in order; empty when none or no such call.</summary>
    public IReadOnlyList<int> AnnouncedPositions(string callId) => _calls.TryGetValue(callId, out var call) ? call.Announced : [];

    /// <summary>The expected waits (whole minutes, 0 = none said) announced with each position of a live call, in order.</summary>
    public IReadOnlyList<int> AnnouncedWaits(string callId) => _calls.TryGetValue(callId, out var call) ? call.AnnouncedWaits : [];

    /// <summary>The caller leg's media of a live call (our RTP address, its figures, SRTP), or null.</summary>
    public LegMedia? CallerMedia(string callId) => _calls.TryGetValue(callId, out var call) ? call.CallerMedia() : null;

    /// <summary>The caller's number of live call <paramref name="callId"/> on this node (or of a callback or task the ACD offers), or null.</summary>
    public string? CallerOf(string callId) =>
        _calls.TryGetValue(callId, out var call) ? call.CallerNumber
        : _parked.TryGetValue(callId, out var parked) ? parked.Call.CallerNumber // a callback being placed
        : _taskEntries.TryGetValue(callId, out var task) ? task.Task.Number // a callback task offered by the ACD
        : null;

    /// <summary>The calls in progress on this node, for the supervisors' list.</summary>
    public IReadOnlyList<LiveCall> LiveCalls() => [.. _calls.Values.Select(c => c.Describe()).OrderBy(c => c.CallId, StringComparer.Ordinal)];

    /// <summary>
    /// Repairs crash-cut recordings, starts the call records (which first end as node-lost what this node's last
    /// run left live), counts the user agent's overload refusals, then takes its incoming calls and serves the ACD.
    /// </summary>
    public void Start(SipUserAgent userAgent, AutomaticCallDistributor acd)
    {
        ArgumentNullException.ThrowIfNull(userAgent);
        ArgumentNullException.ThrowIfNull(acd);
        _recordings.PrepareAndRepair(_time, _log);
        var nodeId = _options.NodeIdFor(_recordings.Path);
        CallsLog.NodeIdInUse(_log, nodeId);
        Records.CallsLost += callIds => _ = ReleaseSeatsOfLostCallsAsync(acd, callIds);
        Records.Start(nodeId, _recordings);
        var trunks = _dialPlan.Trunks;
        var refusals = Records.Refusals;
        userAgent.OverloadRefused = tx =>
        {
            // Only what the access gate would have answered as a citizen's call counts as offered.
            if ((tx.Request.RequestUri as SipUri)?.User is { } number && trunks.Admit(number, tx.Flow.Remote.Address) == ServiceNumberAdmission.FromTrunk)
            {
                refusals.Count(number, tx.Request.CallId);
            }
        };
        _services = new CallServices
        {
            Media = _media,
            Scripts = _scripts,
            Interpreter = new IvrInterpreter(_loggers.CreateLogger<IvrInterpreter>()),
            UserAgent = userAgent,
            Acd = acd,
            Queues = new QueueMap(_options.QueueMap, acd.Queues.Select(q => q.Name).ToList()),
            SeatPhones = _seatPhones,
            BrowserPhones = _browserPhones,
            DialPlan = _dialPlan,
            HoldMusic = new HoldMusic(_media, _scripts, _log),
            Pops = _notifier,
            Recordings = _recordings,
            Records = Records,
            Time = _time,
            PopAckMaximumWait = TimeSpan.FromMilliseconds(Math.Max(0, _options.PopLeadMilliseconds)),
            TransferRingTimeout = TimeSpan.FromSeconds(_options.TransferRingTimeoutSeconds),
            Stopping = _stopping.Token,
            Traces = Traces,
            ParkCallback = Park,
            CallbackDecisionWindow = TimeSpan.FromSeconds(_options.CallbackOfferDecisionSeconds),
        };
        if (Traces is { } traces)
        {
            traces.IsLive = id => _calls.ContainsKey(id);
            var period = TimeSpan.FromSeconds(_options.QualitySampleSeconds);
            _qualitySampler = _time.CreateTimer(_ => SampleQuality(traces), null, period, period);
        }
        // A call needs a media port pair before it can be answered: without one free, the user agent refuses the
        // INVITE statelessly (503 with Retry-After) instead of creating a dialog only to reject it.
        userAgent.HasCapacity = () => _media.Ports.Capacity - _media.Ports.InUse > 0;
        if (_media.Ports.Capacity < userAgent.Options.MaxCalls)
        {
            CallsLog.FewerPortsThanCalls(_log, _media.Ports.Capacity, userAgent.Options.MaxCalls);
        }
        userAgent.TransferFilter = TransferRefusal;
        _acceptLoop = AcceptLoopAsync(userAgent, _stopping.Token);
        StartTaskFeeder(acd);
        CallsLog.Started(_log, _scripts.Path, _recordings.Path);
    }

    /// <summary>Ends every call (each writes its record), bounded, then stops taking calls and writes the records still waiting. Once; later calls return at once.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }
        _qualitySampler?.Dispose();
        await StopTaskFeederAsync().ConfigureAwait(false);
        foreach (var call in _calls.Values)
        {
            call.Post(new Shutdown());
        }
        try
        {
            await Task.WhenAll(_loops.Values.Append(StopOutboundAsync())).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            CallsLog.StopTimeout(_log, _calls.Count);
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }
        await Records.StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false); // the ended calls' records
    }

    /// <inheritdoc />
    /// <remarks>The host stops it first; the container disposes it (and whoever wraps it) after. The token source is not disposed: sessions may still read its token.</remarks>
    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    // Calls being answered at once. An answer waits for the dialog's mailbox to send the 200 (and, on a busy
    // machine, for a thread): one at a time, every call would wait for the one before it, so the setup rate
    // would be one over that latency. While all are busy the loop stops reading, the user agent's queue of
    // new calls fills and further INVITEs get its stateless 503 with Retry-After (the overload gate). An answer takes
    // one or two thread-pool hops, tens of milliseconds on a busy 2-core machine: with 32 at once a 40-ms answer caps
    // setups at 800/s while ports and Sip:MaxCalls still have room (issue 10: 1,000/s offered on a quiet machine was
    // refused from ~770 live calls although 1,500 port pairs were configured;
    // the UA logged these as "no capacity", it now names this queue, 1305).
    // Ports and MaxCalls are the real limits; this only bounds the answers in flight.
    private const int MaxAnswering = 256;

    private async Task AcceptLoopAsync(SipUserAgent ua, CancellationToken ct)
    {
        var answering = new SemaphoreSlim(MaxAnswering);
        try
        {
            await foreach (var call in ua.IncomingCalls.ReadAllAsync(ct).ConfigureAwait(false))
            {
                await answering.WaitAsync(ct).ConfigureAwait(false);
                _ = AnswerThenReleaseAsync(call, answering);
            }
        }
        catch (OperationCanceledException)
        {
        }
        for (int i = 0; i < MaxAnswering; i++)
        {
            await answering.WaitAsync(CancellationToken.None).ConfigureAwait(false); // the answers still running end first
        }
        answering.Dispose();
    }

    private async Task AnswerThenReleaseAsync(SipCall call, SemaphoreSlim answering)
    {
        try
        {
            await AcceptAsync(call).ConfigureAwait(false);
        }
        finally
        {
            answering.Release();
        }
    }

    private async Task AcceptAsync(SipCall call)
    {
        using var scope = _log.BeginScope(new Dictionary<string, object> { ["CallId"] = call.CallId });
        try
        {
            if (Drain.IsDraining)
            {
                // Let in by the SIP host just before the drain began (it refuses the rest statelessly).
                Drain.CountRefusal();
                CallsLog.DrainRefused(_log);
                await call.RejectAsync(503, "Service Unavailable (draining)").ConfigureAwait(false);
                return;
            }
            var media = MediaLeg.Open(_media, MediaLegOptions.Server with { Logger = _log }, out var error);
            if (media is null)
            {
                // Past capacity (the user agent's gate lets a few through when ports are held elsewhere): the same
                // 503 with Retry-After as its overload refusal, and one log line per interval, not one per call.
                if (_noPortsLog.ShouldLog(_time, out long suppressed))
                {
                    CallsLog.NoPorts(_log, error ?? "?", suppressed);
                }
                await call.RejectAsync(503, "Service Unavailable (no media ports)", _services!.UserAgent.Options.OverloadRetryAfter).ConfigureAwait(false);
                return;
            }
            var answer = media.AnswerOffer(call.Invite.Body);
            if (!answer.Success)
            {
                // RFC 3261 §21.4.26: nothing acceptable in the offer (or no offer: we do not do late offers).
                CallsLog.BadOffer(_log, answer.Error ?? "?");
                await media.DisposeAsync().ConfigureAwait(false);
                await call.RejectAsync(488, "Not Acceptable Here",
                    SipWarning.Format(SipWarning.IncompatibleMediaFormat, "telephony", answer.Error ?? "offer not acceptable")).ConfigureAwait(false);
                return;
            }
            var session = new InboundCallSession(_services!, call, media, _loggers.CreateLogger<InboundCallSession>());
            _calls[call.CallId] = session;
            await call.AcceptAsync(MediaLeg.Body(answer)).ConfigureAwait(false);
            _loops[call.CallId] = RunSessionAsync(session);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            CallsLog.AcceptFailed(_log, e);
            _calls.TryRemove(call.CallId, out _);
        }
    }

    // Every leg of every call, every Calls:QualitySampleSeconds: a read of the RTP session's counters, nothing per packet.
    private void SampleQuality(CallTraces traces)
    {
        foreach (var call in _calls.Values)
        {
            call.SampleQuality(traces);
        }
    }

    /// <summary>Time the last messages of an ended call (the 200 OK to its BYE, retransmissions) have to reach its trace before it is saved.</summary>
    private static readonly TimeSpan TraceSettle = TimeSpan.FromSeconds(2);

    private async Task RunSessionAsync(InboundCallSession session)
    {
        await Task.Yield();
        try
        {
            await session.RunAsync(_stopping.Token).ConfigureAwait(false);
        }
        finally
        {
            _calls.TryRemove(session.CallId, out _);
            _loops.TryRemove(session.CallId, out _);
            Traces?.CallEnded(session.CallId, TraceSettle);
        }
    }
}
