using Microsoft.Extensions.Logging;
using Telephony.ContactCenter.Store;

namespace Telephony.ContactCenter.Routing;

/// <summary>
/// Queues that never strand a caller (issue 14): a full queue refuses, a call overflows to another
/// queue or to its own queue with relaxed skills after so long, and a wait that reaches the queue's
/// maximum ends with the queue's end action. Each call has at most one policy timer, for its next
/// step; a step that falls due while the call rings is taken when the call comes back to the queue.
/// </summary>
public sealed partial class AutomaticCallDistributor
{
    /// <summary>Arms the timer for the call's next overflow step or its maximum wait, if any.</summary>
    private void SchedulePolicy(LiveCall live)
    {
        live.CancelPolicyTimer();
        if (NextDue(live) is not { } due)
            return;
        var callId = live.Call.CallId;
        var delay = due - _time.GetUtcNow();
        live.PolicyTimer = _timers.Schedule(delay > TimeSpan.Zero ? delay : TimeSpan.Zero, () => PostFromTimer(() => PolicyDueAsync(callId)));
    }

    /// <summary>When the call's next step falls due: its next overflow, else its maximum wait; null when neither.</summary>
    private static DateTimeOffset? NextDue(LiveCall live)
    {
        var policy = live.Home.Policy ?? QueuePolicy.None;
        if (live.CallbackOffered)
            return null; // the wait's end was the call-back offer: the call keeps its place, no further step
        var arrived = live.Entry.EnqueuedAt;
        if (live.OverflowsTaken < policy.Overflows.Count)
        {
            var overflow = arrived + policy.Overflows[live.OverflowsTaken].After;
            return policy.MaxWait is { } max && arrived + max < overflow ? arrived + max : overflow;
        }
        return policy.MaxWait is { } wait ? arrived + wait : null;
    }

    /// <summary>Takes every step now due for a call still waiting, then arms the timer for the next one.</summary>
    private async Task PolicyDueAsync(string callId)
    {
        using var scope = CallScope(callId);
        if (!_live.TryGetValue(callId, out var live))
            return;
        live.PolicyTimer = null;
        if (live.Stage != QueuedCallStage.Queued)
            return; // offered or talking: a requeue checks again
        var policy = live.Home.Policy ?? QueuePolicy.None;
        var now = _time.GetUtcNow();
        while (NextDue(live) is { } due && due <= now)
        {
            if (live.OverflowsTaken < policy.Overflows.Count && (policy.MaxWait is null || live.Entry.EnqueuedAt + policy.MaxWait.Value > due))
            {
                if (!await OverflowAsync(live, policy.Overflows[live.OverflowsTaken]).ConfigureAwait(false))
                    return; // another node took the call meanwhile: its hand-off is on the way
                live.OverflowsTaken++;
                continue;
            }
            await EndWaitAsync(live, policy.EndAction).ConfigureAwait(false);
            return;
        }
        SchedulePolicy(live);
    }

    /// <summary>
    /// Moves the call to the overflow's route: the target queue (or its own) without the relaxed skills,
    /// with its caller's priority plus the target's and its original arrival time, so it is served in
    /// the target by when it first called and a deputy stays ahead of others. False when the store no
    /// longer had the call (a seat on another node took it just now).
    /// </summary>
    private async Task<bool> OverflowAsync(LiveCall live, QueueOverflow overflow)
    {
        var target = overflow.Queue is { } name && _queues.TryGetValue(name, out var other) ? other : live.Home;
        var relaxed = SkillNames.Normalize(overflow.Relax);
        var route = RouteOf(target, live.Needs.Except(relaxed, StringComparer.Ordinal));
        var from = live.Queue;
        if (route.Name == from.Name)
            return true;
        if (live.InStore && !await _store.RemoveFromQueueAsync(from.Name, live.Call.CallId).ConfigureAwait(false))
            return false;
        _routes.TryAdd(route.Name, route);
        live.Entry = live.Entry with { Queue = route.Name, Priority = QueuePriority.Clamp(live.Call.Priority + target.Priority) };
        live.Queue = route;
        live.LastPosition = 0;
        Interlocked.Increment(ref _overflowed);
        LogOverflowed(live.Call.CallId, from.Name, route.Name, (int)(_time.GetUtcNow() - live.Entry.EnqueuedAt).TotalSeconds);
        if (live.InStore)
        {
            live.InStore = false;
            await _store.EnqueueAsync(live.Entry).ConfigureAwait(false);
            live.InStore = true;
            await AnnouncePositionsAsync(from).ConfigureAwait(false);
            await DispatchQueueAsync(route).ConfigureAwait(false);
        }
        return true;
    }

    /// <summary>
    /// The call waited the maximum: it leaves the ACD, and the call control plays the end action and ends the call.
    /// The end action <see cref="QueueEndAction.CallbackOffer"/> keeps the call in its place instead: the caller is
    /// offered a call-back ("press 1 and we call you back"); one who accepts keeps the place and may hang up (the entry
    /// becomes their callback), one who does not is ended by the call control (its end removes the entry).
    /// </summary>
    private async Task EndWaitAsync(LiveCall live, QueueEndAction action)
    {
        var callId = live.Call.CallId;
        if (action == QueueEndAction.CallbackOffer)
        {
            live.CallbackOffered = true;
            Interlocked.Increment(ref _waitsEnded);
            LogWaitEnded(callId, live.Queue.Name, (int)(_time.GetUtcNow() - live.Entry.EnqueuedAt).TotalSeconds, action);
            await ExitAsync(new QueueExit(callId, live.Home.Name, QueueExitReason.MaxWait, action)).ConfigureAwait(false);
            return;
        }
        if (live.InStore && !await _store.RemoveFromQueueAsync(live.Queue.Name, callId).ConfigureAwait(false))
            return; // a seat on another node took it just now
        _live.Remove(callId);
        live.CancelPolicyTimer();
        Interlocked.Increment(ref _waitsEnded);
        LogWaitEnded(callId, live.Queue.Name, (int)(_time.GetUtcNow() - live.Entry.EnqueuedAt).TotalSeconds, action);
        await ExitAsync(new QueueExit(callId, live.Home.Name, QueueExitReason.MaxWait, action)).ConfigureAwait(false);
        await AnnouncePositionsAsync(live.Queue).ConfigureAwait(false);
    }

    /// <summary>A new call found its queue full: it was never queued; the caller hears the refusal.</summary>
    private async Task RefuseFullAsync(string callId, QueueDefinition queue, int limit)
    {
        LogQueueFull(callId, queue.Name, limit);
        Interlocked.Increment(ref _refusedFull);
        await ExitAsync(new QueueExit(callId, queue.Name, QueueExitReason.Full, (queue.Policy ?? QueuePolicy.None).EndAction)).ConfigureAwait(false);
    }

    private long _refusedFull, _overflowed, _waitsEnded;

    /// <summary>Calls this node refused because their queue was full (since start).</summary>
    public long RefusedFull => Interlocked.Read(ref _refusedFull);

    /// <summary>Overflow steps this node's calls took (since start).</summary>
    public long Overflowed => Interlocked.Read(ref _overflowed);

    /// <summary>Waits this node ended at their queue's maximum (since start).</summary>
    public long WaitsEnded => Interlocked.Read(ref _waitsEnded);

    private async Task ExitAsync(QueueExit exit)
    {
        try
        {
            await _calls.QueueExitAsync(exit).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // see OfferAsync
        catch (Exception ex)
#pragma warning restore CA1031
        {
            LogOfferFailed(ex, exit.CallId, "");
        }
    }

    // Log events 4230-4249 (issue 14's queue policies). Next free id: 4233.
    [LoggerMessage(EventId = 4230, Level = LogLevel.Information, Message = "Call {CallId} overflowed from {From} to {To} after {Seconds} s")] private partial void LogOverflowed(string callId, string from, string to, int seconds);
    [LoggerMessage(EventId = 4231, Level = LogLevel.Information, Message = "Call {CallId} left {Queue} after the maximum wait ({Seconds} s): {Action}")] private partial void LogWaitEnded(string callId, string queue, int seconds, QueueEndAction action);
    [LoggerMessage(EventId = 4232, Level = LogLevel.Warning, Message = "Call {CallId} refused: queue {Queue} is full ({Limit} calls waiting)")] private partial void LogQueueFull(string callId, string queue, int limit);
}
