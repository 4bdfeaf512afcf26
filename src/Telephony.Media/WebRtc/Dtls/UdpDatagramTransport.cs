using System.Net;
using System.Net.Sockets;
using Org.BouncyCastle.Tls;

namespace Telephony.Media.WebRtc.Dtls;

/// <summary>
/// BouncyCastle's blocking <see cref="DatagramTransport"/> straight over a UDP socket, to one peer: the
/// browser-like side of a handshake (tests, the load generator's DTLS-SRTP legs). Datagrams from any other
/// source are skipped, so a socket shared by many legs can run their handshakes one after the other.
/// </summary>
public sealed class UdpDatagramTransport(Socket socket, IPEndPoint peer) : DatagramTransport
{
    private readonly Socket _socket = socket ?? throw new ArgumentNullException(nameof(socket));
    private readonly IPEndPoint _peer = peer ?? throw new ArgumentNullException(nameof(peer));
    private readonly SocketAddress _peerAddress = peer.Serialize();

    public int GetReceiveLimit() => 1500;

    // IPv4 minimum path MTU minus headers, as DtlsDatagramChannel uses.
    public int GetSendLimit() => 1200;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        var until = Environment.TickCount64 + Math.Max(waitMillis, 1);
        var from = new SocketAddress(_peer.AddressFamily);
        while (true)
        {
            long left = until - Environment.TickCount64;
            if (left <= 0)
            {
                return -1;
            }

            _socket.ReceiveTimeout = (int)left;
            int n;
            try
            {
                n = _socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
                return -1;
            }

            // Only DTLS records from the peer (RFC 7983 §7: first byte 20-63); a STUN answer or another leg's
            // datagram is not the handshake's.
            if (from.Equals(_peerAddress) && n > 0 && buffer[0] is >= 20 and <= 63)
            {
                return n;
            }
        }
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer) => _socket.SendTo(buffer, SocketFlags.None, _peer);

    public void Close()
    {
    }
}
