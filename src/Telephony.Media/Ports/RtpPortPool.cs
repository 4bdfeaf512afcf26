using System.Net;
using System.Net.Sockets;

namespace Telephony.Media.Ports;

/// <summary>
/// Hands out RTP/RTCP port pairs (even RTP port, RTCP on the next odd one, RFC 3550 §11) from a
/// configured range, bound to the configured media address only. A port is never handed out
/// twice while leased; ports somebody else holds are skipped; an exhausted pool says so instead
/// of throwing. Each lease starts at a random pair (a cryptographic draw), so a live call's port
/// cannot be guessed from the last one handed out; a pair freed less than <see cref="ReuseDelay"/>
/// ago is taken only when nothing else is free, so late packets of an old call do not land in a new one.
/// </summary>
public sealed class RtpPortPool
{
    private readonly Lock _gate = new();
    private readonly bool[] _leased;
    private readonly long[] _freedAt; // Stopwatch ticks of the last return; 0: never leased
    private int _inUse;

    /// <param name="bindAddress">The media address (not Any unless that is truly wanted).</param>
    /// <param name="minPort">Lowest port; rounded up to even.</param>
    /// <param name="maxPort">Highest port (the last RTCP port).</param>
    public RtpPortPool(IPAddress bindAddress, int minPort, int maxPort)
    {
        ArgumentNullException.ThrowIfNull(bindAddress);
        if (minPort % 2 != 0)
        {
            minPort++;
        }

        if (minPort < 1024 || maxPort > 65535 || maxPort < minPort + 1)
        {
            throw new ArgumentOutOfRangeException(nameof(minPort), $"port range {minPort}-{maxPort} must lie in 1024-65535 and hold at least one pair");
        }

        BindAddress = bindAddress;
        MinPort = minPort;
        MaxPort = maxPort;
        _leased = new bool[(maxPort - minPort + 1) / 2];
        _freedAt = new long[_leased.Length];
    }

    /// <summary>How long a freed pair rests before it is handed out again (unless nothing else is free).</summary>
    public TimeSpan ReuseDelay { get; init; } = TimeSpan.FromSeconds(10);

    public IPAddress BindAddress { get; }
    public int MinPort { get; }
    public int MaxPort { get; }
    /// <summary>Number of port pairs in the range.</summary>
    public int Capacity => _leased.Length;
    public int InUse { get { lock (_gate) { return _inUse; } } }

    /// <summary>Leases a pair and binds both sockets. Returns null with a reason when none is free.</summary>
    public RtpPortLease? TryLease(out string? error)
    {
        lock (_gate)
        {
            long now = System.Diagnostics.Stopwatch.GetTimestamp();
            long rested = now - (long)(ReuseDelay.TotalSeconds * System.Diagnostics.Stopwatch.Frequency);
            int start = System.Security.Cryptography.RandomNumberGenerator.GetInt32(_leased.Length);
            for (int tried = 0; tried < 2 * _leased.Length; tried++)
            {
                // First round: pairs that have rested; second round: any free pair.
                int slot = (start + tried) % _leased.Length;
                if (_leased[slot] || (tried < _leased.Length && _freedAt[slot] != 0 && _freedAt[slot] > rested))
                {
                    continue;
                }

                int port = MinPort + (2 * slot);
                var rtp = TryBind(port);
                if (rtp is null)
                {
                    continue; // held by another process: skip it, it is not ours to hand out
                }

                var rtcp = TryBind(port + 1);
                if (rtcp is null)
                {
                    rtp.Dispose();
                    continue;
                }

                _leased[slot] = true;
                _inUse++;
                error = null;
                return new RtpPortLease(this, port, rtp, rtcp);
            }

            error = $"RTP port pool {MinPort}-{MaxPort} on {BindAddress} exhausted ({_inUse} of {_leased.Length} pairs leased, the rest held by other processes)";
            return null;
        }
    }

    internal void Return(int port)
    {
        lock (_gate)
        {
            int slot = (port - MinPort) / 2;
            if (_leased[slot])
            {
                _leased[slot] = false;
                _freedAt[slot] = System.Diagnostics.Stopwatch.GetTimestamp();
                _inUse--;
            }
        }
    }

    private Socket? TryBind(int port)
    {
        var socket = new Socket(BindAddress.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(new IPEndPoint(BindAddress, port));
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }
}

/// <summary>A leased RTP/RTCP socket pair; disposing closes both and gives the port back once.</summary>
public sealed class RtpPortLease : IDisposable
{
    private readonly RtpPortPool _pool;
    private int _disposed;

    internal RtpPortLease(RtpPortPool pool, int port, Socket rtp, Socket rtcp)
    {
        _pool = pool;
        RtpPort = port;
        RtpSocket = rtp;
        RtcpSocket = rtcp;
    }

    public int RtpPort { get; }
    public int RtcpPort => RtpPort + 1;
    public Socket RtpSocket { get; }
    public Socket RtcpSocket { get; }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        RtpSocket.Dispose();
        RtcpSocket.Dispose();
        _pool.Return(RtpPort);
    }
}
