using System.Globalization;
using System.Net;
using System.Text;

namespace Telephony.LoadGen.Setups;

/// <summary>
/// The caller's side of a call written out as text, the way SIPp's uac scenario does it: an INVITE with
/// a G.711 + telephone-event offer, the ACK (for a 2xx a new transaction, RFC 3261 §13.2.2.4; for a
/// non-2xx part of the INVITE transaction, §17.1.1.3), the BYE, and 200 OK to requests from the server.
/// </summary>
internal static class SetupMessages
{
    public static byte[] Invite(SetupCall call, IPEndPoint local, IPEndPoint server, string number, int rtpPort)
    {
        string sdp = string.Create(CultureInfo.InvariantCulture,
            $"v=0\r\no=lg {call.Index} 1 IN IP4 {local.Address}\r\ns=-\r\nc=IN IP4 {local.Address}\r\nt=0 0\r\nm=audio {rtpPort} RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-16\r\na=ptime:20\r\na=sendrecv\r\n");
        return Ascii(string.Create(CultureInfo.InvariantCulture,
            $"INVITE sip:{number}@{server} SIP/2.0\r\nVia: SIP/2.0/UDP {local};branch={call.InviteBranch};rport\r\nMax-Forwards: 70\r\nFrom: <sip:{call.Caller}@{local.Address}>;tag={call.FromTag}\r\nTo: <sip:{number}@{server.Address}>\r\nCall-ID: {call.CallId}\r\nCSeq: 1 INVITE\r\nContact: <sip:{call.Caller}@{local}>\r\nUser-Agent: Telephony-LoadGen\r\nContent-Type: application/sdp\r\nContent-Length: {sdp.Length}\r\n\r\n{sdp}"));
    }

    /// <summary>ACK for a 2xx: to the remote target, a new branch.</summary>
    public static byte[] AckFor2xx(SetupCall call, IPEndPoint local, string number, IPEndPoint server) => Ascii(string.Create(CultureInfo.InvariantCulture,
        $"ACK {call.RemoteTarget} SIP/2.0\r\nVia: SIP/2.0/UDP {local};branch={call.InviteBranch}a;rport\r\nMax-Forwards: 70\r\n{call.Routes}From: <sip:{call.Caller}@{local.Address}>;tag={call.FromTag}\r\nTo: <sip:{number}@{server.Address}>;tag={call.ToTag}\r\nCall-ID: {call.CallId}\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n"));

    /// <summary>ACK for a non-2xx final response: the INVITE's Request-URI and branch.</summary>
    public static byte[] AckForFailure(SetupCall call, IPEndPoint local, string number, IPEndPoint server, string? toTag) => Ascii(string.Create(CultureInfo.InvariantCulture,
        $"ACK sip:{number}@{server} SIP/2.0\r\nVia: SIP/2.0/UDP {local};branch={call.InviteBranch};rport\r\nMax-Forwards: 70\r\nFrom: <sip:{call.Caller}@{local.Address}>;tag={call.FromTag}\r\nTo: <sip:{number}@{server.Address}>{(toTag is null ? "" : ";tag=" + toTag)}\r\nCall-ID: {call.CallId}\r\nCSeq: 1 ACK\r\nContent-Length: 0\r\n\r\n"));

    public static byte[] Bye(SetupCall call, IPEndPoint local, string number, IPEndPoint server) => Ascii(string.Create(CultureInfo.InvariantCulture,
        $"BYE {call.RemoteTarget} SIP/2.0\r\nVia: SIP/2.0/UDP {local};branch={call.InviteBranch}b;rport\r\nMax-Forwards: 70\r\n{call.Routes}From: <sip:{call.Caller}@{local.Address}>;tag={call.FromTag}\r\nTo: <sip:{number}@{server.Address}>;tag={call.ToTag}\r\nCall-ID: {call.CallId}\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n"));

    /// <summary>200 OK to a request from the server: Via, From, To, Call-ID and CSeq copied (§8.2.6.2).</summary>
    public static byte[] Ok(Telephony.Sip.Messages.SipMessage request)
    {
        var text = new StringBuilder("SIP/2.0 200 OK\r\n");
        foreach (var via in request.GetHeaderLines("Via"))
        {
            text.Append("Via: ").Append(via).Append("\r\n");
        }
        foreach (var name in (string[])["From", "To", "Call-ID", "CSeq"])
        {
            text.Append(name).Append(": ").Append(request.GetHeader(name)).Append("\r\n");
        }
        return Ascii(text.Append("Content-Length: 0\r\n\r\n").ToString());
    }

    private static byte[] Ascii(string s) => Encoding.ASCII.GetBytes(s);
}
