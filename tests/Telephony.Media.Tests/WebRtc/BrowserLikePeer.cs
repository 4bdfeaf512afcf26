using Org.BouncyCastle.Tls;
using Telephony.Media.Srtp;
using Telephony.Media.WebRtc.Dtls;
using Telephony.Media.WebRtc.Stun;

namespace Telephony.Media.Tests.WebRtc;

/// <summary>
/// What a browser does on the wire to a WebRTC leg, in-process: a UDP socket, a STUN check signed with the
/// leg's password, the DTLS client handshake (BouncyCastle) and SRTP with the exported keys.
/// </summary>
internal sealed class BrowserLikePeer : IDisposable
{
    public const string Ufrag = "brws";

    public BrowserLikePeer()
    {
        Socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        Socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
    }

    public Socket Socket { get; }
    public DtlsIdentity Identity { get; } = DtlsIdentity.Create("browser");
    public SrtpProtection? Protection { get; private set; }

    /// <summary>Sends one Binding request and returns the answer's type (0 when none came within a second).</summary>
    public ushort Check(IPEndPoint leg, string legUfrag, string password, bool useCandidate = true)
    {
        byte[] request = IceLiteResponderTests.Check(legUfrag + ":" + Ufrag, password, useCandidate);
        Socket.SendTo(request, leg);
        var buffer = new byte[1500];
        Socket.ReceiveTimeout = 1000;
        try
        {
            int n = Socket.Receive(buffer);
            return StunMessage.TryParse(buffer.AsSpan(0, n), out var m) == StunParseError.None ? m.Type : (ushort)0;
        }
        catch (SocketException)
        {
            return 0;
        }
    }

    /// <summary>The DTLS client handshake to <paramref name="leg"/>; throws when the server refuses.</summary>
    public void Connect(IPEndPoint leg, DtlsFingerprint expectedServer)
    {
        Socket.Connect(leg);
        var client = new DtlsSrtpClient(Identity, expectedServer);
        new DtlsClientProtocol().Connect(client, new SocketTransport(Socket));
        Protection = client.Keys!.CreateProtection(server: false);
    }

    /// <summary>One SRTP packet of PCMU silence with <paramref name="sequence"/>.</summary>
    public byte[] Srtp(ushort sequence, byte fill = 0xFF)
    {
        var buffer = new byte[256];
        var header = new RtpHeader { PayloadType = 0, SequenceNumber = sequence, Timestamp = sequence * 160u, Ssrc = 0x5eed };
        var payload = new byte[160];
        payload.AsSpan().Fill(fill);
        int n = RtpWriter.Write(buffer, header, payload);
        n = Protection!.Local.ProtectRtp(buffer, n);
        return buffer.AsSpan(0, n).ToArray();
    }

    public void Dispose() => Socket.Dispose();

    private sealed class SocketTransport(Socket socket) : DatagramTransport
    {
        public int GetReceiveLimit() => 1500;
        public int GetSendLimit() => 1200;
        public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);
        public int Receive(Span<byte> buffer, int waitMillis)
        {
            socket.ReceiveTimeout = Math.Max(waitMillis, 1);
            try
            {
                return socket.Receive(buffer);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut || e.SocketErrorCode == SocketError.WouldBlock)
            {
                return -1;
            }
        }
        public void Send(byte[] buf, int off, int len) => socket.Send(buf, off, len, SocketFlags.None);
        public void Send(ReadOnlySpan<byte> buffer) => socket.Send(buffer);
        public void Close() { }
    }
}
