using System.Collections.Concurrent;
using System.Globalization;
using Telephony.Cases;
using Telephony.Cases.Storage;
using Telephony.ContactCenter.Queues;
using Telephony.ContactCenter.Routing;
using Telephony.Ivr;
using Telephony.Media;
using Telephony.Media.Audio;
using Telephony.Server.Agents;
using Telephony.Server.Sip;
using Telephony.Server.Trunks;
using Telephony.Media.Mixing;
using Telephony.Sip.Registrar;
using Telephony.Sip.UserAgent;

namespace Telephony.Server.Calls;

/// <summary>
/// The call manager (B2BUA): takes the calls the SIP host lets in for public service numbers,
/// answers them, runs each as an <see cref="InboundCallSession"/> (one mailbox per call), and is the
/// ACD's <see cref="IAcdCallControl"/>: it pushes the screen-pop, then rings the seat's softphone as soon
/// as the desktop acknowledges the pop (<see cref="IScreenPopAcknowledgements"/>) or its maximum wait ends.
/// </summary>
public sealed partial class CallManager : IAcdCallControl, IScreenPopAcknowledgements, IRecordingControl, IConferenceControl, IHostedService
{
    private readonly ConcurrentDictionary<string, InboundCallSession> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _loops = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly SipServerHost _sip;
    private readonly IServiceProvider _services;
    private readonly IAgentNotifier _notifier;
    private readonly ILocationStore _locations;
    private readonly SipServerOptions _sipOptions;
    private readonly CallManagerOptions _options;
    private readonly ICallRecordStore _records;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _log;
    private AutomaticCallDistributor? _acd;
    private QueueMap? _queues;
    private Task? _acceptLoop;
    private Prompt? _moh;

    /// <summary>Created by DI.</summary>
    public CallManager(
        SipServerHost sip, MediaEngine media, IvrScriptProvider scripts, TrunkPolicy trunks, IServiceProvider services,
        IAgentNotifier notifier, ILocationStore locations, SipServerOptions sipOptions, CallManagerOptions options,
        ICallRecordStore records, TimeProvider time, ILoggerFactory loggers)
    {
        _sip = sip;
        Media = media;
        Scripts = scripts;
        Trunks = trunks;
        _services = services;
        _notifier = notifier;
        _locations = locations;
        _sipOptions = sipOptions;
        _options = options;
        _records = records;
        Time = time;
        _loggers = loggers;
        _log = loggers.CreateLogger<CallManager>();
        Interpreter = new IvrInterpreter(loggers.CreateLogger<IvrInterpreter>());
    }

    /// <summary>Calls in progress.</summary>
    public int ActiveCalls => _calls.Count;

    /// <summary>The phase of a call in progress, or null when there is no such call (any more).</summary>
    public CallPhase? PhaseOf(string callId) => _calls.TryGetValue(callId, out var call) ? call.Phase : null;

    /// <summary>The queue positions announced to a call in progress ("you are number N"), in order; empty when none or no such call.</summary>
    public IReadOnlyList<int> AnnouncedPositions(string callId) => _calls.TryGetValue(callId, out var call) ? call.Announced : [];

    /// <summary>Raised when a caller finished the post-call survey (call id, score or null when none was given).</summary>
    public event Action<string, int?>? SurveyFinished;

    internal void OnSurveyFinished(string callId, int? score) => SurveyFinished?.Invoke(callId, score);

    /// <summary>Raised after a call's record was written (tests and metrics).</summary>
    public event Action<CallRecord>? CallFinished;

    internal MediaEngine Media { get; }

    internal IvrScriptProvider Scripts { get; }

    internal IvrInterpreter Interpreter { get; }

    internal TrunkPolicy Trunks { get; }

    internal TimeProvider Time { get; }

    internal CancellationToken Stopping => _stopping.Token;

    internal TimeSpan TransferRingTimeout => TimeSpan.FromSeconds(_options.TransferRingTimeoutSeconds);

    internal SipUserAgent UserAgent => _sip.UserAgent;

    internal AutomaticCallDistributor Acd => _acd ?? throw new InvalidOperationException("call manager not started");

    internal QueueMap Queues => _queues ?? throw new InvalidOperationException("call manager not started");

    // ---------------------------------------------------------------- hosting

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _acd = _services.GetRequiredService<AutomaticCallDistributor>();
        _queues = new QueueMap(_options.QueueMap, _acd.Queues.Select(q => q.Name).ToList());
        Directory.CreateDirectory(RecordingsFolder);
        RepairRecordings();
        _acceptLoop = AcceptLoopAsync(_sip.UserAgent, _stopping.Token);
        LogStarted(_log, Scripts.Path, RecordingsFolder);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var call in _calls.Values)
        {
            call.Post(new Shutdown());
        }
        try
        {
            await Task.WhenAll(_loops.Values).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            LogStopTimeout(_log, _calls.Count);
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_acceptLoop is not null)
        {
            await _acceptLoop.ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Before any new recording starts: recordings cut short by a crash (stale RIFF/data sizes in the WAV
    /// header) are made valid WAVs again, so no conversation is lost to a bad header.
    /// </summary>
    private void RepairRecordings()
    {
        var started = Time.GetTimestamp();
        var results = Telephony.Media.Recording.RecordingRepair.RepairDirectory(RecordingsFolder, _log);
        var repaired = results.Count(r => r.Outcome == Telephony.Media.Recording.RepairOutcome.Repaired);
        var broken = results.Count(r => r.Outcome == Telephony.Media.Recording.RepairOutcome.NotRepairable);
        LogRepairDone(_log, results.Count, repaired, broken, (long)Time.GetElapsedTime(started).TotalMilliseconds, RecordingsFolder);
    }

    private async Task AcceptLoopAsync(SipUserAgent ua, CancellationToken ct)
    {
        try
        {
            await foreach (var call in ua.IncomingCalls.ReadAllAsync(ct).ConfigureAwait(false))
            {
                await AcceptAsync(call).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task AcceptAsync(SipCall call)
    {
        using var scope = _log.BeginScope(new Dictionary<string, object> { ["CallId"] = call.CallId });
        try
        {
            var media = MediaLeg.Open(Media, _log, out var error);
            if (media is null)
            {
                LogNoPorts(_log, error ?? "?");
                await call.RejectAsync(503, "Service Unavailable (no media ports)").ConfigureAwait(false);
                return;
            }
            var answer = media.AnswerOffer(call.Invite.Body);
            if (!answer.Success)
            {
                // RFC 3261 §21.4.26: nothing acceptable in the offer (or no offer: we do not do late offers).
                LogBadOffer(_log, answer.Error ?? "?");
                await media.DisposeAsync().ConfigureAwait(false);
                await call.RejectAsync(488, "Not Acceptable Here").ConfigureAwait(false);
                return;
            }
            var session = new InboundCallSession(this, call, media, _loggers.CreateLogger<InboundCallSession>());
            _calls[call.CallId] = session;
            await call.AcceptAsync(MediaLeg.Body(answer)).ConfigureAwait(false);
            _loops[call.CallId] = RunSessionAsync(session);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogAcceptFailed(_log, e);
            _calls.TryRemove(call.CallId, out _);
        }
    }

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
        }
    }

    // ---------------------------------------------------------------- IAcdCallControl (runs in the ACD's mailbox: never await the ACD here)

    /// <inheritdoc />
    public async Task<bool> OfferAsync(CallOffer offer, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(offer);
        if (!_calls.TryGetValue(offer.Pop.CallId, out var call))
        {
            return false;
        }
        var contacts = await _locations.GetBindingsAsync($"sip:{offer.Seat.Extension}@{_sipOptions.Domain}", ct).ConfigureAwait(false);
        if (contacts.Count == 0)
        {
            LogSeatUnregistered(_log, offer.Pop.CallId, offer.Seat.Extension);
            return false;
        }
        // The pop is on its way (SignalR or its backplane has it). SignalR has no delivery receipt and its
        // websocket may lag the INVITE's datagram, so the call rings when the desktop acknowledges the pop
        // (AcknowledgePop on the hub), or after the maximum wait for a desktop that never does.
        call.Post(new PopPushing(offer.Seat.AgentId ?? ""));
        await _notifier.PushScreenPopAsync(offer.Pop, ct).ConfigureAwait(false);
        call.Post(new RingSeat(offer, contacts));
        return true;
    }

    /// <inheritdoc />
    public async Task<bool> AcknowledgeAsync(string callId, string agentId, CancellationToken ct = default)
    {
        if (!_calls.TryGetValue(callId, out var call))
        {
            return false;
        }
        var accepted = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        call.Post(new PopAcknowledged(agentId, accepted));
        try
        {
            // The call's loop answers at once; a call that ends meanwhile never does, hence the bound.
            return await accepted.Task.WaitAsync(TimeSpan.FromSeconds(5), ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>The calls in progress on this node, for the supervisors' list.</summary>
    public IReadOnlyList<LiveCall> LiveCalls() => [.. _calls.Values.Select(c => c.Describe()).OrderBy(c => c.CallId, StringComparer.Ordinal)];

    /// <summary>Puts the supervisor at <paramref name="seat"/> on a connected call: their phone rings, and mixing starts when they answer.</summary>
    public Task<SupervisionResult> SuperviseAsync(string callId, string seat, SupervisionMode mode, CancellationToken ct = default) =>
        AskCallAsync(callId, new SupervisionRequest(seat, mode, Leave: false, NewResult()), ct);

    /// <summary>Switches the supervisor on a call between monitor, whisper and barge.</summary>
    public Task<SupervisionResult> ChangeSupervisionAsync(string callId, SupervisionMode mode, CancellationToken ct = default) =>
        AskCallAsync(callId, new SupervisionRequest(null, mode, Leave: false, NewResult()), ct);

    /// <summary>Takes the supervisor off a call (their leg is hung up).</summary>
    public Task<SupervisionResult> EndSupervisionAsync(string callId, CancellationToken ct = default) =>
        AskCallAsync(callId, new SupervisionRequest(null, default, Leave: true, NewResult()), ct);

    private static TaskCompletionSource<SupervisionResult> NewResult() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Task<SupervisionResult> AskCallAsync(string callId, SupervisionRequest request, CancellationToken ct) =>
        AskCallAsync(callId, request, r => r.Done.Task, SupervisionResult.NotConnected, ct);

    /// <inheritdoc />
    public Task<ConferenceResult> AddPartnerAsync(string callId, string agentId, string number, CancellationToken ct = default)
    {
        // Only numbers written in the operator's script may be dialled out, and only through the configured trunk.
        var target = Trunks.OutboundTarget(number, ScriptTransferNumbers());
        return AskCallAsync(callId, new ConferenceRequest(agentId, number, target, HandOver: false, NewConferenceResult()), r => r.Done.Task, ConferenceResult.NotYourCall, ct);
    }

    /// <inheritdoc />
    public Task<ConferenceResult> DropPartnerAsync(string callId, string agentId, CancellationToken ct = default) =>
        AskCallAsync(callId, new ConferenceRequest(agentId, null, null, HandOver: false, NewConferenceResult()), r => r.Done.Task, ConferenceResult.NotYourCall, ct);

    /// <inheritdoc />
    public Task<ConferenceResult> HandOverAsync(string callId, string agentId, CancellationToken ct = default) =>
        AskCallAsync(callId, new ConferenceRequest(agentId, null, null, HandOver: true, NewConferenceResult()), r => r.Done.Task, ConferenceResult.NotYourCall, ct);

    private static TaskCompletionSource<ConferenceResult> NewConferenceResult() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Posts a request to a call's mailbox and waits (bounded) for its answer; <paramref name="none"/> for no such call.</summary>
    private async Task<TResult> AskCallAsync<TMessage, TResult>(string callId, TMessage request, Func<TMessage, Task<TResult>> answer, TResult none, CancellationToken ct)
        where TMessage : CallMessage
    {
        if (!_calls.TryGetValue(callId, out var call))
        {
            return none;
        }
        call.Post(request);
        try
        {
            // The call's loop answers within a SIP round trip; a call that ends meanwhile never does, hence the bound.
            return await answer(request).WaitAsync(TimeSpan.FromSeconds(10), ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return none;
        }
    }

    /// <summary>Where a seat's phone is registered (for calling a supervisor).</summary>
    internal ValueTask<IReadOnlyList<Binding>> ContactsOfSeatAsync(string seat, CancellationToken ct = default) =>
        _locations.GetBindingsAsync($"sip:{seat}@{_sipOptions.Domain}", ct);

    /// <inheritdoc />
    public Task<RecordingControlResult> PauseAsync(string callId, string agentId, string reason, CancellationToken ct = default) =>
        ControlRecordingAsync(callId, agentId, pause: true, reason, ct);

    /// <inheritdoc />
    public Task<RecordingControlResult> ResumeAsync(string callId, string agentId, CancellationToken ct = default) =>
        ControlRecordingAsync(callId, agentId, pause: false, "", ct);

    private Task<RecordingControlResult> ControlRecordingAsync(string callId, string agentId, bool pause, string reason, CancellationToken ct) =>
        AskCallAsync(callId, new RecordingControl(agentId, pause, reason, new TaskCompletionSource<RecordingControlResult>(TaskCreationOptions.RunContinuationsAsynchronously)),
            r => r.Done.Task, RecordingControlResult.NotYourCall, ct);

    /// <summary>The longest the seat's softphone waits for the desktop to acknowledge the pop.</summary>
    internal TimeSpan PopAckMaximumWait => TimeSpan.FromMilliseconds(Math.Max(0, _options.PopLeadMilliseconds));

    /// <inheritdoc />
    public Task WithdrawOfferAsync(string callId, string extension, CancellationToken ct = default)
    {
        if (_calls.TryGetValue(callId, out var call))
        {
            call.Post(new WithdrawOffer(extension));
        }
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task QueuePositionChangedAsync(QueuePosition position, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(position);
        if (_calls.TryGetValue(position.CallId, out var call))
        {
            call.Post(new PositionChanged(position));
        }
        return Task.CompletedTask;
    }

    // ---------------------------------------------------------------- helpers for sessions

    internal string RecordingsFolder => Path.GetFullPath(_options.RecordingsFolder);

    internal string RecordingPathFor(string callId, DateTimeOffset at)
    {
        var safe = new string([.. callId.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_')]);
        if (safe.Length > 80)
        {
            safe = safe[..80];
        }
        return Path.Combine(RecordingsFolder, string.Create(CultureInfo.InvariantCulture, $"{at:yyyyMMdd-HHmmss}-{safe}.wav"));
    }

    internal IAudioSource MusicOnHold()
    {
        var script = Scripts.Current;
        if (_moh is null && script is not null)
        {
            try
            {
                _moh = Media.Prompts.Get(Path.Combine(script.PromptDirectory, "moh.wav"));
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                LogNoMusic(_log, e.Message);
            }
        }
        return _moh is null ? new SilenceSource() : new LoopingPlayer(_moh);
    }

    internal IReadOnlySet<string> ScriptTransferNumbers() =>
        Scripts.Current is { } script
            ? script.Nodes.Values.SelectMany(n => n.Steps).OfType<TransferStep>().Select(s => s.Number).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>();

    internal async Task SaveRecordAsync(CallRecord record)
    {
        try
        {
            await _records.SaveCallRecordAsync(record).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogRecordFailed(_log, e, record.CallId);
        }
        CallFinished?.Invoke(record);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Call manager started: IVR script {Script}, recordings in {Folder}")]
    private static partial void LogStarted(ILogger logger, string script, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Recording check at start: {Checked} WAV file(s), {Repaired} repaired, {Broken} not repairable, {Milliseconds} ms ({Folder})")]
    private static partial void LogRepairDone(ILogger logger, int @checked, int repaired, int broken, long milliseconds, string folder);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} call(s) still running at shutdown")]
    private static partial void LogStopTimeout(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "No RTP ports: {Error}; call refused with 503")]
    private static partial void LogNoPorts(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SDP offer refused with 488: {Error}")]
    private static partial void LogBadOffer(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Answering the call failed")]
    private static partial void LogAcceptFailed(ILogger logger, Exception e);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId}: seat {Extension} has no registered softphone")]
    private static partial void LogSeatUnregistered(ILogger logger, string callId, string extension);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No music on hold: {Reason}")]
    private static partial void LogNoMusic(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Call record of {CallId} could not be written")]
    private static partial void LogRecordFailed(ILogger logger, Exception e, string callId);
}
