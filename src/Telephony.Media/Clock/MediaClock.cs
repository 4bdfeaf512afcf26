using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Telephony.Media.Clock;

/// <summary>
/// The one media clock of the process: every 20 ms it calls every registered
/// <see cref="IMediaTickListener"/>. Tick n is due at start + n × 20 ms on the monotonic clock
/// of the <see cref="TimeProvider"/>, so lateness of one wake-up never shifts later ticks (no
/// drift). After a long stall (GC, VM steal) it fires at most <see cref="MaxCatchUpTicks"/>
/// late ticks back to back and skips the rest, so listeners are never flooded.
/// </summary>
public sealed class MediaClock : IAsyncDisposable
{
    public static readonly TimeSpan FrameDuration = TimeSpan.FromMilliseconds(20);
    private const int TicksPerSecond = 50;

    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Lock _gate = new();
    // Add and Remove change the list under the lock; the tick works on its own copy, refreshed at most once per
    // tick and only when the list changed. A copy-on-write array per change was 10 % of all bytes allocated at
    // 1,000 call setups a second (two copies of ~1,000 references per call; issue 10's allocation profile).
    private readonly List<IMediaTickListener> _listeners = [];
    private bool _listenersChanged;
    private IMediaTickListener[] _tickListeners = []; // the tick's copy: read and written by the pumping thread only
    private int _tickListenerCount;
    private long _start;
    private bool _started;
    private long _tick;
    private long _skipped;
    private CancellationTokenSource? _stop;
    private Task? _loop;

    public MediaClock(TimeProvider? timeProvider = null, ILogger<MediaClock>? logger = null)
    {
        _time = timeProvider ?? TimeProvider.System;
        _log = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>
    /// SCHED_FIFO priority (1–99) for the clock's thread on Linux, like the RTP receive loop's
    /// (see <see cref="Rtp.Linux.RtpReceiveLoop"/>): a tick that waits for another thread's time
    /// slice delays every prompt and recording frame at once. 0 = normal scheduling.
    /// </summary>
    public int RealtimePriority { get; init; }

    /// <summary>Most late ticks delivered in one burst after a stall.</summary>
    public int MaxCatchUpTicks { get; init; } = 5;
    /// <summary>The last tick fired (0 before the first).</summary>
    public long Tick => Interlocked.Read(ref _tick);
    /// <summary>Ticks skipped after stalls longer than <see cref="MaxCatchUpTicks"/> frames.</summary>
    public long SkippedTicks => Interlocked.Read(ref _skipped);
    public int ListenerCount
    {
        get
        {
            lock (_gate)
            {
                return _listeners.Count;
            }
        }
    }

    /// <summary>Calls <paramref name="listener"/> from the next tick on.</summary>
    public void Add(IMediaTickListener listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        lock (_gate)
        {
            _listeners.Add(listener);
            _listenersChanged = true;
        }
    }

    /// <summary>Stops calling <paramref name="listener"/>; a tick already running may still call it once.</summary>
    public bool Remove(IMediaTickListener listener)
    {
        lock (_gate)
        {
            if (!_listeners.Remove(listener))
            {
                return false;
            }
            _listenersChanged = true;
            return true;
        }
    }

    /// <summary>The listeners of this tick: the tick's copy, brought up to date when the list changed since the last one.</summary>
    private ReadOnlySpan<IMediaTickListener> TickListeners()
    {
        lock (_gate)
        {
            if (_listenersChanged)
            {
                int count = _listeners.Count;
                if (_tickListeners.Length < count)
                {
                    _tickListeners = new IMediaTickListener[Math.Max(count, _tickListeners.Length * 2)];
                }
                _listeners.CopyTo(_tickListeners);
                if (count < _tickListenerCount)
                {
                    Array.Clear(_tickListeners, count, _tickListenerCount - count); // removed listeners can be collected
                }
                _tickListenerCount = count;
                _listenersChanged = false;
            }
        }
        return _tickListeners.AsSpan(0, _tickListenerCount);
    }

    /// <summary>Fixes the clock's origin: tick n is due n × 20 ms from now.</summary>
    public void StartAt()
    {
        lock (_gate)
        {
            if (!_started)
            {
                _start = _time.GetTimestamp();
                _started = true;
            }
        }
    }

    /// <summary>
    /// Fires every tick whose deadline has passed (bounded by <see cref="MaxCatchUpTicks"/>) and
    /// returns how many fired. The background loop calls this; tests call it after advancing a
    /// fake time provider.
    /// </summary>
    public int Pump()
    {
        StartAt();
        long due = DueTick();
        int fired = 0;
        while (_tick < due)
        {
            long behind = due - _tick;
            if (behind > MaxCatchUpTicks)
            {
                long skip = behind - MaxCatchUpTicks;
                Interlocked.Add(ref _skipped, skip);
                Interlocked.Add(ref _tick, skip);
                ClockLog.Stalled(_log, skip);
            }

            long tick = Interlocked.Increment(ref _tick);
            foreach (var listener in TickListeners())
            {
                try
                {
                    listener.OnTick(tick);
                }
#pragma warning disable CA1031 // one faulty call must not stop the clock for every other call
                catch (Exception e)
#pragma warning restore CA1031
                {
                    ClockLog.ListenerFailed(_log, e, listener.GetType().Name, tick);
                }
            }

            fired++;
        }

        return fired;
    }

    /// <summary>How long until the next tick is due (zero when it is already due).</summary>
    public TimeSpan TimeUntilNextTick()
    {
        StartAt();
        long next = _tick + 1;
        var elapsed = _time.GetElapsedTime(_start);
        var deadline = FrameDuration * next;
        return deadline > elapsed ? deadline - elapsed : TimeSpan.Zero;
    }

    /// <summary>Runs the clock until cancelled: pump, then sleep until the next absolute deadline.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        StartAt();
        while (!cancellationToken.IsCancellationRequested)
        {
            Pump();
            var wait = TimeUntilNextTick();
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
    }

    /// <summary>
    /// Starts the clock in the background (once). On the real system clock it runs on its own
    /// above-normal-priority thread so a busy thread pool cannot delay frames; on any other
    /// <see cref="TimeProvider"/> (tests) it runs <see cref="RunAsync"/> on that provider's timers.
    /// </summary>
    public void Start()
    {
        lock (_gate)
        {
            if (_loop is not null)
            {
                return;
            }

            _stop = new CancellationTokenSource();
            var token = _stop.Token;
            if (ReferenceEquals(_time, TimeProvider.System))
            {
                var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                var thread = new Thread(() =>
                {
                    try
                    {
                        RunOnThread(token);
                    }
                    finally
                    {
                        done.SetResult();
                    }
                })
                {
                    IsBackground = true,
                    Priority = ThreadPriority.AboveNormal,
                    Name = "media-clock",
                };
                thread.Start();
                _loop = done.Task;
            }
            else
            {
                _loop = Task.Run(() => RunAsync(token));
            }
        }
    }

    private void RunOnThread(CancellationToken token)
    {
        if (RealtimePriority > 0 && Rtp.Linux.LinuxUdp.IsSupported)
        {
            int refused = Rtp.Linux.LinuxUdp.TrySetRealtimePriority(RealtimePriority);
            if (refused != 0)
            {
                ClockLog.RealtimeRefused(_log, refused);
            }
        }

        StartAt();
        while (!token.IsCancellationRequested)
        {
            Pump();
            var wait = TimeUntilNextTick();
            if (wait > TimeSpan.Zero)
            {
                // Round up to whole milliseconds: waking up to 1 ms late is harmless (the next
                // deadline is absolute), waking early would spin.
                token.WaitHandle.WaitOne((int)Math.Ceiling(wait.TotalMilliseconds));
            }
        }
    }

    /// <summary>Stops the background loop; safe to call more than once.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? loop;
        CancellationTokenSource? stop;
        lock (_gate)
        {
            loop = _loop;
            stop = _stop;
            _loop = null;
            _stop = null;
        }

        if (stop is null)
        {
            return;
        }

        await stop.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        stop.Dispose();
    }

    private long DueTick()
    {
        long elapsed = _time.GetTimestamp() - _start;
        return (long)((Int128)elapsed * TicksPerSecond / _time.TimestampFrequency);
    }
}
