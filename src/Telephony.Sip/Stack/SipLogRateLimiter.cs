namespace Telephony.Sip.Stack;

/// <summary>
/// Bounds the warnings that hostile or broken input can cause: at most <c>maxPerInterval</c>
/// warnings per source address per interval; the rest are counted, and the next warning allowed
/// for that source reports how many were suppressed (so the log says "suppressed K" once instead
/// of K times). Memory is bounded: at most <c>maxSources</c> addresses are tracked; past that,
/// stale entries are swept and any further new source shares one overflow bucket, so a spoofed
/// flood from many addresses still yields at most <c>(maxSources + 1) × maxPerInterval</c> lines
/// per interval. Metrics are not this class's business: callers count every drop regardless.
/// </summary>
public sealed class SipLogRateLimiter
{
    private readonly int _maxPerInterval;
    private readonly long _intervalTicks;
    private readonly int _maxSources;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly Dictionary<IPAddress, Window> _sources = [];
    private readonly Window _overflow = new();

    public SipLogRateLimiter(int maxPerInterval, TimeSpan interval, TimeProvider? time = null, int maxSources = 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPerInterval, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxSources, 1);
        _maxPerInterval = maxPerInterval;
        _time = time ?? TimeProvider.System;
        _intervalTicks = (long)(interval.Ticks * ((double)_time.TimestampFrequency / TimeSpan.TicksPerSecond));
        _maxSources = maxSources;
    }

    /// <summary>Addresses currently tracked (for tests).</summary>
    public int TrackedSources
    {
        get { lock (_gate) { return _sources.Count; } }
    }

    /// <summary>
    /// True when a warning about <paramref name="source"/> may be written now. When true,
    /// <paramref name="suppressed"/> is the number of warnings about it withheld since the last one
    /// written (0 usually); the caller mentions it in the line it writes.
    /// </summary>
    public bool TryAcquire(IPAddress? source, out long suppressed)
    {
        long now = _time.GetTimestamp();
        lock (_gate)
        {
            var window = Find(source, now);
            if (now - window.Start >= _intervalTicks)
            {
                window.Start = now;
                window.Logged = 0;
            }
            if (window.Logged < _maxPerInterval)
            {
                window.Logged++;
                suppressed = window.Suppressed;
                window.Suppressed = 0;
                return true;
            }
            window.Suppressed++;
            suppressed = 0;
            return false;
        }
    }

    private Window Find(IPAddress? source, long now)
    {
        if (source is null) return _overflow;
        if (_sources.TryGetValue(source, out var window)) return window;
        if (_sources.Count >= _maxSources)
        {
            // Forget sources whose window has ended and that have nothing left to report.
            foreach (var (address, w) in _sources)
            {
                if (now - w.Start >= _intervalTicks && w.Suppressed == 0) _sources.Remove(address);
            }
            if (_sources.Count >= _maxSources) return _overflow;
        }
        window = new Window { Start = now };
        _sources[source] = window;
        return window;
    }

    private sealed class Window
    {
        public long Start;
        public int Logged;
        public long Suppressed;
    }
}
