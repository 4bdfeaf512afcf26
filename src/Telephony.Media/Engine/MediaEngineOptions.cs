using System.Net;

namespace Telephony.Media;

/// <summary>
/// How a process's <see cref="MediaEngine"/> is set up: where RTP binds, what SDP advertises, which
/// ports legs lease and how RTP is received. A plain record: the host binds it from configuration,
/// the softphone and the tests build it directly; <see cref="Validate"/> names the bad setting.
/// </summary>
public sealed record MediaEngineOptions
{
    /// <summary>Address the RTP/RTCP sockets bind to.</summary>
    public IPAddress BindAddress { get; init; } = IPAddress.Loopback;

    /// <summary>
    /// Address written into SDP; null = <see cref="BindAddress"/>, or loopback when that is a wildcard
    /// (set it when binding to a wildcard or behind NAT).
    /// </summary>
    public IPAddress? MediaAddress { get; init; }

    /// <summary>First RTP port (rounded up to even); each leg takes a pair.</summary>
    public int PortMin { get; init; } = 20000;

    /// <summary>Last port of the range (the last RTCP port).</summary>
    public int PortMax { get; init; } = 23999;

    /// <summary>
    /// Threads of the RTP receive loop (epoll + recvmmsg, 64-bit Linux): -1 = half the cores, 0 = no loop
    /// (each session receives with async socket calls, any OS), 1-64 = that many.
    /// </summary>
    public int ReceiveThreads { get; init; }

    /// <summary>SCHED_FIFO priority (1-99) of the media clock and receive threads; 0 = the normal scheduler.</summary>
    public int RealtimePriority { get; init; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (BindAddress is null)
        {
            throw new ArgumentException($"{nameof(MediaEngineOptions)}.{nameof(BindAddress)} is required", nameof(BindAddress));
        }
        if (PortMin is < 1024 or > 65535 || PortMax is < 1024 or > 65535 || PortMax < (PortMin + (PortMin % 2)) + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(PortMin), $"{nameof(MediaEngineOptions)}.{nameof(PortMin)}-{nameof(PortMax)} ({PortMin}-{PortMax}) must lie in 1024-65535 and hold at least one even/odd pair");
        }
        if (ReceiveThreads is < -1 or > 64)
        {
            throw new ArgumentOutOfRangeException(nameof(ReceiveThreads), ReceiveThreads, $"{nameof(MediaEngineOptions)}.{nameof(ReceiveThreads)} must be -1 (half the cores), 0 (async sockets) or 1-64");
        }
        if (RealtimePriority is < 0 or > 99)
        {
            throw new ArgumentOutOfRangeException(nameof(RealtimePriority), RealtimePriority, $"{nameof(MediaEngineOptions)}.{nameof(RealtimePriority)} must be 0 (normal scheduling) or 1-99 (SCHED_FIFO)");
        }
    }
}
