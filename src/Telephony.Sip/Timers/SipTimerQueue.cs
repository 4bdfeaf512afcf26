namespace Telephony.Sip.Timers;

/// <summary>
/// The one timer service for the SIP stack: every transaction timer (RFC 3261 §17 Timers A–K,
/// RFC 6026 Timers L/M) and the transport housekeeping sweep are entries in a single priority
/// queue driven by one <see cref="ITimer"/> from an injectable <see cref="TimeProvider"/>.
/// Schedule is O(log n); cancel is O(1) (the entry is marked and skipped when it reaches the
/// head; the heap is compacted when cancelled entries outnumber live ones, so memory stays
/// proportional to the live timers).
/// Callbacks run outside the queue's lock on the timer thread (or, with a fake clock, on the
/// thread that advances it); a callback that throws is reported and does not stop the queue.
/// </summary>
public sealed class SipTimerQueue : IDisposable
{
    private readonly TimeProvider _time;
    private readonly ITimer _timer;
    private readonly Lock _gate = new();
    private readonly Lock _armGate = new();
    private readonly PriorityQueue<SipTimer, (long Due, long Seq)> _heap = new();
    private readonly Action<Exception>? _onCallbackError;
    private long _seq;
    private int _cancelledInHeap;
    private long _armedFor = long.MaxValue;
    private bool _disposed;

    public SipTimerQueue(TimeProvider? timeProvider = null, Action<Exception>? onCallbackError = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _onCallbackError = onCallbackError;
        _timer = _time.CreateTimer(static s => ((SipTimerQueue)s!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public TimeProvider TimeProvider => _time;

    /// <summary>Live (not cancelled, not yet fired) timers.</summary>
    public int Count
    {
        get { lock (_gate) { return _heap.Count - _cancelledInHeap; } }
    }

    /// <summary>Entries in the heap including cancelled ones not yet swept (for tests and metrics).</summary>
    public int HeapSize
    {
        get { lock (_gate) { return _heap.Count; } }
    }

    /// <summary>Runs <paramref name="callback"/>(<paramref name="state"/>) once, after <paramref name="dueIn"/>.</summary>
    public SipTimer Schedule(TimeSpan dueIn, Action<object?> callback, object? state)
    {
        ArgumentNullException.ThrowIfNull(callback);
        if (dueIn < TimeSpan.Zero) dueIn = TimeSpan.Zero;
        long due = _time.GetTimestamp() + ToTimestampTicks(dueIn);
        var entry = new SipTimer(this, callback, state);
        bool rearm;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _heap.Enqueue(entry, (due, _seq++));
            rearm = due < _armedFor;
            if (rearm) _armedFor = due;
        }
        if (rearm) Arm();
        return entry;
    }

    /// <summary>
    /// A task that completes after <paramref name="dueIn"/> on this queue (the one-timer-service
    /// replacement for <c>Task.Delay</c>); cancelling the token removes the entry and cancels the task.
    /// </summary>
    public Task DelayAsync(TimeSpan dueIn, CancellationToken cancellationToken = default)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }
        var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var entry = Schedule(dueIn, static s => ((TaskCompletionSource)s!).TrySetResult(), tcs);
        if (cancellationToken.CanBeCanceled)
        {
            var registration = cancellationToken.Register(() =>
            {
                if (entry.Cancel())
                {
                    tcs.TrySetCanceled(cancellationToken);
                }
            });
            _ = tcs.Task.ContinueWith(static (_, r) => ((CancellationTokenRegistration)r!).Dispose(), registration,
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
        return tcs.Task;
    }

    internal bool Cancel(SipTimer entry)
    {
        lock (_gate)
        {
            if (entry.State != SipTimer.Pending) return false;
            entry.State = SipTimer.Cancelled;
            _cancelledInHeap++;
            if (_cancelledInHeap > 64 && _cancelledInHeap > _heap.Count / 2) Compact();
            return true;
        }
    }

    private void Compact()
    {
        var live = new List<(SipTimer, (long, long))>(_heap.Count - _cancelledInHeap);
        while (_heap.TryDequeue(out var e, out var p))
        {
            if (e.State == SipTimer.Pending) live.Add((e, p));
        }
        _heap.EnqueueRange(live);
        _cancelledInHeap = 0;
    }

    // Arm calls are serialised and each re-reads the earliest due time, so a slow caller can
    // never overwrite a newer, earlier deadline with its stale one.
    private void Arm()
    {
        lock (_armGate)
        {
            long due;
            lock (_gate)
            {
                if (_disposed) return;
                due = _armedFor;
            }
            if (due == long.MaxValue) return;
            ArmAt(due);
        }
    }

    private void ArmAt(long due)
    {
        long now = _time.GetTimestamp();
        var delay = due <= now ? TimeSpan.Zero : FromTimestampTicks(due - now);
        // Round up so the timer never fires a hair early and has to re-arm for a tick.
        if (delay > TimeSpan.Zero && delay < TimeSpan.FromMilliseconds(1)) delay = TimeSpan.FromMilliseconds(1);
        try { _timer.Change(delay, Timeout.InfiniteTimeSpan); }
        catch (ObjectDisposedException) { }
    }

    private void OnTimer()
    {
        List<SipTimer>? due = null;
        long next;
        lock (_gate)
        {
            if (_disposed) return;
            long now = _time.GetTimestamp();
            while (_heap.TryPeek(out var e, out var p))
            {
                if (e.State == SipTimer.Cancelled)
                {
                    _heap.Dequeue();
                    _cancelledInHeap--;
                    continue;
                }
                if (p.Due > now) break;
                _heap.Dequeue();
                e.State = SipTimer.Fired;
                (due ??= []).Add(e);
            }
            next = _heap.TryPeek(out _, out var head) ? head.Due : long.MaxValue;
            _armedFor = next;
        }
        if (next != long.MaxValue) Arm();
        if (due is null) return;
        foreach (var e in due)
        {
            try { e.Callback(e.CallbackState); }
            catch (Exception ex) { _onCallbackError?.Invoke(ex); }
        }
    }

    private long ToTimestampTicks(TimeSpan span) =>
        (long)(span.Ticks * ((double)_time.TimestampFrequency / TimeSpan.TicksPerSecond));

    private TimeSpan FromTimestampTicks(long ticks) =>
        TimeSpan.FromTicks((long)Math.Ceiling(ticks * ((double)TimeSpan.TicksPerSecond / _time.TimestampFrequency)));

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed) return;
            _disposed = true;
            _heap.Clear();
            _cancelledInHeap = 0;
        }
        _timer.Dispose();
    }
}

/// <summary>A scheduled entry of <see cref="SipTimerQueue"/>; cancel it with <see cref="Cancel"/>.</summary>
public sealed class SipTimer
{
    internal const int Pending = 0, Fired = 1, Cancelled = 2;
    private readonly SipTimerQueue _owner;
    internal readonly Action<object?> Callback;
    internal readonly object? CallbackState;
    internal int State;

    internal SipTimer(SipTimerQueue owner, Action<object?> callback, object? state)
    {
        _owner = owner;
        Callback = callback;
        CallbackState = state;
    }

    /// <summary>Cancels the timer; false when it already fired or was cancelled.</summary>
    public bool Cancel() => _owner.Cancel(this);
}
