using System.Net;
using System.Net.Sockets;
using System.Text;
using Org.BouncyCastle.Tls;
using Telephony.Media.Rtp;
using Telephony.Media.Srtp;
using Telephony.Media.WebRtc.Dtls;
using Telephony.Media.WebRtc.Ice;
using Telephony.Media.WebRtc.Stun;

namespace Telephony.Testing.WebRtc;

/// <summary>
/// What a browser does on the wire to a WebRTC leg, in-process: a UDP socket, a STUN check signed with the
/// leg's password, the DTLS client handshake (BouncyCastle) and SRTP with the exported keys.
/// </summary>
public sealed class BrowserLikePeer : IDisposable
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
        byte[] request = BindingRequest(legUfrag + ":" + Ufrag, password, useCandidate);
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

    /// <summary>
    /// An answer as Chromium writes one for our audio offer: no candidates in it (c=0.0.0.0, port 9), ICE
    /// credentials unless <paramref name="ufrag"/> is empty, the DTLS fingerprint and role, BUNDLE, rtcp-mux.
    /// </summary>
    public static string AnswerSdp(string ufrag, string pwd, string fingerprint, string setup = "active") =>
        "v=0\r\no=- 4611731400430051336 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0\r\n" +
        "m=audio 9 UDP/TLS/RTP/SAVPF 0 8 101\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\n" +
        (ufrag.Length > 0 ? $"a=ice-ufrag:{ufrag}\r\na=ice-pwd:{pwd}\r\n" : "") +
        $"a=ice-options:trickle\r\na=fingerprint:{fingerprint}\r\na=setup:{setup}\r\na=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\n" +
        "a=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=ssrc:1234 cname:browser\r\n";

    /// <summary>A Binding request as a controlling full agent sends it, signed with <paramref name="password"/> (see <see cref="IceCheck"/>).</summary>
    public static byte[] BindingRequest(string username, string password, bool useCandidate = false, bool controlled = false, bool integrity = true) =>
        IceCheck.BindingRequest(username, password, useCandidate, controlled, integrity);

    /// <summary>The DTLS client handshake to <paramref name="leg"/>; throws when the server refuses.</summary>
    public void Connect(IPEndPoint leg, DtlsFingerprint expectedServer, DtlsIdentity? presenting = null)
    {
        Socket.Connect(leg);
        var client = new DtlsSrtpClient(presenting ?? Identity, expectedServer);
        new DtlsClientProtocol().Connect(client, new UdpDatagramTransport(Socket, leg));
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
}
