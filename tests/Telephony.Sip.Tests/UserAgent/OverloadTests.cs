using System.Net;
using Microsoft.Extensions.Time.Testing;
using Telephony.Sip.Messages;
using Telephony.Sip.Stack;
using Telephony.Sip.Tests.Stack;
using Telephony.Sip.Transport;
using Telephony.Sip.UserAgent;

namespace Telephony.Sip.Tests.UserAgent;

/// <summary>
/// Issue 10, findings 6 and 9: only live incoming calls count toward <see cref="SipUserAgentOptions.MaxCalls"/>, overload is
/// refused with a stateless 503 + Retry-After, and the endpoint's T1 governs the calls' timers.
/// </summary>
[CancelAfter(60_000)]
public sealed class OverloadTests
{
    [Test]
    public async Task Short_calls_that_ended_do_not_keep_the_server_refusing_new_ones()
    {
        // 30 slots, 40 calls of well under a second each: the ended calls linger 64·T1 for retransmissions but hold no slot.
        await using var server = await Server.StartAsync(new SipUserAgentOptions { LocalUri = "sip:bob@127.0.0.1", MaxCalls = 30 });
        var answering = server.AnswerEveryCall();
        using var peer = new RawSipPeer();
        for (int i = 0; i < 40; i++)
        {
            var id = $"short-{i}";
            await peer.SendAsync(server.Invite(peer, id), server.Target);
            var final = await peer.ReceiveAsync<SipResponse>(r => r.CallId == id && r.StatusCode >= 200);
            Assert.That(final.StatusCode, Is.EqualTo(200), $"call {i} refused: {final.StatusCode} {final.ReasonPhrase}");
            await peer.SendAsync(server.InDialog("ACK", peer, id, final.To!.Tag!, 1), server.Target);
            await peer.SendAsync(server.InDialog("BYE", peer, id, final.To!.Tag!, 2), server.Target);
            await peer.ReceiveAsync<SipResponse>(r => r.CallId == id && r.CSeq!.Method == "BYE");
        }
        Assert.That(server.Ua.CallCount, Is.GreaterThanOrEqualTo(30), "the ended calls are still held for retransmissions");
    }

    [Test]
    public async Task A_burst_over_MaxCalls_gets_a_stateless_503_with_Retry_After()
    {
        await using var server = await Server.StartAsync(new SipUserAgentOptions { LocalUri = "sip:bob@127.0.0.1", MaxCalls = 5 });
        using var peer = new RawSipPeer();
        for (int i = 0; i < 8; i++)
        {
            await peer.SendAsync(server.Invite(peer, $"burst-{i}"), server.Target); // nobody answers: all stay live
        }
        for (int i = 0; i < 3; i++)
        {
            var refusal = await peer.ReceiveAsync<SipResponse>(r => r.StatusCode >= 300);
            Assert.That(refusal.StatusCode, Is.EqualTo(503));
            Assert.That(refusal.GetHeader(SipHeaderNames.RetryAfter), Is.EqualTo("5"));
        }
        Assert.That(server.Ua.CallCount, Is.EqualTo(5), "no SipCall for a refused INVITE");
        Assert.That((server.Ua.LiveIncomingCalls, server.Ua.OverloadRefusals), Is.EqualTo((5, 3L)));
        // No transaction kept for a refused INVITE (no Timer G/H); the last 503 may arrive before its entry leaves the table.
        await StackTestKit.WaitUntil(() => server.Endpoint.ServerTransactionCount == 5);
    }

    [Test]
    public async Task Without_the_applications_capacity_an_INVITE_gets_a_stateless_503_with_Retry_After()
    {
        // The call manager says "no capacity" when no media port pair is free: refused before any SipCall exists.
        await using var server = await Server.StartAsync(new SipUserAgentOptions { LocalUri = "sip:bob@127.0.0.1" });
        bool capacity = false;
        server.Ua.HasCapacity = () => capacity;
        using var peer = new RawSipPeer();
        await peer.SendAsync(server.Invite(peer, "full-1"), server.Target);
        var refusal = await peer.ReceiveAsync<SipResponse>(r => r.CallId == "full-1" && r.StatusCode >= 200);
        Assert.That((refusal.StatusCode, refusal.GetHeader(SipHeaderNames.RetryAfter)), Is.EqualTo((503, "5")));
        Assert.That((server.Ua.CallCount, server.Ua.LiveIncomingCalls, server.Ua.OverloadRefusals), Is.EqualTo((0, 0, 1L)));
        capacity = true;
        await peer.SendAsync(server.Invite(peer, "full-2"), server.Target);
        await StackTestKit.WaitUntil(() => server.Ua.CallCount == 1);
        Assert.That(server.Ua.OverloadRefusals, Is.EqualTo(1L));
    }

    [Test]
    public async Task A_retransmission_of_a_refused_INVITE_is_refused_again_after_capacity_returns()
    {
        // Issue 10: the first copy of an INVITE got the stateless 503; its retransmission (sent before that 503 arrived)
        // came when a port pair was free again. Answering it gave the caller a 503 and a 200 for one INVITE; a 503 kept
        // in a transaction would have been resent (§17.2.1), so the stateless gate refuses it again. A new INVITE is let in.
        await using var server = await Server.StartAsync(new SipUserAgentOptions { LocalUri = "sip:bob@127.0.0.1" });
        bool capacity = false;
        server.Ua.HasCapacity = () => capacity;
        using var peer = new RawSipPeer();
        var invite = server.Invite(peer, "again-1");
        await peer.SendAsync(invite, server.Target);
        var first = await peer.ReceiveAsync<SipResponse>(r => r.CallId == "again-1" && r.StatusCode >= 200);
        Assert.That(first.StatusCode, Is.EqualTo(503));
        capacity = true;
        await peer.SendAsync(invite, server.Target);
        var second = await peer.ReceiveAsync<SipResponse>(r => r.CallId == "again-1" && r.StatusCode >= 200);
        Assert.That((second.StatusCode, second.GetHeader(SipHeaderNames.RetryAfter)), Is.EqualTo((503, "5")));
        Assert.That((server.Ua.CallCount, server.Ua.OverloadRefusals), Is.EqualTo((0, 2L)));

        await peer.SendAsync(server.Invite(peer, "again-2"), server.Target);
        await StackTestKit.WaitUntil(() => server.Ua.CallCount == 1);
    }

    [Test]
    public async Task An_ACK_with_another_To_tag_does_not_confirm_the_call()
    {
        // Issue 10: the caller ACKed a stateless 503 (To tag X) sent for the first copy of an INVITE whose retransmission
        // we had answered 200 (To tag Y). Its ACK carries the INVITE's branch (§17.1.1.3), so it matches the answered
        // INVITE's transaction (Accepted), but it is not in our dialog (§12.2.2) and must not establish the call: the
        // call then ran the IVR (and held its ports) for a caller who never hangs up, believing it was refused. (The
        // gate now refuses such a retransmission again; an evicted memory of the refusal could still let one in.)
        await using var server = await Server.StartAsync(new SipUserAgentOptions { LocalUri = "sip:bob@127.0.0.1" });
        using var peer = new RawSipPeer();
        var answered = Task.Run(async () =>
        {
            var call = await server.Ua.IncomingCalls.ReadAsync();
            await call.AcceptAsync(UaPair.Sdp);
            return call;
        });
        await peer.SendAsync(server.Invite(peer, "late-ok"), server.Target);
        var ok = await peer.ReceiveAsync<SipResponse>(r => r.CallId == "late-ok" && r.StatusCode == 200);
        var call = await answered;

        var ackFor503 = server.InDialog("ACK", peer, "late-ok", "a-503-tag", 1).Replace("z9hG4bKlate-ok-ACK", "z9hG4bKlate-ok", StringComparison.Ordinal);
        await peer.SendAsync(ackFor503, server.Target);
        await Task.Delay(300);
        Assert.That(call.State, Is.Not.EqualTo(CallState.Established), "an ACK with another To tag confirmed our dialog");

        await peer.SendAsync(server.InDialog("ACK", peer, "late-ok", ok.To!.Tag!, 1), server.Target);
        await StackTestKit.WaitUntil(() => call.State == CallState.Established);
    }

    [Test]
    public async Task An_application_that_does_not_keep_up_causes_503_not_486()
    {
        await using var server = await Server.StartAsync(new SipUserAgentOptions { LocalUri = "sip:bob@127.0.0.1" });
        using var peer = new RawSipPeer();
        // Read while sending: every INVITE queued behind another is told 100 Trying at once, and ~255 of those
        // unread would fill the socket's buffer before the 503s arrive.
        var refused = peer.ReceiveAsync<SipResponse>(r => r.StatusCode >= 300, TimeSpan.FromSeconds(10));
        for (int i = 0; i < 300; i++)
        {
            await peer.SendAsync(server.Invite(peer, $"queue-{i}"), server.Target); // IncomingCalls holds 256 unread calls
        }
        var refusal = await refused;
        Assert.That(refusal.StatusCode, Is.EqualTo(503), "an overloaded accept queue is overload, not a busy callee");
        Assert.That(refusal.GetHeader(SipHeaderNames.RetryAfter), Is.Not.Null);
    }

    [Test]
    public async Task An_INVITE_behind_others_waiting_to_be_answered_gets_100_Trying_at_once()
    {
        // Fake time stands still, so the 200-ms Trying timer never fires: a 100 can only come from the receive path.
        var clock = new FakeTimeProvider();
        await using var server = await Server.StartAsync(new SipUserAgentOptions { LocalUri = "sip:bob@127.0.0.1" }, clock);
        using var peer = new RawSipPeer();
        await peer.SendAsync(server.Invite(peer, "first-in-line"), server.Target); // nobody reads IncomingCalls
        await StackTestKit.WaitUntil(() => server.Ua.CallCount == 1, 3000); // in line before the second is sent
        await peer.SendAsync(server.Invite(peer, "second-in-line"), server.Target);

        var trying = await peer.ReceiveAsync<SipResponse>(r => r.StatusCode == 100, TimeSpan.FromSeconds(5));
        Assert.That(trying.CallId, Is.EqualTo("second-in-line"), "the INVITE with another before it is told Trying");
        Assert.That(trying.To!.Tag, Is.Null, "a 100 from the transaction carries no To tag (§8.2.6.2)");
        Assert.ThrowsAsync<TimeoutException>(() => peer.ReceiveAsync<SipResponse>(r => r.CallId == "first-in-line", TimeSpan.FromMilliseconds(500)),
            "the first in line may still be answered within 200 ms: its Trying stays with the timer");
    }

    [Test]
    public async Task The_endpoint_T1_shortens_the_ended_call_hold_over()
    {
        // Sip:T1 = 100 ms must reach the call layer: an ended call is held 64·T1 = 6.4 s, not 32 s.
        var clock = new FakeTimeProvider();
        await using var server = await Server.StartAsync(new SipUserAgentOptions { LocalUri = "sip:bob@127.0.0.1" }, clock, TimeSpan.FromMilliseconds(100));
        var answering = server.AnswerEveryCall();
        using var peer = new RawSipPeer();
        await peer.SendAsync(server.Invite(peer, "t1-call"), server.Target);
        var ok = await peer.ReceiveAsync<SipResponse>(r => r.StatusCode == 200);
        await peer.SendAsync(server.InDialog("ACK", peer, "t1-call", ok.To!.Tag!, 1), server.Target);
        await peer.SendAsync(server.InDialog("BYE", peer, "t1-call", ok.To!.Tag!, 2), server.Target);
        await peer.ReceiveAsync<SipResponse>(r => r.CSeq!.Method == "BYE");
        Assert.That(server.Ua.CallCount, Is.EqualTo(1));

        // Advance in small steps: the call arms its hold-over timer after it answered the BYE, which
        // may be just after the 200 reached us. 15 s of fake time is far short of the old fixed 32 s.
        for (int step = 0; step < 30 && server.Ua.CallCount != 0; step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(500));
            await Task.Delay(20);
        }
        await StackTestKit.WaitUntil(() => server.Ua.CallCount == 0, 3000);
    }

    [Test]
    public async Task An_empty_product_sends_no_Server_header()
    {
        await using var server = await Server.StartAsync(new SipUserAgentOptions { LocalUri = "sip:bob@127.0.0.1", Product = "" });
        using var peer = new RawSipPeer();
        var options = server.Invite(peer, "opt-1").Replace("INVITE", "OPTIONS", StringComparison.Ordinal);
        await peer.SendAsync(options, server.Target);
        var ok = await peer.ReceiveAsync<SipResponse>(r => r.StatusCode == 200);
        Assert.That(ok.HasHeader(SipHeaderNames.Server), Is.False);
    }

    /// <summary>A UA on its own endpoint (so the test can set the endpoint's timers) and raw messages for a peer.</summary>
    private sealed class Server : IAsyncDisposable
    {
        private Server(SipEndpoint endpoint, SipUserAgent ua)
        {
            Endpoint = endpoint;
            Ua = ua;
            Target = new IPEndPoint(IPAddress.Loopback, endpoint.LocalEndPoints[0].EndPoint.Port);
        }

        public SipEndpoint Endpoint { get; }

        public SipUserAgent Ua { get; }

        public IPEndPoint Target { get; }

        public static async Task<Server> StartAsync(SipUserAgentOptions options, TimeProvider? clock = null, TimeSpan? t1 = null)
        {
            var endpointOptions = new SipEndpointOptions { WarnAgent = "test" };
            endpointOptions.Listen.Add(new SipListenEndpoint(SipTransportProtocol.Udp, new IPEndPoint(IPAddress.Loopback, 0)));
            if (t1 is { } configured)
            {
                endpointOptions.Timers.T1 = configured;
            }
            var endpoint = new SipEndpoint(endpointOptions, new AnsweringUser(), null, clock);
            var ua = new SipUserAgent(endpoint, options);
            await endpoint.StartAsync();
            return new Server(endpoint, ua);
        }

        /// <summary>Accepts every incoming call until the UA stops.</summary>
        public Task AnswerEveryCall() => Task.Run(async () =>
        {
            await foreach (var call in Ua.IncomingCalls.ReadAllAsync())
            {
                await call.AcceptAsync(UaPair.Sdp);
            }
        });

        public string Invite(RawSipPeer peer, string callId) =>
            $"INVITE sip:bob@127.0.0.1:{Target.Port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{peer.Port};branch=z9hG4bK{callId}\r\n" +
            $"From: <sip:alice@127.0.0.1>;tag=a-{callId}\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: {callId}\r\nCSeq: 1 INVITE\r\n" +
            $"Contact: <sip:alice@127.0.0.1:{peer.Port}>\r\nMax-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: {UaPair.Sdp.Length}\r\n\r\n{UaPair.Sdp}";

        public string InDialog(string method, RawSipPeer peer, string callId, string toTag, int cseq) =>
            $"{method} sip:bob@127.0.0.1:{Target.Port} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{peer.Port};branch=z9hG4bK{callId}-{method}\r\n" +
            $"From: <sip:alice@127.0.0.1>;tag=a-{callId}\r\nTo: <sip:bob@127.0.0.1>;tag={toTag}\r\nCall-ID: {callId}\r\nCSeq: {cseq} {method}\r\n" +
            "Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n";

        public async ValueTask DisposeAsync()
        {
            await Ua.DisposeAsync();
            await Endpoint.DisposeAsync();
        }
    }
}
