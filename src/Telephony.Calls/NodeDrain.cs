namespace Telephony.Calls;

/// <summary>
/// Whether this node is draining: it was told to stop (SIGTERM, <c>systemctl stop</c>, Ctrl-C) and takes no new
/// calls while the calls in progress finish (<see cref="CallManager.DrainAsync"/>). The SIP host answers new
/// citizens' INVITEs with a stateless 503 and Retry-After (RFC 3261 §21.5.4, §20.33) so a dispatcher in front
/// (Kamailio) tries another node; the readiness check reports it. One per node; it never goes back.
/// </summary>
public sealed class NodeDrain
{
    private readonly TimeProvider _time;
    private long _refused;
    private int _draining;

    /// <summary>Creates a node that is not draining.</summary>
    public NodeDrain(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    /// <summary>True once the drain has begun.</summary>
    public bool IsDraining => Volatile.Read(ref _draining) != 0;

    /// <summary>When the drain began; null while not draining.</summary>
    public DateTimeOffset? BeganAt { get; private set; }

    /// <summary>New calls refused (503) because the node was draining.</summary>
    public long RefusedCalls => Interlocked.Read(ref _refused);

    /// <summary>Starts the drain; true the first time, false when it had already begun.</summary>
    public bool Begin()
    {
        if (Interlocked.Exchange(ref _draining, 1) != 0)
        {
            return false;
        }
        BeganAt = _time.GetUtcNow();
        return true;
    }

    /// <summary>Counts a new call refused for the drain (cheap: the receive thread calls it).</summary>
    public void CountRefusal() => Interlocked.Increment(ref _refused);
}
