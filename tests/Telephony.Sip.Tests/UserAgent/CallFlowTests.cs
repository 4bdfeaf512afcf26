namespace Telephony.Sip.Tests.UserAgent;

[CancelAfter(30_000)]
public sealed class CallFlowTests
{
    [TestCase("udp")]
    [TestCase("tcp")]
    public async Task Options_is_answered_with_capabilities(string transport)
    {
        await using var pair = await UaPair.StartAsync(transport);
        var response = await pair.A.OptionsAsync(pair.UriOfB());
        Assert.That(response.StatusCode, Is.EqualTo(200));
        Assert.That(response.Allow, Does.Contain("INVITE").And.Contain("REFER"));
    }

    [TestCase("udp")]
    [TestCase("tcp")]
    public async Task Call_rings_is_answered_and_hung_up_by_the_caller(string transport)
    {
        await using var pair = await UaPair.StartAsync(transport);
        var outgoing = await pair.A.CallAsync(pair.UriOfB(), UaPair.Sdp);
        var incoming = await pair.B.IncomingCalls.ReadAsync();
        Assert.That(Encoding.UTF8.GetString(incoming.RemoteSdp.Span), Is.EqualTo(UaPair.Sdp));
        await incoming.RingAsync();
        var progress = await UaPair.Next<CallProgress>(outgoing);
        Assert.That(progress.StatusCode, Is.EqualTo(180));
        await incoming.AcceptAsync(UaPair.Sdp.Replace("40000", "40002", StringComparison.Ordinal));
        var established = await UaPair.Next<CallEstablished>(outgoing);
        Assert.That(Encoding.UTF8.GetString(established.RemoteSdp.Span), Does.Contain("40002"));
        await UaPair.Next<CallEstablished>(incoming);
        Assert.That((outgoing.State, incoming.State), Is.EqualTo((CallState.Established, CallState.Established)));

        await outgoing.HangupAsync();
        var ended = await UaPair.Next<CallEnded>(incoming);
        Assert.That(ended.Reason, Is.EqualTo(CallEndReason.RemoteHangup));
        Assert.That((await outgoing.Completion).Reason, Is.EqualTo(CallEndReason.LocalHangup));
    }

    [Test]
    public async Task Callee_hangs_up_and_the_caller_sees_it()
    {
        await using var pair = await UaPair.StartAsync();
        var (outgoing, incoming) = await pair.EstablishCallAsync();
        await UaPair.Next<CallEstablished>(incoming);
        await incoming.HangupAsync();
        Assert.That((await outgoing.Completion).Reason, Is.EqualTo(CallEndReason.RemoteHangup));
    }

    [Test]
    public async Task Rejected_call_ends_with_the_status()
    {
        await using var pair = await UaPair.StartAsync();
        var outgoing = await pair.A.CallAsync(pair.UriOfB(), UaPair.Sdp);
        var incoming = await pair.B.IncomingCalls.ReadAsync();
        await incoming.RejectAsync(486);
        var ended = await outgoing.Completion;
        Assert.That((ended.Reason, ended.StatusCode), Is.EqualTo((CallEndReason.Rejected, 486)));
    }

    [TestCase("udp")]
    [TestCase("tcp")]
    public async Task Caller_cancels_a_ringing_call(string transport)
    {
        await using var pair = await UaPair.StartAsync(transport);
        var outgoing = await pair.A.CallAsync(pair.UriOfB(), UaPair.Sdp);
        var incoming = await pair.B.IncomingCalls.ReadAsync();
        await incoming.RingAsync();
        await UaPair.Next<CallProgress>(outgoing);
        await outgoing.CancelAsync();
        var ended = await outgoing.Completion;
        Assert.That((ended.Reason, ended.StatusCode), Is.EqualTo((CallEndReason.Cancelled, 487)));
        Assert.That((await incoming.Completion).Reason, Is.EqualTo(CallEndReason.RemoteCancelled));
    }

    [Test]
    public async Task Caller_answers_a_proxy_challenge_with_digest_and_cseq_plus_one()
    {
        await using var pair = await UaPair.StartAsync(aOptions: new SipUserAgentOptions { LocalUri = "sip:1001@127.0.0.1", Username = "1001", Password = "pw" });
        var auth = new DigestAuthenticator("test", new InMemoryCredentialStore(new Dictionary<string, string> { ["1001"] = "pw" }));
        var seenCSeqs = new List<uint>();
        pair.B.RequestFilter = tx =>
        {
            if (tx.Request.Method != SipMethods.Invite)
            {
                return false;
            }
            lock (seenCSeqs)
            {
                seenCSeqs.Add(tx.Request.CSeq!.Number);
            }
            var verdict = auth.Verify("INVITE", tx.Request.GetHeaderLines(SipHeaderNames.ProxyAuthorization));
            if (verdict.Outcome == DigestOutcome.Authenticated)
            {
                return false;
            }
            var b = SipResponseBuilder.CreateResponse(tx.Request, 407);
            foreach (var c in auth.CreateChallenges())
            {
                b.AddHeader(SipHeaderNames.ProxyAuthenticate, c.ToString());
            }
            pair.B.Respond(tx, b);
            return true;
        };
        var outgoing = await pair.A.CallAsync(pair.UriOfB(), UaPair.Sdp);
        var incoming = await pair.B.IncomingCalls.ReadAsync();
        Assert.That(incoming.Invite.GetHeader(SipHeaderNames.ProxyAuthorization), Does.Contain("algorithm=SHA-256"));
        Assert.That(seenCSeqs, Is.EqualTo(new uint[] { 1, 2 }));
        await incoming.AcceptAsync(UaPair.Sdp);
        await UaPair.Next<CallEstablished>(outgoing);
        await outgoing.HangupAsync();
        Assert.That((await incoming.Completion).Reason, Is.EqualTo(CallEndReason.RemoteHangup));
    }

    [Test]
    public async Task Wrong_password_gives_up_after_one_retry()
    {
        await using var pair = await UaPair.StartAsync(aOptions: new SipUserAgentOptions { LocalUri = "sip:1001@127.0.0.1", Username = "1001", Password = "wrong" });
        var auth = new DigestAuthenticator("test", new InMemoryCredentialStore(new Dictionary<string, string> { ["1001"] = "pw" }));
        int attempts = 0;
        pair.B.RequestFilter = tx =>
        {
            Interlocked.Increment(ref attempts);
            var b = SipResponseBuilder.CreateResponse(tx.Request, 407);
            b.AddHeader(SipHeaderNames.ProxyAuthenticate, auth.CreateChallenges()[0].ToString());
            pair.B.Respond(tx, b);
            return true;
        };
        var outgoing = await pair.A.CallAsync(pair.UriOfB(), UaPair.Sdp);
        var ended = await outgoing.Completion;
        Assert.That((ended.Reason, ended.StatusCode, attempts), Is.EqualTo((CallEndReason.Rejected, 407, 2)));
    }

    [Test]
    public async Task Reinvite_info_dtmf_and_refer_with_notify()
    {
        await using var pair = await UaPair.StartAsync();
        var (outgoing, incoming) = await pair.EstablishCallAsync();
        await UaPair.Next<CallEstablished>(incoming);

        var hold = UaPair.Sdp + "a=sendonly\r\n";
        var reinvite = await outgoing.ReInviteAsync(Encoding.UTF8.GetBytes(hold));
        Assert.That(reinvite.StatusCode, Is.EqualTo(200));
        var changed = await UaPair.Next<RemoteSdpChanged>(incoming);
        Assert.That(Encoding.UTF8.GetString(changed.Sdp.Span), Does.Contain("a=sendonly"));

        Assert.That((await outgoing.SendDtmfAsync('7', 120)).StatusCode, Is.EqualTo(200));
        var dtmf = await UaPair.Next<DtmfReceived>(incoming);
        Assert.That((dtmf.Digit, dtmf.DurationMs), Is.EqualTo(('7', 120)));
        Assert.That((await incoming.SendInfoAsync("text/plain", "hi"u8.ToArray())).StatusCode, Is.EqualTo(200));
        var info = await UaPair.Next<InfoReceived>(outgoing);
        Assert.That(info.ContentType, Is.EqualTo("text/plain"));

        var refer = await outgoing.ReferAsync("sip:carol@127.0.0.1:5999");
        Assert.That(refer.StatusCode, Is.EqualTo(202));
        var transfer = await UaPair.Next<TransferRequested>(incoming);
        Assert.That(transfer.ReferTo, Is.EqualTo("sip:carol@127.0.0.1:5999"));
        var trying = await UaPair.Next<TransferProgress>(outgoing);
        Assert.That((trying.StatusCode, trying.Final), Is.EqualTo((100, false)));
        await incoming.NotifyTransferResultAsync(200);
        var done = await UaPair.Next<TransferProgress>(outgoing);
        Assert.That((done.StatusCode, done.Final), Is.EqualTo((200, true)));

        await outgoing.HangupAsync();
        await incoming.Completion;
    }

    [Test]
    public async Task Attended_transfer_invite_with_replaces_finds_the_replaced_call()
    {
        await using var pair = await UaPair.StartAsync();
        var (first, firstAtB) = await pair.EstablishCallAsync();

        // Replaces from the sender's (A's) view of the dialog at B: to-tag is B's tag.
        var replaces = $"{first.CallId};to-tag={first.RemoteTag};from-tag={first.LocalTag}";
        var second = await pair.A.CallAsync(pair.UriOfB(), Encoding.UTF8.GetBytes(UaPair.Sdp), replaces);
        var secondAtB = await pair.B.IncomingCalls.ReadAsync();
        Assert.That(secondAtB.Replaced, Is.SameAs(firstAtB));

        var bogus = await pair.A.CallAsync(pair.UriOfB(), Encoding.UTF8.GetBytes(UaPair.Sdp), "nope;to-tag=a;from-tag=b");
        Assert.That((await bogus.Completion).StatusCode, Is.EqualTo(481));
        await secondAtB.RejectAsync(603);
        await first.HangupAsync();
    }

    [Test]
    public async Task A_ua_that_does_not_carry_out_transfers_declines_refer()
    {
        // Issue 10, finding 8: the server answered 202 and then never transferred nor sent the promised NOTIFY.
        await using var pair = await UaPair.StartAsync(aOptions: new SipUserAgentOptions { LocalUri = "sip:alice@127.0.0.1", AcceptTransfers = false });
        var outgoing = await pair.A.CallAsync(pair.UriOfB(), UaPair.Sdp);
        var incoming = await pair.B.IncomingCalls.ReadAsync();
        await incoming.AcceptAsync(UaPair.Sdp);
        await UaPair.Next<CallEstablished>(outgoing);
        await UaPair.Next<CallEstablished>(incoming);

        var refer = await incoming.ReferAsync("sip:carol@127.0.0.1:5999");
        Assert.That(refer.StatusCode, Is.EqualTo(603));
        Assert.That(outgoing.State, Is.EqualTo(CallState.Established), "the call goes on");
        await outgoing.HangupAsync();
    }

    [Test]
    public async Task A_refer_the_application_refuses_gets_403_with_the_reason_and_no_notify()
    {
        // Issue 13: a REFER to an outside URI not in the dial plan is refused at once, before any 202 promises a NOTIFY.
        await using var pair = await UaPair.StartAsync();
        var seen = new List<string>();
        pair.A.TransferFilter = (_, target) =>
        {
            seen.Add(target);
            return target.Contains("evil", StringComparison.Ordinal) ? "not in the dial plan" : null;
        };
        var outgoing = await pair.A.CallAsync(pair.UriOfB(), UaPair.Sdp);
        var incoming = await pair.B.IncomingCalls.ReadAsync();
        await incoming.AcceptAsync(UaPair.Sdp);
        await UaPair.Next<CallEstablished>(outgoing);
        await UaPair.Next<CallEstablished>(incoming);

        var refused = await incoming.ReferAsync("sip:0085212345678@evil.example");
        Assert.That((refused.StatusCode, refused.ReasonPhrase), Is.EqualTo((403, "Forbidden (not in the dial plan)")));
        Assert.That(refused.GetHeader(Telephony.Sip.Messages.SipHeaderNames.Warning), Does.Contain("not in the dial plan"));
        Assert.That(outgoing.State, Is.EqualTo(CallState.Established), "the call goes on");

        // Accepted: 202, the implicit subscription's NOTIFY 100 Trying, then the application's real outcome (a sipfrag), final.
        Assert.That((await incoming.ReferAsync("sip:1050@127.0.0.1")).StatusCode, Is.EqualTo(202));
        var requested = await UaPair.Next<TransferRequested>(outgoing);
        Assert.That((requested.ReferTo, requested.Replaces), Is.EqualTo(("sip:1050@127.0.0.1", (Telephony.Sip.Messages.ReplacesHeader?)null)));
        var trying = await UaPair.Next<TransferProgress>(incoming);
        Assert.That((trying.StatusCode, trying.Final), Is.EqualTo((100, false)));
        await outgoing.NotifyTransferResultAsync(486, "Busy Here");
        var busy = await UaPair.Next<TransferProgress>(incoming);
        Assert.That((busy.StatusCode, busy.Reason, busy.Final), Is.EqualTo((486, "Busy Here", true)));
        Assert.That(seen, Is.EqualTo(new[] { "sip:0085212345678@evil.example", "sip:1050@127.0.0.1" }));
        await outgoing.HangupAsync();
    }

    [Test]
    public async Task Update_refreshes_the_session_and_attended_refer_carries_replaces()
    {
        await using var pair = await UaPair.StartAsync();
        var (call1, call1AtB) = await pair.EstablishCallAsync();
        var (call2, call2AtB) = await pair.EstablishCallAsync(UaPair.Sdp.Replace("40000", "40004", StringComparison.Ordinal));

        var update = await call1.UpdateAsync(Encoding.UTF8.GetBytes(UaPair.Sdp + "a=inactive\r\n"));
        Assert.That(update.StatusCode, Is.EqualTo(200));
        Assert.That(Encoding.UTF8.GetString((await UaPair.Next<RemoteSdpChanged>(call1AtB)).Sdp.Span), Does.Contain("a=inactive"));

        Assert.That((await call1.ReferAsync(pair.UriOfB("carol"), replacing: call2)).StatusCode, Is.EqualTo(202));
        var transfer = await UaPair.Next<TransferRequested>(call1AtB);
        Assert.That(transfer.Replaces, Is.Not.Null);
        Assert.That((transfer.Replaces!.CallId, transfer.Replaces.ToTag, transfer.Replaces.FromTag), Is.EqualTo((call2.CallId, call2.RemoteTag, call2.LocalTag)));
        Assert.That(pair.B.FindCall(transfer.Replaces.CallId, transfer.Replaces.ToTag, transfer.Replaces.FromTag), Is.SameAs(call2AtB));
        await call1.HangupAsync();
        await call2.HangupAsync();
    }

    [Test]
    public async Task Disposing_a_user_agent_ends_its_calls_with_bye()
    {
        var pair = await UaPair.StartAsync();
        try
        {
            var (outgoing, incoming) = await pair.EstablishCallAsync();
            await pair.A.DisposeAsync();
            Assert.That((await outgoing.Completion).Reason, Is.EqualTo(CallEndReason.Failed));
            Assert.That((await incoming.Completion).Reason, Is.EqualTo(CallEndReason.RemoteHangup));
        }
        finally
        {
            await pair.B.DisposeAsync();
        }
    }

    [Test]
    public void Refer_to_replaces_is_escaped_for_a_uri_header() =>
        Assert.That(SipCall.EscapeUriHeader("abc@h;to-tag=1;from-tag=2"), Is.EqualTo("abc%40h%3Bto-tag%3D1%3Bfrom-tag%3D2"));
}
