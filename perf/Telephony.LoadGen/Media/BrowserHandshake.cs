using System.Net;
using System.Net.Sockets;
using Org.BouncyCastle.Tls;
using Telephony.Media.Srtp;
using Telephony.Media.WebRtc.Dtls;
using Telephony.Media.WebRtc.Ice;
using Telephony.Media.WebRtc.Stun;

namespace Telephony.LoadGen.Media;

/// <summary>
/// What a browser does before its first audio packet, from a generator socket to one relay leg: a STUN
/// Binding request signed with the leg's ICE password and nominating the pair (RFC 8445 §7.2.2, with
/// MESSAGE-INTEGRITY and FINGERPRINT, RFC 8489), then the DTLS client handshake on BouncyCastle that checks
/// the node's certificate against its fingerprint and exports the SRTP keys (RFC 5764 §4.2). Run before the
/// generator's receive threads start, one leg after the other, so the socket's datagrams are this leg's.
/// </summary>
internal static class BrowserHandshake
{
    /// <summary>The browser side's ICE username fragment (the relay is told it on its command line).</summary>
    public const string Ufrag = "load";

    public static SrtpProtection Connect(Socket socket, IPEndPoint leg, string legUfrag, string legPassword, DtlsIdentity identity, DtlsFingerprint node)
    {
        Check(socket, leg, legUfrag, legPassword);
        var client = new DtlsSrtpClient(identity, node);
        new DtlsClientProtocol().Connect(client, new UdpDatagramTransport(socket, leg));
        return client.Keys!.CreateProtection(server: false);
    }

    private static void Check(Socket socket, IPEndPoint leg, string legUfrag, string legPassword)
    {
        byte[] request = IceCheck.BindingRequest(legUfrag + ":" + Ufrag, legPassword, useCandidate: true);
        var buffer = new byte[1500];
        var from = new SocketAddress(leg.AddressFamily);
        var legAddress = leg.Serialize();
        for (int attempt = 0; attempt < 5; attempt++)
        {
            socket.SendTo(request, leg);
            socket.ReceiveTimeout = 500;
            try
            {
                while (true)
                {
                    int n = socket.ReceiveFrom(buffer, SocketFlags.None, from);
                    if (from.Equals(legAddress) && StunMessage.TryParse(buffer.AsSpan(0, n), out var answer) == StunParseError.None)
                    {
                        if (answer.Type != StunMessageType.BindingSuccess)
                        {
                            throw new InvalidOperationException($"relay leg {leg} refused the ICE check (STUN type 0x{answer.Type:x4})");
                        }

                        return;
                    }
                }
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
            {
                // Lost or slow: check again, as a browser retransmits (RFC 8489 §6.2.1).
            }
        }

        throw new TimeoutException($"relay leg {leg} answered no ICE check");
    }
}
