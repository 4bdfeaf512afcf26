namespace Telephony.Sip.Tests.UserAgent;

[CancelAfter(30_000)]
public sealed class RawPeerFlowTests
{
    private static SipResponseBuilder Answer(SipRequest invite, int code, string tag, int port)
    {
        var b = SipResponseBuilder.CreateResponse(invite, code, null, tag);
        b.AddContact(NameAddress.Parse($"<sip:bob-{tag}@127.0.0.1:{port}>"));
        if (code == 200)
        {
            b.SetBody(UaPair.Sdp, "application/sdp");
        }
        return b;
    }

    [Test]
    public async Task Forked_invite_answered_twice_acks_both_and_byes_the_extra_dialog()
    {
        await using var ua = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:alice@127.0.0.1" });
        using var peer = new RawSipPeer();
        var call = await ua.CallAsync($"sip:bob@127.0.0.1:{peer.Port}", UaPair.Sdp);
        var invite = await peer.ReceiveAsync<SipRequest>(r => r.Method == "INVITE");
        await peer.SendAsync(Answer(invite, 180, "fork1", peer.Port));
        await peer.SendAsync(Answer(invite, 180, "fork2", peer.Port));
        // fork1's 200 must be handled first (it is the one that wins); the UDP receive loops run
        // concurrently, so two back-to-back datagrams may be processed in either order.
        await peer.SendAsync(Answer(invite, 200, "fork1", peer.Port));
        var firstAck = await peer.ReceiveAsync<SipRequest>(r => r.Method == "ACK");
        await peer.SendAsync(Answer(invite, 200, "fork2", peer.Port));

        var seen = new List<(string Method, string? ToTag, string Uri)> { (firstAck.Method, firstAck.To?.Tag, firstAck.RequestUri.ToString()) };
        while (seen.Count < 3)
        {
            var r = await peer.ReceiveAsync<SipRequest>(_ => true);
            seen.Add((r.Method, r.To?.Tag, r.RequestUri.ToString()));
            if (r.Method == "BYE")
            {
                await peer.SendAsync(SipResponseBuilder.CreateResponse(r, 200));
            }
        }
        Assert.That(seen, Is.EquivalentTo(new[]
        {
            ("ACK", (string?)"fork1", $"sip:bob-fork1@127.0.0.1:{peer.Port}"),
            ("ACK", (string?)"fork2", $"sip:bob-fork2@127.0.0.1:{peer.Port}"),
            ("BYE", (string?)"fork2", $"sip:bob-fork2@127.0.0.1:{peer.Port}"),
        }));
        Assert.That((call.State, call.RemoteTag), Is.EqualTo((CallState.Established, (string?)"fork1")));

        // A retransmitted 2xx is ACKed again, with the same ACK.
        await peer.SendAsync(Answer(invite, 200, "fork1", peer.Port));
        var again = await peer.ReceiveAsync<SipRequest>(r => r.Method == "ACK");
        Assert.That(again.To?.Tag, Is.EqualTo("fork1"));
    }

    [Test]
    public async Task An_invite_with_a_preloaded_route_goes_to_the_first_loose_route_not_the_request_uri()
    {
        // A seat registered through a proxy (its Path, RFC 3327) is called through that proxy (§8.1.2).
        await using var ua = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:node@127.0.0.1" });
        using var proxy = new RawSipPeer();
        var route = $"<sip:127.0.0.1:{proxy.Port};lr>";
        await ua.CallAsync("sip:1001@127.0.0.1:9", Encoding.UTF8.GetBytes(UaPair.Sdp), null, [new SipHeader(SipHeaderNames.Route, route)]);
        var invite = await proxy.ReceiveAsync<SipRequest>(r => r.Method == "INVITE");
        Assert.That((invite.RequestUri.ToString(), invite.GetHeaderLines(SipHeaderNames.Route).Single()), Is.EqualTo(("sip:1001@127.0.0.1:9", route)));
    }

    [Test]
    public async Task Uas_retransmits_its_2xx_until_the_ack_and_byes_when_no_ack_comes()
    {
        await using var ua = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:bob@127.0.0.1", T1 = TimeSpan.FromMilliseconds(50), T2 = TimeSpan.FromMilliseconds(200) });
        using var peer = new RawSipPeer();
        var uaPort = ua.Endpoint.LocalEndPoints[0].EndPoint.Port;
        var target = new IPEndPoint(IPAddress.Loopback, uaPort);

        string Invite(string callId) =>
            $"INVITE sip:bob@127.0.0.1:{uaPort} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{peer.Port};branch=z9hG4bK{callId}\r\n" +
            $"From: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: {callId}\r\nCSeq: 1 INVITE\r\n" +
            $"Contact: <sip:alice@127.0.0.1:{peer.Port}>\r\nMax-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: {UaPair.Sdp.Length}\r\n\r\n{UaPair.Sdp}";

        // 1: ACK after a few retransmissions stops them and establishes the call.
        await peer.SendAsync(Invite("retx-1"), target);
        var call = await ua.IncomingCalls.ReadAsync();
        await call.AcceptAsync(UaPair.Sdp);
        var ok = await peer.ReceiveAsync<SipResponse>(r => r.StatusCode == 200);
        await peer.ReceiveAsync<SipResponse>(r => r.StatusCode == 200);
        await peer.ReceiveAsync<SipResponse>(r => r.StatusCode == 200);
        var ack = $"ACK sip:bob@127.0.0.1:{uaPort} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{peer.Port};branch=z9hG4bKack1\r\n" +
            $"From: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>;tag={ok.To!.Tag}\r\nCall-ID: retx-1\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        await peer.SendAsync(ack, target);
        await UaPair.Next<CallEstablished>(call);
        Assert.That(async () => await peer.ReceiveAsync<SipResponse>(r => r.StatusCode == 200, TimeSpan.FromMilliseconds(600)), Throws.InstanceOf<TimeoutException>());

        // 2: no ACK at all: after 64*T1 the UAS gives up and sends BYE (§13.3.1.4).
        await peer.SendAsync(Invite("retx-2"), target);
        var lonely = await ua.IncomingCalls.ReadAsync();
        await lonely.AcceptAsync(UaPair.Sdp);
        var bye = await peer.ReceiveAsync<SipRequest>(r => r.Method == "BYE", TimeSpan.FromSeconds(10));
        Assert.That(bye.CallId, Is.EqualTo("retx-2"));
        var ended = await lonely.Completion;
        Assert.That((ended.Reason, ended.StatusCode), Is.EqualTo((CallEndReason.Failed, 408)));
    }

    [Test]
    public async Task In_dialog_request_with_old_cseq_gets_500_and_unknown_dialog_481()
    {
        await using var ua = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:bob@127.0.0.1" });
        using var peer = new RawSipPeer();
        var uaPort = ua.Endpoint.LocalEndPoints[0].EndPoint.Port;
        var target = new IPEndPoint(IPAddress.Loopback, uaPort);
        string Request(string method, int cseq, string toTag, string branch, string callId = "cs-1") =>
            $"{method} sip:bob@127.0.0.1:{uaPort} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{peer.Port};branch=z9hG4bK{branch}\r\n" +
            $"From: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>{toTag}\r\nCall-ID: {callId}\r\nCSeq: {cseq} {method}\r\n" +
            $"Contact: <sip:alice@127.0.0.1:{peer.Port}>\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";

        await peer.SendAsync(Request("INVITE", 5, "", "i1"), target);
        var call = await ua.IncomingCalls.ReadAsync();
        await call.AcceptAsync(UaPair.Sdp);
        var ok = await peer.ReceiveAsync<SipResponse>(r => r.StatusCode == 200);
        var tag = ";tag=" + ok.To!.Tag;
        await peer.SendAsync(Request("ACK", 5, tag, "a1"), target);
        await UaPair.Next<CallEstablished>(call);

        await peer.SendAsync(Request("INFO", 7, tag, "n1"), target);
        Assert.That((await peer.ReceiveAsync<SipResponse>(r => r.CSeq?.Number == 7)).StatusCode, Is.EqualTo(200));
        await peer.SendAsync(Request("INFO", 6, tag, "n2"), target);
        Assert.That((await peer.ReceiveAsync<SipResponse>(r => r.CSeq?.Number == 6)).StatusCode, Is.EqualTo(500));
        await peer.SendAsync(Request("BYE", 8, ";tag=other", "n3"), target);
        Assert.That((await peer.ReceiveAsync<SipResponse>(r => r.CSeq?.Number == 8)).StatusCode, Is.EqualTo(481));
        await peer.SendAsync(Request("BYE", 9, tag, "n4"), target);
        Assert.That((await peer.ReceiveAsync<SipResponse>(r => r.CSeq?.Number == 9)).StatusCode, Is.EqualTo(200));
        Assert.That((await call.Completion).Reason, Is.EqualTo(CallEndReason.RemoteHangup));
    }

    [TestCase("Require: 100rel\r\n", "", 420)]
    [TestCase("Content-Type: application/x-unknown\r\n", "hello", 415)]
    [TestCase("", "", 200)]
    public async Task Uas_checks_refuse_unsupported_extensions_and_bodies(string header, string body, int expected)
    {
        await using var ua = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:bob@127.0.0.1" });
        using var peer = new RawSipPeer();
        var uaPort = ua.Endpoint.LocalEndPoints[0].EndPoint.Port;
        var request = $"OPTIONS sip:bob@127.0.0.1:{uaPort} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{peer.Port};branch=z9hG4bKchk{expected}\r\n" +
            $"From: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: chk-{expected}\r\nCSeq: 1 OPTIONS\r\n" +
            $"Max-Forwards: 70\r\n{header}Content-Length: {body.Length}\r\n\r\n{body}";
        await peer.SendAsync(request, new IPEndPoint(IPAddress.Loopback, uaPort));
        var response = await peer.ReceiveAsync<SipResponse>(_ => true);
        Assert.That(response.StatusCode, Is.EqualTo(expected));
    }
}
