using System.Net;
using Telephony.Media.Rtp.Linux;
using System.Net.Sockets;

namespace Telephony.Media.Rtp;

/// <summary>
/// What shares an RTP session's one port besides RTP and RTCP (WebRTC): STUN for ICE connectivity checks
/// and DTLS for the SRTP keys. Called on the session's receive thread; must not block.
/// </summary>
public interface IRtpPortSharing
{
    /// <summary>A STUN message (first byte 0-3, RFC 7983 §7) from any source: ICE decides who it is.</summary>
    void OnStun(RtpSession session, ReadOnlySpan<byte> datagram, SocketAddress from);

    /// <summary>A DTLS record (first byte 20-63) from the ICE-selected peer (others are dropped before this).</summary>
    void OnDtls(RtpSession session, ReadOnlySpan<byte> datagram, SocketAddress from);
}

// The demultiplexer of a WebRTC session (RFC 7983 §7, RFC 5761 §4 for rtcp-mux) and the transport's ways
// out: STUN answers and DTLS records on the RTP socket, and the peer that ICE selected.
public sealed partial class RtpSession
{
    private volatile IRtpPortSharing? _transport;
    private volatile bool _rtcpMux;

    /// <summary>
    /// ICE and DTLS on this session's port (WebRTC), or null for plain RTP. With a transport the session is
    /// strict by ICE: it sends to, and takes media from, only the peer set by <see cref="SetIcePeer"/>, RTCP is
    /// multiplexed on the RTP port, and RTP is taken only as SRTP once <see cref="Protection"/> is set.
    /// Set before <see cref="Start"/>.
    /// </summary>
    public IRtpPortSharing? Transport
    {
        get => _transport;
        set
        {
            _transport = value;
            _rtcpMux = value is not null;
        }
    }

    /// <summary>
    /// The media peer that completed an ICE check with valid credentials: RTP, RTCP (multiplexed) and DTLS go
    /// there, and only its packets are taken. No learning window: ICE already proved the address.
    /// </summary>
    public void SetIcePeer(SocketAddress peer)
    {
        ArgumentNullException.ThrowIfNull(peer);
        var endPoint = (IPEndPoint)new IPEndPoint(_family == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Any : IPAddress.Any, 0).Create(peer);
        Interlocked.Exchange(ref _learningUntilTicks, 0);
        _remoteWithheld = false;
        _latched = false;
        _heardSignalled = false;
        _remoteRtcp = peer;
        _remoteRtpEndPoint = endPoint;
        _remoteRtp = peer;
    }

    /// <summary>Sends one datagram as it is (STUN answers, DTLS records) from the RTP port. Thread-safe.</summary>
    public bool SendDatagram(ReadOnlySpan<byte> datagram, SocketAddress to)
    {
        ArgumentNullException.ThrowIfNull(to);
        if (_options.ReceiveLoop is not null)
        {
            return LinuxUdp.TrySendTo(_lease.RtpSocket, datagram, to);
        }
        try
        {
            _lease.RtpSocket.SendTo(datagram, SocketFlags.None, to);
            return true;
        }
        catch (Exception e) when (e is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    // RTCP leaves from the RTP port when multiplexed (RFC 5761 §5.1.3).
    private Socket RtcpSocket => _rtcpMux ? _lease.RtpSocket : _lease.RtcpSocket;

    // True when the datagram is RTP for the ordinary path; everything else is routed or dropped here.
    private bool Demultiplex(IRtpPortSharing transport, Span<byte> datagram, SocketAddress from, long arrivalTicks)
    {
        if (datagram.IsEmpty)
        {
            Interlocked.Increment(ref _invalid);
            return false;
        }

        byte first = datagram[0];
        if (first <= 3)
        {
            transport.OnStun(this, datagram, from);
            return false;
        }

        var peer = _remoteRtp;
        if (peer is null || !peer.Equals(from))
        {
            // Before ICE has proved a source, and from anyone else after: a stranger's (strict by ICE).
            Interlocked.Increment(ref _strangerPackets);
            RtpMetrics.StrangerPackets.Add(1);
            return false;
        }

        if (first is >= 20 and <= 63)
        {
            transport.OnDtls(this, datagram, from);
            return false;
        }

        if (first is < 128 or > 191)
        {
            Interlocked.Increment(ref _invalid);
            return false;
        }

        if (_protection is null)
        {
            // Media before the DTLS handshake gave keys cannot be authenticated: never played. Counted, not
            // logged: a browser sends as soon as its side of the handshake ends, a moment before ours does.
            Interlocked.Increment(ref _unauthenticated);
            RtpMetrics.UnauthenticatedPackets.Add(1);
            return false;
        }

        // RFC 5761 §4: packet types 192-223 (SR 200, RR 201, SDES, BYE, APP, RTPFB, PSFB, XR) are RTCP.
        if (datagram.Length >= 2 && datagram[1] is >= 192 and <= 223)
        {
            ProcessRtcp(datagram, from, arrivalTicks);
            return false;
        }

        return true;
    }
}
