using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Telephony.ContactCenter.Agents;
using Telephony.ContactCenter.Store;
using Telephony.ContactCenter.Timing;

namespace Telephony.ContactCenter.Routing;

/// <summary>
/// The ACD of one server node. Calls wait in queues (priority, then arrival); the longest-idle Ready
/// agent with the queue's skills gets the best waiting call; a seat that rings too long goes NotReady
/// ("no answer") and the call moves on; wrap-up ends by itself.
/// A call needing more than its queue's skills (its language, or the IVR's extra skills such as
/// "charity") waits in a route of that queue named <c>queue+skill+skill</c> whose required skills are
/// the union, so it only ever goes to an agent who has them all; routes are derived from their
/// names, so every node understands every other node's routes.
/// Everything runs through one mailbox (a <see cref="Channel{T}"/> read by one loop), so the node's
/// view of its calls needs no locks; seat and queue state lives in the <see cref="ISeatStore"/>,
/// whose operations are atomic across nodes.
/// </summary>
public sealed partial class AutomaticCallDistributor : IAsyncDisposable
{
    private static readonly SeatState[] AgentMayLeaveForReady = [SeatState.NotReady, SeatState.WrapUp];
    private static readonly SeatState[] AgentMayLeaveForNotReady = [SeatState.Ready, SeatState.NotReady, SeatState.WrapUp];

    /// <summary>Longest NotReady reason accepted from a desktop.</summary>
    public const int MaxReasonLength = 64;

    private readonly ISeatStore _store;
    private readonly IAcdCallControl _calls;
    private readonly IDesktopEventSink _desktops;
    private readonly IAcdNodeLink _nodes;
    private readonly AgentDirectory _agents;
    private readonly AcdOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly TimerScheduler _timers;
    private readonly Dictionary<string, QueueDefinition> _queues; // the call queues and the task queue
    private readonly QueueDefinition[] _callQueues;
    private readonly Dictionary<string, QueueDefinition?> _routes = new(StringComparer.Ordinal); // mailbox only
    private readonly Dictionary<string, LiveCall> _live = new(StringComparer.Ordinal); // mailbox only
    private readonly Channel<Func<Task>> _mailbox = Channel.CreateUnbounded<Func<Task>>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Task _loop;
    private IAsyncDisposable? _handOffs;

    public AutomaticCallDistributor(
        ISeatStore store,
        IAcdCallControl calls,
        IDesktopEventSink desktops,
        IAcdNodeLink nodes,
        AgentDirectory agents,
        AcdOptions options,
        TimeProvider time,
        ILogger<AutomaticCallDistributor> log)
    {
        ArgumentNullException.ThrowIfNull(options);
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _calls = calls ?? throw new ArgumentNullException(nameof(calls));
        _desktops = desktops ?? throw new ArgumentNullException(nameof(desktops));
        _nodes = nodes ?? throw new ArgumentNullException(nameof(nodes));
        _agents = agents ?? throw new ArgumentNullException(nameof(agents));
        _options = options;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _timers = new TimerScheduler(time);
        _queues = new(StringComparer.Ordinal);
        foreach (var queue in options.Queues)
        {
            if (string.IsNullOrWhiteSpace(queue.Name) || queue.Name.Contains(RouteSeparator, StringComparison.Ordinal))
                throw new ArgumentException($"Queue name '{queue.Name}' is empty or contains '{RouteSeparator}'.", nameof(options));
            if (!_queues.TryAdd(queue.Name, queue with { RequiredSkills = SkillNames.Normalize(queue.RequiredSkills) }))
                throw new ArgumentException($"Queue '{queue.Name}' is configured twice.", nameof(options));
        }
        foreach (var overflow in _queues.Values.SelectMany(q => q.Policy?.Overflows ?? []))
        {
            if (overflow.Queue is { } target && !_queues.ContainsKey(target))
                throw new ArgumentException($"Overflow target '{target}' is not a configured queue.", nameof(options));
        }
        _callQueues = [.. _queues.Values];
        if (options.TaskQueue is { } tasks)
        {
            if (string.IsNullOrWhiteSpace(tasks.Name) || tasks.Name.Contains(RouteSeparator, StringComparison.Ordinal) || tasks.Policy is not null)
                throw new ArgumentException($"Task queue '{tasks.Name}' is empty, contains '{RouteSeparator}' or has a policy.", nameof(options));
            if (!_queues.TryAdd(tasks.Name, tasks with { RequiredSkills = SkillNames.Normalize(tasks.RequiredSkills) }))
                throw new ArgumentException($"Task queue '{tasks.Name}' is also a call queue.", nameof(options));
            TaskQueue = tasks.Name;
        }
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The name of the queue of callback tasks (<see cref="AcdOptions.TaskQueue"/>), or null.</summary>
    public string? TaskQueue { get; }

    /// <summary>The configured queues of calls (not the task queue).</summary>
    public IReadOnlyCollection<QueueDefinition> Queues => _callQueues;

    /// <summary>The seat store (read-only views for supervisors and tests).</summary>
    public ISeatStore Store => _store;

    /// <summary>Creates the configured seats in the store (existing ones keep their state) and starts taking hand-offs from other nodes.</summary>
    public async Task InitializeAsync(CancellationToken ct = default)
    {
        var epoch = await _store.EnsureSeatsAsync(_options.Seats, _time.GetUtcNow(), ct).ConfigureAwait(false);
        await Post(() => Task.FromResult(_epoch = epoch)).ConfigureAwait(false);
        _handOffs = await _nodes.StartAsync(_options.Node, a => Post(() => ReceiveHandOffAsync(a)), ct).ConfigureAwait(false);
        _store.ConnectionRestored += OnStoreReconnected;
        ScheduleSweep();
        ScheduleStoreCheck();
    }

    /// <summary>The NotReady reason of a seat freed by the sweep.</summary>
    public const string StaleReason = "stale reservation";

    private void ScheduleSweep() => _timers.Schedule(_options.RingTimeout, () => PostFromTimer(SweepAsync));

    /// <summary>
    /// Frees seats left Reserved or Ringing well past the ring timeout for a call this node does not
    /// hold: the node that owned the call is gone (its own ring timer would have fired long ago).
    /// Without this such an agent could neither take calls nor change state. Ends a wrap-up whose timer
    /// went with its node in the same pass (<see cref="EndStaleWrapUpAsync"/>).
    /// </summary>
    private async Task SweepAsync()
    {
        try
        {
            var now = _time.GetUtcNow();
            foreach (var seat in await _store.GetSeatsAsync().ConfigureAwait(false))
            {
                if (await EndStaleWrapUpAsync(seat, now).ConfigureAwait(false))
                    continue;
                if (seat.State is not (SeatState.Reserved or SeatState.Ringing) || seat.CallId is null
                    || _live.ContainsKey(seat.CallId) || now - seat.StateSince <= _options.RingTimeout + _options.StaleGrace)
                    continue;
                var freed = await _store.TransitionAsync(new SeatTransitionRequest(seat.Extension, SeatState.NotReady, StaleReason, ExpectedCallId: seat.CallId), now).ConfigureAwait(false);
                if (freed.Succeeded)
                {
                    LogStaleSeat(seat.Extension, seat.CallId);
                    await PublishStateAsync(freed.Seat!, seat.AgentId).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            ScheduleSweep();
        }
    }

    /// <summary>Puts the Call-ID in the logging scope of everything done for one call.</summary>
    private IDisposable? CallScope(string callId) =>
        _log.BeginScope(new KeyValuePair<string, object>[] { new("CallId", callId) });

    // ---- mailbox ----

    private Task<T> Post<T>(Func<Task<T>> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        var queued = _mailbox.Writer.TryWrite(async () =>
        {
            try
            {
                done.TrySetResult(await work().ConfigureAwait(false));
            }
#pragma warning disable CA1031 // handed to the caller
            catch (Exception ex)
#pragma warning restore CA1031
            {
                if (ex is SeatStoreUnavailableException outage)
                    NoteStoreDown(outage);
                done.TrySetException(ex);
            }
        });
        if (!queued)
            done.TrySetException(new ObjectDisposedException(nameof(AutomaticCallDistributor)));
        return done.Task;
    }

    private void PostFromTimer(Func<Task> work) =>
        _mailbox.Writer.TryWrite(async () =>
        {
            try
            {
                await work().ConfigureAwait(false);
            }
            catch (SeatStoreUnavailableException outage)
            {
                NoteStoreDown(outage); // an outage is logged once, not with a stack trace per timer
            }
#pragma warning disable CA1031 // nobody awaits a timer's work: log it
            catch (Exception ex)
#pragma warning restore CA1031
            {
                LogTimerFailed(ex);
            }
        });

    private async Task RunAsync()
    {
        await foreach (var work in _mailbox.Reader.ReadAllAsync().ConfigureAwait(false))
            await work().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _store.ConnectionRestored -= OnStoreReconnected;
        if (_handOffs is not null)
            await _handOffs.DisposeAsync().ConfigureAwait(false);
        _mailbox.Writer.TryComplete();
        await _loop.ConfigureAwait(false);
        _timers.Dispose();
    }

    /// <summary>Where one of this node's calls is in the ACD (not the server's call phase: the ACD sees only queue, offer, talk).</summary>
    private enum QueuedCallStage { Queued, Offered, Connected }

    private enum OfferOutcome { Offered, Requeued, HandedOff, CallGone }

    private sealed class LiveCall(InboundCall call, QueueDefinition home, IReadOnlyList<string> needs, QueueDefinition queue, QueueEntry entry)
    {
        public InboundCall Call { get; } = call;

        /// <summary>The configured queue the call entered: its policy rules the whole wait.</summary>
        public QueueDefinition Home { get; } = home;

        /// <summary>What the call needs beyond a queue's skills (its language, the IVR's skills), before any relaxing.</summary>
        public IReadOnlyList<string> Needs { get; } = needs;

        /// <summary>The route the call waits in now (changes on overflow).</summary>
        public QueueDefinition Queue { get; set; } = queue;

        /// <summary>Its entry in the store now; the arrival time never changes, so it keeps its place.</summary>
        public QueueEntry Entry { get; set; } = entry;

        /// <summary>The maximum wait came and the caller was offered a call-back in place of leaving (the end action "callback-offer").</summary>
        public bool CallbackOffered { get; set; }

        /// <summary>How many of the home queue's overflow steps have been taken.</summary>
        public int OverflowsTaken { get; set; }

        /// <summary>The next overflow step or maximum wait (one at a time).</summary>
        public IDisposable? PolicyTimer { get; set; }
        public QueuedCallStage Stage { get; set; } = QueuedCallStage.Queued;
        public string? Extension { get; set; }
        public string? AgentId { get; set; }
        public IDisposable? Timer { get; set; }
        public int LastPosition { get; set; }

        /// <summary>False while the store does not have this call's queue entry (it came during an outage, or the store was emptied).</summary>
        public bool InStore { get; set; }

        public void CancelTimer()
        {
            Timer?.Dispose();
            Timer = null;
        }

        public void CancelPolicyTimer()
        {
            PolicyTimer?.Dispose();
            PolicyTimer = null;
        }
    }
}
