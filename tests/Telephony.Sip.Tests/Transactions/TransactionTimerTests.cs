namespace Telephony.Sip.Tests.Transactions;

/// <summary>
/// The four transaction machines against a raw UDP peer, with every timer driven by a
/// FakeTimeProvider (RFC 3261 §17 defaults: T1 = 500 ms, T2 = 4 s, T4 = 5 s).
/// </summary>
[CancelAfter(30_000)]
public class TransactionTimerTests
{
    private FakeTimeProvider _clock = null!;
    private UdpClient _peer = null!;
    private IPEndPoint _peerAt = null!;

    [SetUp]
    public void SetUp()
    {
        _clock = new FakeTimeProvider();
        _peer = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        _peerAt = (IPEndPoint)_peer.Client.LocalEndPoint!;
    }

    [TearDown]
    public void TearDown() => _peer.Dispose();

    private async Task<int> AdvanceAndCountAsync(TimeSpan by, int quietMs = 60)
    {
        _clock.Advance(by);
        return (await _peer.DrainAsync(quietMs)).Count;
    }

    /// <summary>
    /// Waits (real time, generous) until <paramref name="expected"/> datagrams in all have arrived,
    /// counting <paramref name="already"/>, then checks nothing more comes: a loaded machine may
    /// deliver late, but the count must end exactly right.
    /// </summary>
    private async Task<int> SettleCountAsync(int already, int expected)
    {
        int count = already;
        while (count < expected)
        {
            try
            {
                await _peer.ReceiveTextAsync(3000);
                count++;
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
        return count + (await _peer.DrainAsync(100)).Count;
    }

    /// <summary>Advances by <paramref name="by"/> and waits for exactly <paramref name="expected"/> datagrams.</summary>
    private async Task<int> AdvanceAndExpectAsync(TimeSpan by, int expected)
    {
        _clock.Advance(by);
        return await SettleCountAsync(0, expected);
    }

    [Test]
    public async Task Invite_client_retransmits_on_timer_A_doubling_and_times_out_at_B_with_408()
    {
        await using var client = await StartEndpointAsync(new AnsweringUser(), _clock);
        var tx = await client.StartRequestAsync(Request("INVITE"), SipDestination.Udp(_peerAt));
        Assert.That(await SettleCountAsync(0, 1), Is.EqualTo(1));

        // Timer A fires at 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s (intervals 0.5, 1, 2, 4, 8, 16).
        var expected = new[] { (0.5, 1), (1.0, 1), (2.0, 1), (4.0, 1), (8.0, 1), (16.0, 1) };
        foreach (var (step, count) in expected)
        {
            Assert.That(await AdvanceAndCountAsync(TimeSpan.FromSeconds(step) - TimeSpan.FromMilliseconds(1)), Is.Zero);
            Assert.That(await AdvanceAndExpectAsync(TimeSpan.FromMilliseconds(1), count), Is.EqualTo(count));
        }
        Assert.That(tx.FinalResponse.IsCompleted, Is.False);
        _clock.Advance(TimeSpan.FromSeconds(0.5)); // Timer B = 64·T1 = 32 s
        var final = await tx.FinalResponse;
        Assert.That(final.StatusCode, Is.EqualTo(408));
        Assert.That(tx.Error, Is.EqualTo(SipTransactionError.Timeout));
        Assert.That(client.ClientTransactionCount, Is.Zero);
        Assert.That(client.TimerCount, Is.EqualTo(1), "only the TCP housekeeping sweep is left");
    }

    [Test]
    public async Task Non_invite_client_timer_E_caps_at_T2_and_F_ends_with_408()
    {
        await using var client = await StartEndpointAsync(new AnsweringUser(), _clock);
        var tx = await client.StartRequestAsync(Request("OPTIONS"), SipDestination.Udp(_peerAt));
        int sent = await SettleCountAsync(0, 1);
        // Sends at 0, 0.5, 1.5, 3.5, 7.5, 11.5, 15.5, 19.5, 23.5, 27.5, 31.5 → 11 before F at 32 s.
        for (int i = 0; i < 64; i++) sent += await AdvanceAndCountAsync(TimeSpan.FromMilliseconds(500), 15);
        Assert.That(await SettleCountAsync(sent, 11), Is.EqualTo(11));
        Assert.That((await tx.FinalResponse).StatusCode, Is.EqualTo(408));
        Assert.That(client.ClientTransactionCount, Is.Zero);
    }

    [Test]
    public async Task Non_invite_client_on_tcp_never_retransmits()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var client = await StartEndpointAsync(new AnsweringUser(), _clock);
        var tx = await client.StartRequestAsync(Request("OPTIONS"), SipDestination.Tcp((IPEndPoint)listener.LocalEndpoint));
        using var accepted = await listener.AcceptTcpClientAsync();
        var buffer = new byte[64 * 1024];
        int first = await accepted.GetStream().ReadAsync(buffer);
        Assert.That(first, Is.GreaterThan(0));
        for (int i = 0; i < 10; i++) _clock.Advance(TimeSpan.FromSeconds(1));
        using var cts = new CancellationTokenSource(200);
        Assert.ThrowsAsync<OperationCanceledException>(async () => _ = await accepted.GetStream().ReadAsync(buffer, cts.Token));
        _clock.Advance(TimeSpan.FromSeconds(23));
        Assert.That((await tx.FinalResponse).StatusCode, Is.EqualTo(408));
    }

    [Test]
    public async Task Invite_server_sends_100_after_200ms_retransmits_non_2xx_on_G_and_fails_at_H_without_ack()
    {
        var respond = new TaskCompletionSource<SipServerTransaction>();
        var user = new AnsweringUser { Answer = tx => { respond.TrySetResult(tx); return null; } };
        await using var server = await StartEndpointAsync(user, _clock);
        var target = server.Local(SipTransportProtocol.Udp);
        var invite = RawRequest("INVITE", _peerAt, "z9hG4bKinv1");
        await _peer.SendTextAsync(invite, target);
        var tx = await respond.Task;
        Assert.That(await _peer.DrainAsync(60), Is.Empty);
        _clock.Advance(TimeSpan.FromMilliseconds(200));
        Assert.That(StatusOf(await _peer.ReceiveTextAsync()), Is.EqualTo(100));
        // A retransmitted INVITE gets the last provisional again and does not reach the TU.
        await _peer.SendTextAsync(invite, target);
        Assert.That(StatusOf(await _peer.ReceiveTextAsync()), Is.EqualTo(100));
        Assert.That(user.Requests, Has.Count.EqualTo(1));

        await tx.SendResponseAsync(SipResponseBuilder.CreateResponse(tx.Request, 486).Build());
        Assert.That(StatusOf(await _peer.ReceiveTextAsync()), Is.EqualTo(486));
        // Timer G: 0.5, 1, 2, 4, 4, 4, ... up to H = 32 s → retransmits at 0.5 1.5 3.5 7.5 11.5 ... 31.5 = 10.
        int retransmits = 0;
        for (int i = 0; i < 63; i++) retransmits += await AdvanceAndCountAsync(TimeSpan.FromMilliseconds(500), 15);
        Assert.That(await SettleCountAsync(retransmits, 10), Is.EqualTo(10));
        Assert.That(user.Failures, Is.Empty);
        _clock.Advance(TimeSpan.FromMilliseconds(500));
        Assert.That(user.Failures.Single().Item2, Is.EqualTo(SipTransactionError.Timeout));
        Assert.That(server.ServerTransactionCount, Is.Zero);
    }

    [Test]
    public async Task Invite_retransmitted_before_the_tu_answers_gets_100_trying_at_once()
    {
        var user = new AnsweringUser { Answer = _ => null };
        await using var server = await StartEndpointAsync(user, _clock);
        var invite = RawRequest("INVITE", _peerAt, "z9hG4bKinv100");
        await _peer.SendTextAsync(invite, server.Local(SipTransportProtocol.Udp));
        await WaitUntil(() => user.Requests.Count == 1);
        await _peer.SendTextAsync(invite, server.Local(SipTransportProtocol.Udp));
        Assert.That(StatusOf(await _peer.ReceiveTextAsync()), Is.EqualTo(100));
        _clock.Advance(TimeSpan.FromMilliseconds(200));
        Assert.That(await _peer.DrainAsync(100), Is.Empty, "the 200 ms Trying timer was cancelled");
    }

    [Test]
    public async Task Invite_server_ack_stops_retransmissions_and_timer_I_removes_it()
    {
        var user = new AnsweringUser { Answer = tx => SipResponseBuilder.CreateResponse(tx.Request, 603).Build() };
        await using var server = await StartEndpointAsync(user, _clock);
        var target = server.Local(SipTransportProtocol.Udp);
        await _peer.SendTextAsync(RawRequest("INVITE", _peerAt, "z9hG4bKinv2"), target);
        var response = await _peer.ReceiveTextAsync();
        Assert.That(StatusOf(response), Is.EqualTo(603));
        var toTag = System.Text.RegularExpressions.Regex.Match(response, "To: .*;tag=([^\\r;]+)").Groups[1].Value;
        await _peer.SendTextAsync(RawRequest("ACK", _peerAt, "z9hG4bKinv2", toTag: toTag), target);
        var tx = user.Requests.Single();
        await WaitUntil(() => tx.State == SipTransactionState.Confirmed);
        Assert.That(await AdvanceAndCountAsync(TimeSpan.FromSeconds(4)), Is.Zero, "no retransmissions once confirmed");
        Assert.That(server.ServerTransactionCount, Is.EqualTo(1));
        _clock.Advance(TimeSpan.FromSeconds(1)); // Timer I = T4
        Assert.That(server.ServerTransactionCount, Is.Zero);
        Assert.That(user.Acks, Is.Empty);
    }

    [Test]
    public async Task Invite_server_accepted_absorbs_invite_retransmissions_passes_acks_to_tu_and_ends_at_L()
    {
        var user = new AnsweringUser();
        await using var server = await StartEndpointAsync(user, _clock);
        var target = server.Local(SipTransportProtocol.Udp);
        var invite = RawRequest("INVITE", _peerAt, "z9hG4bKinv3");
        await _peer.SendTextAsync(invite, target);
        Assert.That(StatusOf(await _peer.ReceiveTextAsync()), Is.EqualTo(200));
        var tx = user.Requests.Single();
        Assert.That(tx.State, Is.EqualTo(SipTransactionState.Accepted));
        await _peer.SendTextAsync(invite, target);
        Assert.That(await _peer.DrainAsync(150), Is.Empty, "RFC 6026: Accepted absorbs the INVITE");
        // The TU retransmits its 2xx through the transaction while Accepted.
        Assert.That(tx.TrySendResponse(tx.LastResponse!), Is.True);
        Assert.That(StatusOf(await _peer.ReceiveTextAsync()), Is.EqualTo(200));
        // An ACK with the INVITE's branch matches and goes to the TU.
        await _peer.SendTextAsync(RawRequest("ACK", _peerAt, "z9hG4bKinv3", toTag: tx.LastResponse!.To!.Tag), target);
        await WaitUntil(() => user.Acks.Count == 1);
        _clock.Advance(TimeSpan.FromSeconds(32)); // Timer L = 64·T1
        Assert.That(server.ServerTransactionCount, Is.Zero);
        Assert.That(tx.TrySendResponse(tx.LastResponse!), Is.False);
    }

    [Test]
    public async Task Non_invite_server_resends_the_final_for_retransmissions_until_J()
    {
        var user = new AnsweringUser();
        await using var server = await StartEndpointAsync(user, _clock);
        var target = server.Local(SipTransportProtocol.Udp);
        var options = RawRequest("OPTIONS", _peerAt, "z9hG4bKopt1");
        await _peer.SendTextAsync(options, target);
        var first = await _peer.ReceiveTextAsync();
        await _peer.SendTextAsync(options, target);
        var second = await _peer.ReceiveTextAsync();
        Assert.That(second, Is.EqualTo(first));
        Assert.That(user.Requests, Has.Count.EqualTo(1));
        _clock.Advance(TimeSpan.FromSeconds(31.9));
        Assert.That(server.ServerTransactionCount, Is.EqualTo(1));
        _clock.Advance(TimeSpan.FromSeconds(0.1)); // Timer J = 64·T1
        Assert.That(server.ServerTransactionCount, Is.Zero);
        // After J the same request is new again.
        await _peer.SendTextAsync(options, target);
        await _peer.ReceiveTextAsync();
        Assert.That(user.Requests, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Server_transaction_whose_tu_never_answers_is_removed()
    {
        var user = new AnsweringUser { Answer = _ => null };
        await using var server = await StartEndpointAsync(user, _clock);
        await _peer.SendTextAsync(RawRequest("OPTIONS", _peerAt, "z9hG4bKsilent"), server.Local(SipTransportProtocol.Udp));
        await WaitUntil(() => user.Requests.Count == 1);
        _clock.Advance(TimeSpan.FromSeconds(32));
        Assert.That(server.ServerTransactionCount, Is.Zero);
        Assert.That(user.Failures.Single().Item2, Is.EqualTo(SipTransactionError.Timeout));
    }

    [Test]
    public async Task Rfc2543_branch_without_cookie_still_matches_retransmissions_and_the_ack()
    {
        var user = new AnsweringUser { Answer = tx => SipResponseBuilder.CreateResponse(tx.Request, tx.Request.Method == SipMethods.Invite ? 480 : 200).Build() };
        await using var server = await StartEndpointAsync(user, _clock);
        var target = server.Local(SipTransportProtocol.Udp);
        // RFC 4475 §3.2.1 badbranch: the branch is only the magic cookie.
        var bad = RawRequest("OPTIONS", _peerAt, "z9hG4bK", callId: "badbranch.sadonfo23i420jv0as0derf3j3n", cseq: 8);
        // The retransmission goes out only after the first answer: a copy that arrived while the
        // transaction was still Trying would be absorbed without an answer (§17.2.2), and with
        // parallel receive loops the two datagrams could even be handled in either order.
        await _peer.SendTextAsync(bad, target);
        var first = await _peer.ReceiveTextAsync();
        await _peer.SendTextAsync(bad, target);
        var answers = new[] { first, await _peer.ReceiveTextAsync() };
        Assert.That(answers.Select(StatusOf), Is.All.EqualTo(200));
        Assert.That(user.Requests, Has.Count.EqualTo(1));

        // An RFC 2543 INVITE (no branch) and its ACK (CSeq number equal, method ACK).
        var invite = RawRequest("INVITE", _peerAt, "1", callId: "old-style", cseq: 5).Replace(";branch=1", "", StringComparison.Ordinal);
        await _peer.SendTextAsync(invite, target);
        var reject = await _peer.ReceiveTextAsync();
        Assert.That(StatusOf(reject), Is.EqualTo(480));
        var tag = System.Text.RegularExpressions.Regex.Match(reject, "To: .*;tag=([^\\r;]+)").Groups[1].Value;
        var ack = RawRequest("ACK", _peerAt, "1", callId: "old-style", cseq: 5, toTag: tag).Replace(";branch=1", "", StringComparison.Ordinal);
        await _peer.SendTextAsync(ack, target);
        var inviteTx = user.Requests.Last();
        await WaitUntil(() => inviteTx.State == SipTransactionState.Confirmed);
        Assert.That(user.Acks, Is.Empty);
    }

    [Test]
    public async Task Invite_client_accepted_passes_2xx_retransmissions_to_the_tu_and_ends_at_M()
    {
        var user = new AnsweringUser();
        await using var client = await StartEndpointAsync(user, _clock);
        var tx = await client.StartRequestAsync(Request("INVITE"), SipDestination.Udp(_peerAt));
        var inviteText = await _peer.ReceiveTextAsync();
        Assert.That(SipParser.TryParse(inviteText, out var parsed, out _), Is.True);
        var ok = SipResponseBuilder.CreateResponse((SipRequest)parsed!, 200).ToString();
        var from = (IPEndPoint)client.Local(SipTransportProtocol.Udp);
        await _peer.SendTextAsync(ok, from);
        Assert.That((await tx.FinalResponse).StatusCode, Is.EqualTo(200));
        Assert.That(tx.State, Is.EqualTo(SipTransactionState.Accepted));
        await _peer.SendTextAsync(ok, from);
        await WaitUntil(() => user.StrayResponses.Count == 1);
        Assert.That(await _peer.DrainAsync(100), Is.Empty, "no ACK from the transaction for a 2xx");
        _clock.Advance(TimeSpan.FromSeconds(32)); // Timer M
        Assert.That(client.ClientTransactionCount, Is.Zero);
        await _peer.SendTextAsync(ok, from);
        await WaitUntil(() => user.StrayResponses.Count == 2);
    }

    [Test]
    public async Task Invite_client_acks_non_2xx_and_acks_its_retransmission_then_D_ends_it()
    {
        await using var client = await StartEndpointAsync(new AnsweringUser(), _clock);
        var tx = await client.StartRequestAsync(Request("INVITE"), SipDestination.Udp(_peerAt));
        var inviteText = await _peer.ReceiveTextAsync();
        Assert.That(SipParser.TryParse(inviteText, out var parsed, out _), Is.True);
        var invite = (SipRequest)parsed!;
        var busy = SipResponseBuilder.CreateResponse(invite, 486).ToString();
        var from = client.Local(SipTransportProtocol.Udp);
        await _peer.SendTextAsync(busy, from);
        Assert.That((await tx.FinalResponse).StatusCode, Is.EqualTo(486));
        var ackText = await _peer.ReceiveTextAsync();
        Assert.That(SipParser.TryParse(ackText, out var ackParsed, out _), Is.True);
        var ack = (SipRequest)ackParsed!;
        Assert.That(ack.Method, Is.EqualTo("ACK"));
        Assert.That(ack.TopVia!.Branch, Is.EqualTo(invite.TopVia!.Branch), "§17.1.1.3: same branch as the INVITE");
        Assert.That(ack.Via, Has.Count.EqualTo(1));
        Assert.That(ack.CSeq, Is.EqualTo(new CSeqHeader(invite.CSeq!.Number, "ACK")));
        Assert.That(ack.To!.Tag, Is.Not.Null);
        await _peer.SendTextAsync(busy, from);
        Assert.That((await _peer.ReceiveTextAsync()).StartsWith("ACK ", StringComparison.Ordinal), Is.True);
        _clock.Advance(TimeSpan.FromSeconds(32)); // Timer D
        Assert.That(client.ClientTransactionCount, Is.Zero);
    }
}
