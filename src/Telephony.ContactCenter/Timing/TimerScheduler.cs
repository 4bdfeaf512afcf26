namespace Telephony.ContactCenter.Timing;

/// <summary>
/// The contact center's one timer: every ring timeout and wrap-up is an entry in a priority queue,
/// and a single <see cref="ITimer"/> from the injected <see cref="TimeProvider"/> is armed for the
/// earliest one (tests drive it with FakeTimeProvider).
/// </summary>
public sealed class TimerScheduler : IDisposable
{
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly PriorityQueue<Entry, (DateTimeOffset Due, long Seq)> _due = new();
    private readonly ITimer _timer;
    private long _seq;
    private bool _disposed;

    public TimerScheduler(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _timer = time.CreateTimer(_ => Fire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Entries not yet fired or cancelled.</summary>
    public int Pending
    {
        get { lock (_gate) return _due.UnorderedItems.Count(e => !e.Element.Cancelled); }
    }

    /// <summary>Runs <paramref name="callback"/> once after <paramref name="delay"/>; dispose the handle to cancel.</summary>
    public IDisposable Schedule(TimeSpan delay, Action callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        var entry = new Entry(callback);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var due = _time.GetUtcNow() + (delay < TimeSpan.Zero ? TimeSpan.Zero : delay);
            var key = (due, ++_seq);
            var wasEarliest = !_due.TryPeek(out _, out var head) || key.CompareTo(head) < 0;
            _due.Enqueue(entry, key);
            if (wasEarliest)
                Arm(due);
        }
        return entry;
    }

    private void Arm(DateTimeOffset due)
    {
        var wait = due - _time.GetUtcNow();
        _timer.Change(wait < TimeSpan.Zero ? TimeSpan.Zero : wait, Timeout.InfiniteTimeSpan);
    }

    private void Fire()
    {
        var ready = new List<Entry>();
        lock (_gate)
        {
            if (_disposed)
                return;
            var now = _time.GetUtcNow();
            while (_due.TryPeek(out var entry, out var key) && key.Due <= now)
            {
                _due.Dequeue();
                if (!entry.Cancelled)
                    ready.Add(entry);
            }
            if (_due.TryPeek(out _, out var next))
                Arm(next.Due);
        }
        // Callbacks run outside the lock; they only post work to a mailbox.
        foreach (var entry in ready)
            entry.Run();
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _due.Clear();
        }
        _timer.Dispose();
    }

    private sealed class Entry(Action callback) : IDisposable
    {
        private int _state; // 0 pending, 1 fired, 2 cancelled

        public bool Cancelled => Volatile.Read(ref _state) == 2;

        public void Run()
        {
            if (Interlocked.CompareExchange(ref _state, 1, 0) == 0)
                callback();
        }

        public void Dispose() => Interlocked.CompareExchange(ref _state, 2, 0);
    }
}
