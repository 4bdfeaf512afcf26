using System.Collections.Concurrent;
using System.Globalization;
using Telephony.Calls.Outbound;
using Telephony.Calls.Trunks;
using Telephony.Cases;
using Telephony.Cases.Callbacks;
using Telephony.ContactCenter.Routing;

namespace Telephony.Calls;

// Callback tasks offered by the ACD like calls (issue 13). Every Calls:CallbackTaskPollSeconds this node claims due open
// tasks (missed-call returns, callbacks whose attempts failed) for its ACD, keeping at most Calls:CallbackTasksQueued of
// them waiting at once, and queues each as an entry of the ACD's task queue (AcdOptions.TaskQueue). The ACD offers a task
// only to a Ready agent for whom no call waits (AutomaticCallDistributor.DispatchSeatAsync tries calls first); the offer
// is the callback path the queued callbacks use: the pop (the citizen's number, so the desk shows their history), the
// agent's phone rings, and answering it dials the citizen through the trunk and bridges them; the seat goes OnCall and
// then to wrap-up as for a call. The attempt's outcome (reached, no answer, busy, wrong number) goes to the task with the
// retry policy. While it waits a claimed task is 'dialling' for the agent "acd:<node>", so neither another node nor the
// desk's list takes it; the node gives its waiting tasks back when it stops, and those a crash left at its next start.
public sealed partial class CallManager
{
    private readonly ConcurrentDictionary<string, TaskEntry> _taskEntries = new(StringComparer.Ordinal);
    private ITimer? _taskFeeder;
    private int _feeding;
    private bool _staleTasksReleased;

    /// <summary>Callback tasks this node has queued in the ACD (waiting, or being offered or dialled).</summary>
    public int QueuedCallbackTasks => _taskEntries.Count;

    /// <summary>A task queued in the ACD under the entry <see cref="Call"/>.</summary>
    private sealed class TaskEntry(CallbackTask task, InboundCall call)
    {
        public CallbackTask Task { get; } = task;

        public InboundCall Call { get; } = call;

        /// <summary>An agent's phone rings for it, or the citizen is being dialled (not counted as waiting).</summary>
        public bool Offered { get; set; }
    }

    /// <summary>The task holder's name on the tasks this node claimed for its ACD.</summary>
    private string TaskHolder => "acd:" + Records.NodeId;

    /// <summary>The task of an ACD entry id (<c>task-{id}-{attempt}@{node}</c>), which may have ended; null for any other id.</summary>
    public static long? TaskOfEntry(string callId)
    {
        if (callId is null || !callId.StartsWith("task-", StringComparison.Ordinal))
        {
            return null;
        }
        var rest = callId.AsSpan(5);
        var dash = rest.IndexOf('-');
        return dash > 0 && long.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id : null;
    }

    /// <summary>Starts claiming due tasks for the ACD, when there is a task store, a task queue and an outbound trunk.</summary>
    private void StartTaskFeeder(AutomaticCallDistributor acd)
    {
        if (_callbackTasks is null || acd.TaskQueue is null || _options.CallbackTasksQueued == 0 || _dialPlan.Trunks.OutboundUri("10000") is null)
        {
            return;
        }
        var period = TimeSpan.FromSeconds(_options.CallbackTaskPollSeconds);
        _taskFeeder = _time.CreateTimer(_ => _ = FeedTasksAsync(), null, TimeSpan.FromSeconds(1), period);
    }

    /// <summary>Claims due tasks into the ACD until the node's share waits there; one run at a time.</summary>
    private async Task FeedTasksAsync()
    {
        if (Interlocked.Exchange(ref _feeding, 1) == 1)
        {
            return;
        }
        try
        {
            if (!_staleTasksReleased)
            {
                await ReleaseStaleTasksAsync().ConfigureAwait(false);
                _staleTasksReleased = true;
            }
            var waiting = _taskEntries.Values.Count(e => !e.Offered);
            while (waiting < _options.CallbackTasksQueued && !Drain.IsDraining && !_stopping.IsCancellationRequested
                   && _services is { Acd.TaskQueue: { } queue } services)
            {
                var task = await _callbackTasks!.ClaimCallbackTaskAsync(null, TaskHolder, _time.GetUtcNow()).ConfigureAwait(false);
                if (task is null)
                {
                    break;
                }
                var entry = new InboundCall(string.Create(CultureInfo.InvariantCulture, $"task-{task.Id}-{task.Attempts}@{Records.NodeId}"),
                    task.Number, task.Kind.ToText(), queue, 0, string.Empty, [CallbackTaskPath], string.Empty);
                _taskEntries[entry.CallId] = new TaskEntry(task, entry);
                waiting++;
                CallsLog.TaskQueued(_log, task.Id, task.Number, task.Attempts, entry.CallId);
                await services.Acd.EnqueueAsync(entry).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            CallsLog.TaskFeedFailed(_log, e);
        }
        finally
        {
            Volatile.Write(ref _feeding, 0);
        }
    }

    /// <summary>The IVR path a task's pop shows (the desk names the purpose from it).</summary>
    internal const string CallbackTaskPath = "callback-task";

    /// <summary>Tasks this node held for its ACD when it last stopped without giving them back (a crash): open again.</summary>
    private async Task ReleaseStaleTasksAsync()
    {
        foreach (var task in await _callbackTasks!.ListCallbackTasksAsync(CallbackTaskState.Dialling, 500).ConfigureAwait(false))
        {
            if (string.Equals(task.AgentId, TaskHolder, StringComparison.Ordinal) && !_taskEntries.Values.Any(e => e.Task.Id == task.Id))
            {
                await _callbackTasks.ReleaseCallbackTaskAsync(task.Id).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// The ACD's offer of a task (in the ACD's mailbox: the ACD is never awaited here): the pop, then the outbound call
    /// (the agent's phone, then the citizen). Nothing the seat could change (no trunk, the node draining) withdraws the
    /// entry and gives the task back, so the seat is not blamed; a seat whose phone cannot be rung gets false.
    /// </summary>
    private async Task<bool> OfferTaskAsync(TaskEntry entry, CallOffer offer, CancellationToken ct)
    {
        var task = entry.Task;
        var purpose = task.Kind == CallbackKind.MissedCallback ? CallOutcome.Callback : CallOutcome.MissedCallReturn;
        if (Drain.IsDraining || new CitizenDialling(_dialPlan.Trunks).Target(task.Number) is null || _services is not { } services)
        {
            _ = WithdrawTaskAsync(entry);
            return true; // the seat is told the entry ended (CallEndedAsync, posted), and goes Ready
        }
        entry.Offered = true;
        var agentId = offer.Seat.AgentId ?? offer.Seat.Extension;
        await _notifier.PushScreenPopAsync(offer.Pop with { Purpose = purpose.ToText(), CallbackTaskId = task.Id, CallbackAttempt = task.Attempts }, ct).ConfigureAwait(false);
        var dial = await DialCitizenAsync(new OutboundCallRequest(task.Number, agentId, offer.Seat.Extension, purpose,
            CallbackTaskId: task.Id, AcdCallId: entry.Call.CallId), ct).ConfigureAwait(false);
        if (!dial.Started)
        {
            entry.Offered = false;
            return false; // the ACD offers it to the next agent
        }
        _ = FollowTaskAsync(entry, dial, services);
        return true;
    }

    private async Task FollowTaskAsync(TaskEntry entry, OutboundDial dial, Sessions.CallServices services)
    {
        var result = await dial.Settled.ConfigureAwait(false);
        if (result == OutboundCallResult.AgentUnreachable)
        {
            entry.Offered = false; // the entry went back to the ACD (declined or not answered), which offers it on
            return;
        }
        _taskEntries.TryRemove(entry.Call.CallId, out _);
        try
        {
            var outcome = OutboundResultText.AttemptOutcomeOf(result);
            var after = await _callbackTasks!.RecordCallbackAttemptAsync(entry.Task.Id, outcome, dial.CallId, services.Time.GetUtcNow(), CallbackPolicy).ConfigureAwait(false);
            CallsLog.TaskAttempt(_log, entry.Task.Id, outcome.ToText(), after?.State.ToText() ?? "?", dial.CallId ?? "");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            CallsLog.TaskFeedFailed(_log, e);
        }
    }

    /// <summary>Takes the entry out of the ACD (posted: never awaited from the ACD's mailbox) and gives its task back.</summary>
    private async Task WithdrawTaskAsync(TaskEntry entry)
    {
        await Task.Yield();
        _taskEntries.TryRemove(entry.Call.CallId, out _);
        try
        {
            if (_services is { } services)
            {
                await services.Acd.CallEndedAsync(entry.Call.CallId).ConfigureAwait(false);
            }
            await _callbackTasks!.ReleaseCallbackTaskAsync(entry.Task.Id).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            CallsLog.TaskFeedFailed(_log, e);
        }
    }

    /// <summary>The node stops: tasks still waiting in the ACD go back to the list (an entry being dialled records its attempt).</summary>
    private async Task StopTaskFeederAsync()
    {
        if (_taskFeeder is not null)
        {
            await _taskFeeder.DisposeAsync().ConfigureAwait(false);
        }
        foreach (var entry in _taskEntries.Values.Where(e => !e.Offered).ToList())
        {
            _taskEntries.TryRemove(entry.Call.CallId, out _);
            try
            {
                if (_services is { } services)
                {
                    await services.Acd.CallEndedAsync(entry.Call.CallId).ConfigureAwait(false); // out of the shared queue
                }
                await _callbackTasks!.ReleaseCallbackTaskAsync(entry.Task.Id).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                CallsLog.TaskFeedFailed(_log, e);
            }
        }
    }
}
