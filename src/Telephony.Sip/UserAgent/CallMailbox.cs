namespace Telephony.Sip.UserAgent;

/// <summary>
/// One call's work queue: items run one at a time, in the order posted, on the thread pool. A runner is
/// started only while there is work, so an idle call costs a queue and nothing else — no parked reader,
/// no async state machine, no channel segments. That matters because a call stays reachable for 64·T1
/// after it ends (§17.2.1, RFC 6026 Timer L): at 1,000 calls a second ~32,000 ended calls are idle at any
/// time, and a parked channel reader per call was ~2 KB of each (issue 10's heap profile).
/// </summary>
internal sealed class CallMailbox
{
    private readonly Lock _gate = new();
    private readonly Func<Func<Task>, Task> _run;
    private readonly Func<IDisposable?> _beginScope;
    private Queue<Func<Task>>? _queue; // created with the first item: most calls see a handful
    private bool _running;
    private bool _closed;

    /// <param name="run">Runs one item; must not throw (the owner catches and handles its items' failures).</param>
    /// <param name="beginScope">The log scope around a run of items (the call's Call-ID).</param>
    public CallMailbox(Func<Func<Task>, Task> run, Func<IDisposable?> beginScope)
    {
        _run = run;
        _beginScope = beginScope;
    }

    /// <summary>Queues <paramref name="work"/>; false once <see cref="Close"/> was called (nothing queued).</summary>
    public bool TryPost(Func<Task> work)
    {
        lock (_gate)
        {
            if (_closed)
            {
                return false;
            }
            (_queue ??= new Queue<Func<Task>>(4)).Enqueue(work);
            if (_running)
            {
                return true; // the runner takes it after the items before it
            }
            _running = true;
        }
        ThreadPool.UnsafeQueueUserWorkItem(static m => _ = m.DrainAsync(), this, preferLocal: false);
        return true;
    }

    /// <summary>No more items are accepted; those already queued still run.</summary>
    public void Close()
    {
        lock (_gate)
        {
            _closed = true;
        }
    }

    /// <summary>True while no runner is started (nothing queued, nothing running).</summary>
    internal bool IsIdle
    {
        get
        {
            lock (_gate)
            {
                return !_running;
            }
        }
    }

    private async Task DrainAsync()
    {
        using var scope = _beginScope();
        while (true)
        {
            Func<Task> next;
            lock (_gate)
            {
                if (_queue is not { Count: > 0 })
                {
                    _running = false;
                    _queue = _closed ? null : _queue;
                    return;
                }
                next = _queue.Dequeue();
            }
            await _run(next).ConfigureAwait(false);
        }
    }
}
