using Telephony.Media.Rtp;

namespace Telephony.Media.Rtcp;

/// <summary>
/// Sends RTCP reports for every registered session from the media clock (no timer per call):
/// each session reports once per <see cref="IntervalTicks"/> ticks (5 s, RFC 3550 §6.2's
/// minimum), with the sessions spread over the interval and a little randomised (§6.3.1).
/// </summary>
public sealed class RtcpReporter : IMediaTickListener
{
    private readonly Lock _gate = new();
    private readonly Dictionary<RtpSession, long> _nextTick = [];
    private RtpSession[] _sessions = [];
    private long _lastTick;

    public int IntervalTicks { get; init; } = 250;

    public void Add(RtpSession session)
    {
        ArgumentNullException.ThrowIfNull(session);
        lock (_gate)
        {
            // First report after a random 0.5..1.5 interval so calls set up together do not report together.
            _nextTick[session] = _lastTick + (IntervalTicks / 2) + Random.Shared.Next(IntervalTicks);
            _sessions = [.. _nextTick.Keys];
        }
    }

    public void Remove(RtpSession session)
    {
        lock (_gate)
        {
            if (_nextTick.Remove(session))
            {
                _sessions = [.. _nextTick.Keys];
            }
        }
    }

    public void OnTick(long tick)
    {
        _lastTick = tick;
        foreach (var session in Volatile.Read(ref _sessions))
        {
            bool due;
            lock (_gate)
            {
                due = _nextTick.TryGetValue(session, out long next) && tick >= next;
                if (due)
                {
                    _nextTick[session] = tick + (IntervalTicks / 2) + Random.Shared.Next(IntervalTicks);
                }
            }

            if (due)
            {
                session.SendRtcpReport();
            }
        }
    }
}
