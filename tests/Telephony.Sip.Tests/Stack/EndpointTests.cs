namespace Telephony.Sip.Tests.Stack;

/// <summary>Two endpoints on 127.0.0.1 talking through the transaction layer (real sockets, real time, short).</summary>
[CancelAfter(20_000)]
public class EndpointTests
{
    [TestCase(SipTransportProtocol.Udp)]
    [TestCase(SipTransportProtocol.Tcp)]
    public async Task Options_round_trip_gets_200_and_the_server_sees_received_and_rport(SipTransportProtocol protocol)
    {
        var serverUser = new AnsweringUser();
        await using var server = await StartEndpointAsync(serverUser);
        await using var client = await StartEndpointAsync(new AnsweringUser());

        var response = await client.SendRequestAsync(Request("OPTIONS"), server.Destination(protocol));

        Assert.That(response.StatusCode, Is.EqualTo(200));
        Assert.That(serverUser.Requests.TryPeek(out var tx), Is.True);
        var via = tx!.Request.TopVia!;
        Assert.That(via.Transport, Is.EqualTo(protocol.ToViaToken()));
        Assert.That(via.Received, Is.EqualTo("127.0.0.1"));
        Assert.That(via.RPort, Is.EqualTo(tx.Flow.Remote.Port));
        Assert.That(response.TopVia!.RPort, Is.EqualTo(tx.Flow.Remote.Port), "the response carries the stamped Via back");
        Assert.That(client.GetLocalAddress(server.Destination(protocol)), Is.EqualTo(("127.0.0.1", client.Local(protocol).Port)));
        Assert.That(via.Host, Is.EqualTo("127.0.0.1"));
        Assert.That(via.Port, Is.EqualTo(client.Local(protocol).Port), "sent-by is the listening port, also on TCP");
    }

    [Test]
    public async Task Tcp_requests_in_both_directions_reuse_one_connection()
    {
        var serverUser = new AnsweringUser();
        await using var server = await StartEndpointAsync(serverUser);
        await using var client = await StartEndpointAsync(new AnsweringUser());
        for (int i = 0; i < 3; i++)
        {
            var r = await client.SendRequestAsync(Request("OPTIONS"), server.Destination(SipTransportProtocol.Tcp));
            Assert.That(r.StatusCode, Is.EqualTo(200));
        }
        Assert.That(client.ConnectionCount, Is.EqualTo(1));
        Assert.That(server.ConnectionCount, Is.EqualTo(1));
        // The server sends a request back to the client's address: the open connection is reused.
        var clientFlow = serverUser.Requests.First().Flow;
        var back = await server.SendRequestAsync(Request("OPTIONS"), new SipDestination(SipTransportProtocol.Tcp, clientFlow.Remote));
        Assert.That(back.StatusCode, Is.EqualTo(200));
        Assert.That(server.ConnectionCount, Is.EqualTo(1));
    }

    [TestCase(SipTransportProtocol.Udp)]
    [TestCase(SipTransportProtocol.Tcp)]
    public async Task Invite_rejected_is_acked_by_the_client_transaction(SipTransportProtocol protocol)
    {
        var serverUser = new AnsweringUser { Answer = tx => SipResponseBuilder.CreateResponse(tx.Request, 486).Build() };
        await using var server = await StartEndpointAsync(serverUser);
        await using var client = await StartEndpointAsync(new AnsweringUser());

        var response = await client.SendRequestAsync(Request("INVITE"), server.Destination(protocol));

        Assert.That(response.StatusCode, Is.EqualTo(486));
        var serverTx = serverUser.Requests.Single();
        // The ACK (§17.1.1.3) reached the server transaction: Confirmed (UDP, Timer I) or gone (TCP).
        await WaitUntil(() => serverTx.State is SipTransactionState.Confirmed or SipTransactionState.Terminated);
        Assert.That(serverUser.Acks, Is.Empty, "the ACK for a non-2xx is absorbed by the transaction");
        if (protocol == SipTransportProtocol.Tcp)
        {
            await WaitUntil(() => server.ServerTransactionCount == 0 && client.ClientTransactionCount == 0);
        }
    }

    [Test]
    public async Task Invite_accepted_then_ack_for_2xx_goes_to_the_tu()
    {
        var serverUser = new AnsweringUser();
        await using var server = await StartEndpointAsync(serverUser);
        await using var client = await StartEndpointAsync(new AnsweringUser());
        var invite = Request("INVITE");
        var tx = await client.StartRequestAsync(invite, server.Destination(SipTransportProtocol.Udp));
        var ok = await tx.FinalResponse;
        Assert.That(ok.StatusCode, Is.EqualTo(200));
        Assert.That(tx.State, Is.EqualTo(SipTransactionState.Accepted));
        Assert.That(serverUser.Requests.Single().State, Is.EqualTo(SipTransactionState.Accepted));

        // The TU sends the ACK for the 2xx end to end (new branch, stateless send).
        var ack = new SipRequestBuilder(SipMethods.Ack, invite.RequestUri);
        ack.AddHeader(SipHeaderNames.From, invite.GetHeader(SipHeaderNames.From)!);
        ack.AddHeader(SipHeaderNames.To, ok.GetHeader(SipHeaderNames.To)!);
        ack.SetCallId(invite.CallId!);
        ack.SetCSeq(invite.CSeq!.Number, SipMethods.Ack);
        ack.SetMaxForwards(70);
        await client.SendStatelessAsync(ack.Build(), server.Destination(SipTransportProtocol.Udp));
        await WaitUntil(() => serverUser.Acks.Count == 1);
        Assert.That(serverUser.Acks.Single().CallId, Is.EqualTo(invite.CallId));
    }

    [Test]
    public async Task Cancel_matches_the_invite_server_transaction_200_to_cancel_487_to_invite()
    {
        var serverUser = new AnsweringUser
        {
            Answer = tx => tx.Request.Method == SipMethods.Invite ? SipResponseBuilder.CreateResponse(tx.Request, 180).Build() : SipResponseBuilder.CreateResponse(tx.Request, 200).Build(),
        };
        await using var server = await StartEndpointAsync(serverUser);
        await using var client = await StartEndpointAsync(new AnsweringUser());
        var provisional = 0;
        var tx = await client.StartRequestAsync(Request("INVITE"), server.Destination(SipTransportProtocol.Udp), _ => Interlocked.Increment(ref provisional));

        var cancelResponse = await client.CancelAsync(tx);

        Assert.That(cancelResponse!.StatusCode, Is.EqualTo(200));
        var final = await tx.FinalResponse;
        Assert.That(final.StatusCode, Is.EqualTo(487));
        Assert.That(provisional, Is.EqualTo(1));
        await WaitUntil(() => serverUser.Cancels.Count == 1); // the TU hears of it right after the 487/200 leave
        Assert.That(final.To!.Tag, Is.EqualTo(serverUser.Requests.Single().LastResponse!.To!.Tag), "487 keeps the early dialog's tag");
        var inviteTx = serverUser.Requests.Single();
        Assert.That(inviteTx.IsCancelled, Is.True);
        Assert.That(inviteTx.TrySendResponse(Telephony.Sip.Messages.SipResponseBuilder.CreateResponse(inviteTx.Request, 200).Build()), Is.False, "too late for a 200");
    }

    [Test]
    public async Task Cancel_without_a_matching_invite_gets_481()
    {
        await using var server = await StartEndpointAsync(new AnsweringUser());
        using var raw = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var me = (IPEndPoint)raw.Client.LocalEndPoint!;
        await raw.SendTextAsync(RawRequest("CANCEL", me, "z9hG4bKnothing"), server.Local(SipTransportProtocol.Udp));
        Assert.That(StatusOf(await raw.ReceiveTextAsync()), Is.EqualTo(481));
    }

    [Test]
    public async Task Malformed_requests_get_400_with_the_reason_and_garbage_is_dropped()
    {
        var user = new AnsweringUser();
        await using var server = await StartEndpointAsync(user);
        using var raw = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var me = (IPEndPoint)raw.Client.LocalEndPoint!;
        var target = server.Local(SipTransportProtocol.Udp);

        await raw.SendAsync(new byte[] { 0, 1, 2, 3, 0xff, 0xfe }, target);
        await raw.SendTextAsync("\r\n\r\n", target);
        var bad = RawRequest("OPTIONS", me, "z9hG4bKbad1").Replace("Max-Forwards: 70", "Max-Forwards: banana", StringComparison.Ordinal);
        await raw.SendTextAsync(bad, target);
        var answer = await raw.ReceiveTextAsync();
        Assert.That(StatusOf(answer), Is.EqualTo(400));
        Assert.That(answer, Does.Contain("Max-Forwards"));
        Assert.That(answer, Does.Contain("Warning: 399"));

        // No Call-ID: still answered 400 with what is there (§8.2.6.2; RFC 4475 §3.3.1 insuf).
        await raw.SendTextAsync(RawRequest("OPTIONS", me, "z9hG4bKnocallid").Replace("Call-ID: raw-1\r\n", "", StringComparison.Ordinal), target);
        Assert.That(StatusOf(await raw.ReceiveTextAsync()), Is.EqualTo(400));
        // No CSeq: the client could not match an answer (§17.1.3) → dropped with a log line.
        await raw.SendTextAsync(RawRequest("OPTIONS", me, "z9hG4bKnocseq").Replace("CSeq: 1 OPTIONS\r\n", "", StringComparison.Ordinal), target);
        await raw.SendTextAsync(RawRequest("OPTIONS", me, "z9hG4bKgood1"), target);
        Assert.That(StatusOf(await raw.ReceiveTextAsync()), Is.EqualTo(200));
        Assert.That(user.Requests, Has.Count.EqualTo(1));
        Assert.That(server.DroppedMessages, Is.GreaterThanOrEqualTo(3));
    }

    [Test]
    public async Task Tcp_response_after_the_connection_closed_opens_a_new_one_to_the_sent_by_port()
    {
        var user = new AnsweringUser { Answer = _ => null };
        await using var server = await StartEndpointAsync(user);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var sentBy = (IPEndPoint)listener.LocalEndpoint;
        using (var client = new TcpClient(AddressFamily.InterNetwork))
        {
            await client.ConnectAsync(server.Local(SipTransportProtocol.Tcp));
            await client.GetStream().WriteAsync(System.Text.Encoding.ASCII.GetBytes(RawRequest("OPTIONS", sentBy, "z9hG4bKtcpgone", transport: "TCP")));
            await WaitUntil(() => user.Requests.Count == 1);
        }
        await WaitUntil(() => server.ConnectionCount == 0);
        // §18.2.2: the TU answers late; the response goes on a new connection to received + sent-by port.
        await user.Requests.Single().SendResponseAsync(Telephony.Sip.Messages.SipResponseBuilder.CreateResponse(user.Requests.Single().Request, 200).Build());
        using var accepted = await listener.AcceptTcpClientAsync();
        var buffer = new byte[4096];
        int n = await accepted.GetStream().ReadAtLeastAsync(buffer, 12);
        Assert.That(System.Text.Encoding.ASCII.GetString(buffer, 0, n), Does.StartWith("SIP/2.0 200"));
    }

    [Test]
    public async Task Stopping_the_endpoint_ends_waiting_client_transactions_with_503()
    {
        using var silent = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var client = await StartEndpointAsync(new AnsweringUser());
        var pending = client.SendRequestAsync(Request("INVITE"), SipDestination.Udp((IPEndPoint)silent.Client.LocalEndPoint!));
        await silent.ReceiveTextAsync();
        await client.DisposeAsync();
        var response = await pending;
        Assert.That(response.StatusCode, Is.EqualTo(503));
        Assert.That(client.ClientTransactionCount, Is.Zero);
    }

    [Test]
    public async Task Responses_whose_top_via_is_not_ours_are_discarded_and_stray_2xx_reach_the_tu()
    {
        var user = new AnsweringUser();
        await using var endpoint = await StartEndpointAsync(user);
        var port = endpoint.Local(SipTransportProtocol.Udp).Port;
        using var raw = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        string Response(int viaPort) =>
            $"SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 127.0.0.1:{viaPort};branch=z9hG4bKstray{viaPort}\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\nCall-ID: stray\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n";
        await raw.SendTextAsync(Response(port == 9 ? 10 : 9), endpoint.Local(SipTransportProtocol.Udp));
        await raw.SendTextAsync(Response(port), endpoint.Local(SipTransportProtocol.Udp));
        await WaitUntil(() => user.StrayResponses.Count == 1);
        Assert.That(user.StrayResponses.Single().TopVia!.Port, Is.EqualTo(port));
        Assert.That(endpoint.DroppedMessages, Is.EqualTo(1));
    }

    [Test]
    public async Task Udp_response_without_rport_goes_to_the_sent_by_port()
    {
        await using var server = await StartEndpointAsync(new AnsweringUser());
        using var sender = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        using var listener = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var listenAt = (IPEndPoint)listener.Client.LocalEndPoint!;
        // sent-by names the listener's port; the datagram leaves from another port (§18.2.2).
        await sender.SendTextAsync(RawRequest("OPTIONS", listenAt, "z9hG4bKsentby1"), server.Local(SipTransportProtocol.Udp));
        Assert.That(StatusOf(await listener.ReceiveTextAsync()), Is.EqualTo(200));
    }
}
