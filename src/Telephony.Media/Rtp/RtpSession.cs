using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telephony.Media.Ports;
using Telephony.Media.Rtcp;
using Telephony.Media.Rtp.Linux;
using Telephony.Media.Srtp;

namespace Telephony.Media.Rtp;

/// <summary>Receives each valid RTP packet of a session, on that session's receive loop.</summary>
public interface IRtpPacketHandler
{
    /// <param name="session">The session the packet arrived on.</param>
    /// <param name="packet">The whole packet; the handler may rewrite it in place. Valid only during the call.</param>
    /// <param name="arrivalTicks">Arrival time (<see cref="Stopwatch.GetTimestamp"/>).</param>
    void OnRtpPacket(RtpSession session, Span<byte> packet, long arrivalTicks);
}

/// <summary>Settings of one RTP session.</summary>
public sealed class RtpSessionOptions
{
    /// <summary>RTP clock rate of the stream (for jitter and SR timestamps).</summary>
    public int ClockRate { get; init; } = 8000;
    /// <summary>
    /// Symmetric RTP (RFC 4961 / "comedia") for peers behind NAT: after this many packets in
    /// sequence, with one SSRC, from one source that is not the SDP's address, send there instead,
    /// but only within <see cref="LearningWindow"/> and only while the SDP's address has sent
    /// nothing. 0 turns latching off.
    /// </summary>
    public int LatchAfterPackets { get; init; } = 3;
    /// <summary>
    /// Strict RTP: how long after each offer/answer (<see cref="RtpSession.SetRemote"/>) a new source
    /// may be learned. Outside it, and once the signalled peer has been heard, packets from any other
    /// source are dropped and counted (<see cref="RtpStreamStatistics.StrangerPackets"/>): a host that
    /// guesses the port can neither hear the call nor speak into it or its recording.
    /// </summary>
    public TimeSpan LearningWindow { get; init; } = TimeSpan.FromSeconds(3);
    /// <summary>RTCP CNAME (RFC 3550 §6.5.1).</summary>
    public string CName { get; init; } = "telephony@" + Environment.MachineName;
    /// <summary>Logs go here, with the call's scope around them by the caller.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
    /// <summary>
    /// The node's receive loop (64-bit Linux): when set, the session's sockets are read by the
    /// loop's threads with batched system calls and sent to with plain sendto(2), instead of one
    /// async receive per socket on .NET's socket engine.
    /// </summary>
    public RtpReceiveLoop? ReceiveLoop { get; init; }
}

/// <summary>
/// Quality figures of one RTP session, for CDRs, the wallboard and metrics. With SRTP
/// (<see cref="Secure"/>) every received packet counted was authenticated; those that were not are
/// <see cref="UnauthenticatedPackets"/> (bad tag, replay, plain RTP, or not RTP at all).
/// </summary>
public readonly record struct RtpStreamStatistics(
    long PacketsReceived,
    long OctetsReceived,
    long PacketsSent,
    long OctetsSent,
    long PacketsLost,
    double JitterMilliseconds,
    DateTimeOffset? LastArrival,
    uint? RemoteSsrc,
    IPEndPoint? RemoteEndPoint,
    bool Latched,
    long InvalidPackets,
    double? RoundTripMilliseconds,
    double? RemoteFractionLost,
    double? RemoteJitterMilliseconds,
    long StrangerPackets = 0,
    bool Secure = false,
    long UnauthenticatedPackets = 0);

/// <summary>
/// One RTP session (RFC 3550) on a leased port pair: receive loops with one pooled buffer each
/// and <see cref="SocketAddress"/> receives (no allocation per packet), symmetric RTP latching,
/// reception statistics and RTCP SR/RR. Sending is synchronous and thread-safe.
/// </summary>
public sealed partial class RtpSession : IAsyncDisposable
{
    private readonly RtpPortLease _lease;
    private readonly RtpSessionOptions _options;
    private readonly ILogger _log;
    private readonly CancellationTokenSource _stop = new();
    private readonly ReceptionStatistics _reception;
    private readonly AddressFamily _family;
    private readonly byte[] _rtcpOut = new byte[512];
    // SRTP: the packet being protected (a sender's buffer is not ours to grow), made with the first protected packet
    // (most legs are plain RTP: 2 KB less per call); guarded by _protectGate.
    private readonly Lock _protectGate = new();
    private byte[]? _protectOut;
    private volatile SrtpProtection? _protection;
    private long _unauthenticated;
    private int _unauthenticatedLogged;

    private volatile SocketAddress? _remoteRtp;
    private volatile SocketAddress? _remoteRtcp;
    private volatile IPEndPoint? _remoteRtpEndPoint;
    private volatile bool _latched;
    private volatile bool _remoteWithheld;
    private SocketAddress? _candidate;
    private uint _candidateSsrc;
    private ushort _candidateSequence;
    private int _candidateCount;
    private long _learningUntilTicks;   // Stopwatch ticks; a source may be learned before this
    private volatile bool _heardSignalled; // the SDP's address has sent since the last offer/answer
    private long _strangerPackets;
    private SocketAddress? _rtcpCandidate;

    private long _packetsReceived;
    private long _octetsReceived;
    private long _packetsSent;
    private long _octetsSent;
    private long _invalid;
    private long _sendErrors;
    private long _lastArrivalTicks;
    private uint _lastSentTimestamp;
    private long _lastSentTicks;
    private int _lastSentSequence = -1;
    private long _packetsSentAtLastReport;
    private double _rttMs = double.NaN;
    private RtcpReportBlock? _remoteReport;

    private Task? _rtpLoop;
    private Task? _rtcpLoop;
    private RtpReceiveLoop.Registration? _rtpRegistration;
    private RtpReceiveLoop.Registration? _rtcpRegistration;
    private volatile IRtpPacketHandler? _handler;

    /// <summary>The longest RTP packet sent with SRTP (plain packet and tag); longer ones are not sent.</summary>
    private const int MaxProtectedPacket = 2048;

    private RtpSession(RtpPortLease lease, RtpSessionOptions options)
    {
        _lease = lease;
        _options = options;
        _log = options.Logger;
        _reception = new ReceptionStatistics(options.ClockRate);
        _family = lease.RtpSocket.AddressFamily;
        LocalRtpEndPoint = (IPEndPoint)lease.RtpSocket.LocalEndPoint!;
        LocalRtcpEndPoint = (IPEndPoint)lease.RtcpSocket.LocalEndPoint!;
        LocalSsrc = (uint)Random.Shared.NextInt64(1, uint.MaxValue);
    }

    /// <summary>Leases a port pair and opens a session (not yet receiving: call <see cref="Start"/>).</summary>
    public static RtpSession? TryOpen(RtpPortPool pool, RtpSessionOptions options, out string? error)
    {
        ArgumentNullException.ThrowIfNull(pool);
        ArgumentNullException.ThrowIfNull(options);
        var lease = pool.TryLease(out error);
        if (lease is null)
        {
            RtpMetrics.PortPoolExhausted.Add(1);
            RtpLog.NotOpened(options.Logger, error);
            return null;
        }

        RtpMetrics.ActiveSessions.Add(1);
        return new RtpSession(lease, options);
    }

    public IPEndPoint LocalRtpEndPoint { get; }
    public IPEndPoint LocalRtcpEndPoint { get; }
    /// <summary>SSRC of everything this session sends (RFC 3550 §8: random).</summary>
    public uint LocalSsrc { get; }
    /// <summary>Where RTP goes now: the SDP address, or the latched source.</summary>
    public IPEndPoint? RemoteRtpEndPoint => _remoteRtpEndPoint;
    public ReceptionStatistics Reception => _reception;

    /// <summary>Gets each received packet; set before <see cref="Start"/> or swap at any time.</summary>
    public IRtpPacketHandler? Handler
    {
        get => _handler;
        set => _handler = value;
    }

    /// <summary>
    /// SRTP for this session (RFC 3711), or null for plain RTP: every RTP and RTCP packet sent is protected
    /// with <see cref="SrtpProtection.Local"/> after it is built, and every one received is authenticated and
    /// decrypted with <see cref="SrtpProtection.Remote"/> before anything else looks at it (strict RTP,
    /// statistics, handlers, bridges and recorders see plain RTP); failures are dropped and counted
    /// (<see cref="RtpStreamStatistics.UnauthenticatedPackets"/>, metric telephony.rtp.packets.unauthenticated).
    /// Set it when the keys are agreed (SDES answer, DTLS handshake); the session disposes it with itself.
    /// </summary>
    public SrtpProtection? Protection
    {
        get => _protection;
        set => _protection = value;
    }

    /// <summary>
    /// Sets the peer's address from SDP (call setup or re-INVITE). A null RTP address (c=0.0.0.0)
    /// stops sending. Clears any latch: a new offer/answer is a fresh start.
    /// </summary>
    public bool SetRemote(IPEndPoint? rtp, IPEndPoint? rtcp = null)
    {
        if ((rtp is not null && rtp.AddressFamily != _family) || (rtcp is not null && rtcp.AddressFamily != _family))
        {
            RtpLog.OtherAddressFamily(_log, LocalRtpEndPoint, rtp);
            return false;
        }

        _remoteRtpEndPoint = rtp;
        _remoteRtp = rtp?.Serialize();
        _remoteWithheld = rtp is null; // c=0.0.0.0: the peer asked for no media; do not latch either
        _remoteRtcp = (rtcp ?? (rtp is null ? null : new IPEndPoint(rtp.Address, rtp.Port + 1)))?.Serialize();
        _latched = false;
        _heardSignalled = false;
        _candidateCount = 0;
        Interlocked.Exchange(ref _learningUntilTicks, Stopwatch.GetTimestamp() + (long)(_options.LearningWindow.TotalSeconds * Stopwatch.Frequency));
        return true;
    }

    /// <summary>Starts the receive loops.</summary>
    public void Start()
    {
        if (_rtpLoop is not null || _rtpRegistration is not null)
        {
            return;
        }

        if (_options.ReceiveLoop is { } loop)
        {
            int thread = loop.PickThread();
            _rtpRegistration = loop.Register(thread, _lease.RtpSocket, new RtpChannel(this));
            _rtcpRegistration = loop.Register(thread, _lease.RtcpSocket, new RtcpChannel(this));
            return;
        }

        _rtpLoop = Task.Run(() => ReceiveAsync(_lease.RtpSocket, rtp: true, _stop.Token));
        _rtcpLoop = Task.Run(() => ReceiveAsync(_lease.RtcpSocket, rtp: false, _stop.Token));
    }

    /// <summary>
    /// Sends one RTP packet (already carrying our SSRC) to the current remote. Returns false when
    /// there is nowhere to send or the socket refused. Thread-safe; allocates nothing.
    /// </summary>
    public bool Send(ReadOnlySpan<byte> packet)
    {
        var remote = _remoteRtp;
        if (remote is null)
        {
            return false;
        }

        if (_protection is { } protection)
        {
            return SendProtected(protection.Local, packet, remote);
        }

        if (_transport is not null)
        {
            return false; // a WebRTC session sends nothing in clear: no keys yet, no media
        }

        return SendPlain(packet, packet, remote);
    }

    // The packet is protected in the session's own buffer (the sender's may have no room for the tag),
    // under a lock: the context's rollover counter and the buffer are shared by the clock and the relay.
    private bool SendProtected(SrtpContext context, ReadOnlySpan<byte> packet, SocketAddress remote)
    {
        if (packet.Length < RtpPacket.FixedHeaderLength || packet.Length + context.Suite.RtpOverhead() > MaxProtectedPacket)
        {
            Interlocked.Increment(ref _sendErrors);
            return false;
        }

        lock (_protectGate)
        {
            var buffer = _protectOut ??= new byte[MaxProtectedPacket];
            packet.CopyTo(buffer);
            int n = context.ProtectRtp(buffer, packet.Length);
            return SendPlain(buffer.AsSpan(0, n), buffer.AsSpan(0, packet.Length), remote);
        }
    }

    // Sends the datagram; the figures are taken from the RTP packet it carries (the same bytes, or the
    // plain packet before protection: the header stays clear either way).
    private bool SendPlain(ReadOnlySpan<byte> datagram, ReadOnlySpan<byte> packet, SocketAddress remote)
    {
        if (_options.ReceiveLoop is not null)
        {
            // The loop's sessions skip Socket.SendTo's checks and bookkeeping: one sendto(2).
            if (!LinuxUdp.TrySendTo(_lease.RtpSocket, datagram, remote))
            {
                Interlocked.Increment(ref _sendErrors);
                return false;
            }
        }
        else
        {
            try
            {
                _lease.RtpSocket.SendTo(datagram, SocketFlags.None, remote);
            }
            catch (SocketException)
            {
                Interlocked.Increment(ref _sendErrors);
                return false;
            }
            catch (ObjectDisposedException)
            {
                return false;
            }
        }

        Interlocked.Increment(ref _packetsSent);
        Interlocked.Add(ref _octetsSent, Math.Max(0, packet.Length - RtpPacket.FixedHeaderLength));
        if (packet.Length >= RtpPacket.FixedHeaderLength)
        {
            _lastSentTimestamp = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
            _lastSentTicks = Stopwatch.GetTimestamp();
            Volatile.Write(ref _lastSentSequence, System.Buffers.Binary.BinaryPrimitives.ReadUInt16BigEndian(packet[2..]));
        }

        return true;
    }

    /// <summary>
    /// Sends a compound RTCP report: SR when we sent RTP since the last report, else RR, with a
    /// report block about the peer when it is a valid source, plus SDES CNAME (RFC 3550 §6.4, §6.1).
    /// Called by <see cref="RtcpReporter"/> from the media clock.
    /// </summary>
    public bool SendRtcpReport()
    {
        var remote = _remoteRtcp;
        if (remote is null)
        {
            return false;
        }

        long now = Stopwatch.GetTimestamp();
        RtcpSenderInfo? sender = null;
        long sent = Interlocked.Read(ref _packetsSent);
        if (sent != _packetsSentAtLastReport)
        {
            // The RTP timestamp of "now" extrapolated from the last packet sent (§6.4.1).
            uint rtpNow = _lastSentTimestamp + (uint)((now - _lastSentTicks) * _options.ClockRate / Stopwatch.Frequency);
            sender = new RtcpSenderInfo(RtcpWriter.ToNtp(_options.TimeProvider.GetUtcNow()), rtpNow, (uint)sent,
                (uint)Interlocked.Read(ref _octetsSent));
            _packetsSentAtLastReport = sent;
        }

        lock (_rtcpOut)
        {
            int n = RtcpWriter.WriteReport(_rtcpOut, LocalSsrc, sender, _reception.CreateReportBlock(now));
            n += RtcpWriter.WriteSdesCname(_rtcpOut.AsSpan(n), LocalSsrc, _options.CName);
            if (_protection is { } protection)
            {
                n = protection.Local.ProtectRtcp(_rtcpOut, n);
            }
            else if (_transport is not null)
            {
                return false;
            }
            try
            {
                RtcpSocket.SendTo(_rtcpOut.AsSpan(0, n), SocketFlags.None, remote);
                return true;
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException)
            {
                return false;
            }
        }
    }

    /// <summary>
    /// The sequence number, timestamp and send time of the last packet this session sent, so
    /// whoever sends next (player, bridge) continues the one outgoing stream without a jump.
    /// False before anything was sent.
    /// </summary>
    public bool TryGetLastSent(out ushort sequence, out uint timestamp, out long sentTicks)
    {
        int seq = Volatile.Read(ref _lastSentSequence);
        sequence = (ushort)Math.Max(seq, 0);
        timestamp = _lastSentTimestamp;
        sentTicks = _lastSentTicks;
        return seq >= 0;
    }

    public RtpStreamStatistics GetStatistics()
    {
        long last = Interlocked.Read(ref _lastArrivalTicks);
        DateTimeOffset? lastArrival = last == 0
            ? null
            : _options.TimeProvider.GetUtcNow() - Stopwatch.GetElapsedTime(last);
        var report = _remoteReport;
        double rtt = _rttMs;
        return new RtpStreamStatistics(
            Interlocked.Read(ref _packetsReceived), Interlocked.Read(ref _octetsReceived),
            Interlocked.Read(ref _packetsSent), Interlocked.Read(ref _octetsSent),
            _reception.CumulativeLost, _reception.Jitter * 1000.0 / _options.ClockRate, lastArrival,
            _reception.Ssrc, _remoteRtpEndPoint, _latched, Interlocked.Read(ref _invalid),
            double.IsNaN(rtt) ? null : rtt,
            report?.FractionLostRatio, report is { } r ? r.Jitter * 1000.0 / _options.ClockRate : null,
            Interlocked.Read(ref _strangerPackets), _protection is not null, Interlocked.Read(ref _unauthenticated));
    }

    /// <summary>Handles one received datagram (the receive loop calls this; tests and benchmarks may too).</summary>
    internal void ProcessRtp(Span<byte> datagram, SocketAddress from, long arrivalTicks)
    {
        // A WebRTC session shares the port with STUN and DTLS (RFC 7983); plain RTP pays one null check.
        if (_transport is { } transport && !Demultiplex(transport, datagram, from, arrivalTicks))
        {
            return;
        }

        if (!Unprotect(ref datagram, rtp: true))
        {
            return;
        }

        if (!RtpPacket.TryParse(datagram, out var packet))
        {
            Interlocked.Increment(ref _invalid);
            RtpMetrics.InvalidPackets.Add(1);
            return;
        }

        if (!Admit(from, packet.Ssrc, packet.SequenceNumber, arrivalTicks))
        {
            Interlocked.Increment(ref _strangerPackets);
            RtpMetrics.StrangerPackets.Add(1);
            return;
        }

        RtpMetrics.PacketsReceived.Add(1);
        Interlocked.Increment(ref _packetsReceived);
        Interlocked.Add(ref _octetsReceived, packet.PayloadLength);
        Interlocked.Exchange(ref _lastArrivalTicks, arrivalTicks);
        _reception.OnPacket(packet.Ssrc, packet.SequenceNumber, packet.Timestamp, arrivalTicks);

        var handler = _handler;
        if (handler is null)
        {
            return;
        }

        try
        {
            handler.OnRtpPacket(this, datagram, arrivalTicks);
        }
#pragma warning disable CA1031 // a faulty consumer must not stop the call's media
        catch (Exception e)
#pragma warning restore CA1031
        {
            RtpLog.HandlerFailed(_log, e, LocalRtpEndPoint);
        }
    }

    // Strict RTP (the behaviour Asterisk calls strictrtp, with its learning window): packets count
    // only from the peer's address. Before an offer/answer there is no such address and everything
    // counts; with c=0.0.0.0 (hold) nothing is sent and nothing learned. A peer behind NAT sends from
    // an address its SDP does not know: while the signalled address is silent and the learning window
    // after the offer/answer is open, a new source that sends LatchAfterPackets packets in sequence
    // with one SSRC becomes the peer (symmetric RTP, RFC 4961). Everything else is a stranger's.
    private bool Admit(SocketAddress from, uint ssrc, ushort sequence, long arrivalTicks)
    {
        var current = _remoteRtp;
        if (current is null)
        {
            return true;
        }

        if (current.Equals(from))
        {
            if (!_heardSignalled)
            {
                _heardSignalled = true; // once per offer/answer, not a volatile write per packet
                _candidateCount = 0;
            }
            return true;
        }

        int threshold = _options.LatchAfterPackets;
        if (threshold <= 0 || _remoteWithheld || _heardSignalled || arrivalTicks > Interlocked.Read(ref _learningUntilTicks))
        {
            return false;
        }

        if (_candidateCount > 0 && _candidate!.Equals(from) && _candidateSsrc == ssrc && sequence == (ushort)(_candidateSequence + 1))
        {
            _candidateCount++;
        }
        else
        {
            _candidate ??= new SocketAddress(_family);
            Copy(from, _candidate);
            _candidateSsrc = ssrc;
            _candidateCount = 1;
        }

        _candidateSequence = sequence;
        if (_candidateCount < threshold)
        {
            return false;
        }

        var latched = new SocketAddress(_family);
        Copy(from, latched);
        var endPoint = (IPEndPoint)new IPEndPoint(_family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0).Create(latched);
        _remoteRtp = latched;
        _remoteRtpEndPoint = endPoint;
        _latched = true;
        _candidateCount = 0;
        RtpLog.Latched(_log, LocalRtpEndPoint, endPoint);
        return true;
    }

    // SRTP first (RFC 3711 §3.3): an unauthenticated packet must not move the latch, the statistics or
    // the replay state. Without protection the datagram passes as it is; with it, it becomes the plain packet.
    private bool Unprotect(ref Span<byte> datagram, bool rtp)
    {
        if (_protection is not { } protection)
        {
            return true;
        }
        var status = rtp
            ? protection.Remote.UnprotectRtp(datagram, datagram.Length, out int plain)
            : protection.Remote.UnprotectRtcp(datagram, datagram.Length, out plain);
        if (status != SrtpStatus.Ok)
        {
            Unauthenticated(status, rtp);
            return false;
        }
        datagram = datagram[..plain];
        return true;
    }

    // One log line per session; the counters and the metric tell the rest.
    private void Unauthenticated(SrtpStatus status, bool rtp)
    {
        Interlocked.Increment(ref _unauthenticated);
        RtpMetrics.UnauthenticatedPackets.Add(1);
        if (Interlocked.Exchange(ref _unauthenticatedLogged, 1) == 0)
        {
            RtpLog.SrtpRefused(_log, LocalRtpEndPoint, rtp ? "RTP" : "RTCP", status);
        }
    }

    private void ProcessRtcp(Span<byte> datagram, SocketAddress from, long arrivalTicks)
    {
        if (!Unprotect(ref datagram, rtp: false))
        {
            return;
        }

        // Strict RTP for RTCP too: reports count only from the peer's host (or the signalled RTCP host).
        if (_remoteRtp is { } peer && !SameHost(peer, from) && (_remoteRtcp is null || !SameHost(_remoteRtcp, from)))
        {
            Interlocked.Increment(ref _strangerPackets);
            RtpMetrics.StrangerPackets.Add(1);
            return;
        }

        if (!RtcpWriter.TryReadCompound(datagram, LocalSsrc, out var info))
        {
            Interlocked.Increment(ref _invalid);
            return;
        }

        if (info.HasSenderInfo)
        {
            _reception.OnSenderReport(info.SenderInfo, arrivalTicks);
        }

        if (info.HasReportAboutUs)
        {
            var block = info.ReportAboutUs;
            _remoteReport = block;
            if (block.LastSenderReport != 0)
            {
                // RTT = A - LSR - DLSR in 1/65536 s (§6.4.1).
                uint a = (uint)(RtcpWriter.ToNtp(_options.TimeProvider.GetUtcNow()) >> 16);
                uint rtt = a - block.LastSenderReport - block.DelaySinceLastSenderReport;
                if (rtt < 65536 * 10)
                {
                    _rttMs = rtt * 1000.0 / 65536;
                }
            }
        }

        // Symmetric RTCP: answer reports where they really come from once RTP has latched, but only
        // from the host RTP latched to (a stranger's report must not move our reports, nor feed our figures).
        if (_latched && (_remoteRtcp is null || !_remoteRtcp.Equals(from)) && _remoteRtp is { } rtpPeer && SameHost(rtpPeer, from))
        {
            _rtcpCandidate ??= new SocketAddress(_family);
            Copy(from, _rtcpCandidate);
            _remoteRtcp = _rtcpCandidate;
            _rtcpCandidate = null;
        }
    }

    // The address part of two socket addresses of this session's family (ports may differ).
    private static bool SameHost(SocketAddress a, SocketAddress b)
    {
        if (a.Family != b.Family)
        {
            return false;
        }
        // sockaddr_in: the IPv4 address at bytes 4..7; sockaddr_in6: the IPv6 address at 8..23.
        var range = a.Family == AddressFamily.InterNetworkV6 ? new Range(8, 24) : new Range(4, 8);
        return a.Buffer.Span[range].SequenceEqual(b.Buffer.Span[range]);
    }

    private static void Copy(SocketAddress from, SocketAddress to)
    {
        from.Buffer.Span[..from.Size].CopyTo(to.Buffer.Span);
        to.Size = from.Size;
    }

    /// <summary>The async receive loop of one socket (used where the Linux receive loop is not).</summary>
    private async Task ReceiveAsync(Socket socket, bool rtp, CancellationToken ct)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(rtp ? 2048 : 1500);
        var from = new SocketAddress(_family);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                int n;
                try
                {
                    n = await socket.ReceiveFromAsync(buffer, SocketFlags.None, from, ct).ConfigureAwait(false);
                }
                catch (SocketException e) when (!ct.IsCancellationRequested)
                {
                    // e.g. ICMP-reported errors on some platforms: the socket is still usable.
                    if (rtp) RtpLog.ReceiveFailed(_log, e, LocalRtpEndPoint);
                    continue;
                }

                if (rtp) ProcessRtp(buffer.AsSpan(0, n), from, Stopwatch.GetTimestamp());
                else ProcessRtcp(buffer.AsSpan(0, n), from, Stopwatch.GetTimestamp());
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
            // the session is closing
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Sends an RTCP BYE (when a remote is known), stops the loops and returns the ports.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        if (_remoteRtcp is { } remote && (_transport is null || _protection is not null))
        {
            lock (_rtcpOut)
            {
                int n = RtcpWriter.WriteBye(_rtcpOut, LocalSsrc);
                if (_protection is { } protection)
                {
                    n = protection.Local.ProtectRtcp(_rtcpOut, n);
                }
                try
                {
                    RtcpSocket.SendTo(_rtcpOut.AsSpan(0, n), SocketFlags.None, remote);
                }
                catch (SocketException)
                {
                    // best effort
                }
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        // Out of the receive loop before the sockets close (their descriptors could be reused). Both removals
        // are asked for before either is awaited, so the loop thread drops the pair in one wake-up.
        var rtpRemoved = _rtpRegistration?.DisposeAsync() ?? ValueTask.CompletedTask;
        var rtcpRemoved = _rtcpRegistration?.DisposeAsync() ?? ValueTask.CompletedTask;
        await rtpRemoved.ConfigureAwait(false);
        await rtcpRemoved.ConfigureAwait(false);

        _lease.Dispose();
        RtpMetrics.ActiveSessions.Add(-1);
        foreach (var loop in new[] { _rtpLoop, _rtcpLoop })
        {
            if (loop is not null)
            {
                await loop.ConfigureAwait(false);
            }
        }

        _stop.Dispose();
        // Nothing receives or sends any more: the keys can go.
        Interlocked.Exchange(ref _protection, null)?.Dispose();
    }

    /// <summary>The RTP socket's datagrams from the receive loop.</summary>
    private sealed class RtpChannel(RtpSession session) : IDatagramHandler
    {
        public void OnDatagram(Span<byte> datagram, SocketAddress from, long arrivalTicks) => session.ProcessRtp(datagram, from, arrivalTicks);
    }

    /// <summary>The RTCP socket's datagrams from the receive loop.</summary>
    private sealed class RtcpChannel(RtpSession session) : IDatagramHandler
    {
        public void OnDatagram(Span<byte> datagram, SocketAddress from, long arrivalTicks) => session.ProcessRtcp(datagram, from, arrivalTicks);
    }
}
