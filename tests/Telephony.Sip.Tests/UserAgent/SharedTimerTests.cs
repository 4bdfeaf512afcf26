namespace Telephony.Sip.Tests.UserAgent;

/// <summary>The UA's per-call timers are entries in the endpoint's one timer queue, driven by its clock.</summary>
[CancelAfter(30_000)]
public sealed class SharedTimerTests
{
    [Test]
    public async Task Uas_2xx_retransmission_runs_off_the_shared_queue_on_fake_time()
    {
        var clock = new FakeTimeProvider();
        await using var ua = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:bob@127.0.0.1" }, time: clock);
        using var peer = new RawSipPeer();
        var uaPort = ua.Endpoint.LocalEndPoints[0].EndPoint.Port;
        var target = new IPEndPoint(IPAddress.Loopback, uaPort);
        var invite = $"INVITE sip:bob@127.0.0.1:{uaPort} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{peer.Port};branch=z9hG4bKshared1\r\n" +
            $"From: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: shared-1\r\nCSeq: 1 INVITE\r\n" +
            $"Contact: <sip:alice@127.0.0.1:{peer.Port}>\r\nMax-Forwards: 70\r\nContent-Type: application/sdp\r\nContent-Length: {UaPair.Sdp.Length}\r\n\r\n{UaPair.Sdp}";

        await peer.SendAsync(invite, target);
        var call = await ua.IncomingCalls.ReadAsync();
        await call.AcceptAsync(UaPair.Sdp);
        var ok = await peer.ReceiveAsync<SipResponse>(r => r.StatusCode == 200);
        int withRetransmit = ua.Endpoint.TimerCount;

        // No wall-clock time drives it: nothing is retransmitted until the fake clock moves.
        Assert.That(async () => await peer.ReceiveAsync<SipResponse>(r => r.StatusCode == 200, TimeSpan.FromMilliseconds(300)), Throws.InstanceOf<TimeoutException>());
        // T1 = 500 ms, then 1 s, 2 s (§13.3.1.4): each step of fake time yields one retransmission.
        foreach (var step in new[] { 500, 1000, 2000 })
        {
            clock.Advance(TimeSpan.FromMilliseconds(step));
            var again = await peer.ReceiveAsync<SipResponse>(r => r.StatusCode == 200, TimeSpan.FromSeconds(5));
            Assert.That(again.CallId, Is.EqualTo("shared-1"));
        }
        Assert.That(ua.Endpoint.TimerCount, Is.EqualTo(withRetransmit), "one queue entry per pending retransmission, re-scheduled each time");

        var ack = $"ACK sip:bob@127.0.0.1:{uaPort} SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:{peer.Port};branch=z9hG4bKsharedack\r\n" +
            $"From: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>;tag={ok.To!.Tag}\r\nCall-ID: shared-1\r\nCSeq: 1 ACK\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
        await peer.SendAsync(ack, target);
        await UaPair.Next<CallEstablished>(call);
        Assert.That(ua.Endpoint.TimerCount, Is.EqualTo(withRetransmit - 1), "the ACK removes the retransmission entry from the shared queue");

        clock.Advance(TimeSpan.FromSeconds(8));
        Assert.That(async () => await peer.ReceiveAsync<SipResponse>(r => r.StatusCode == 200, TimeSpan.FromMilliseconds(300)), Throws.InstanceOf<TimeoutException>());
    }

    [Test]
    public async Task DelayAsync_completes_on_the_queue_and_cancellation_removes_the_entry()
    {
        var clock = new FakeTimeProvider();
        using var queue = new Telephony.Sip.Timers.SipTimerQueue(clock);
        var due = queue.DelayAsync(TimeSpan.FromSeconds(1));
        using var cts = new CancellationTokenSource();
        var cancelled = queue.DelayAsync(TimeSpan.FromSeconds(1), cts.Token);
        Assert.That(queue.Count, Is.EqualTo(2));
        await cts.CancelAsync();
        Assert.That(queue.Count, Is.EqualTo(1));
        Assert.That(async () => await cancelled, Throws.InstanceOf<OperationCanceledException>());
        Assert.That(due.IsCompleted, Is.False);
        clock.Advance(TimeSpan.FromSeconds(1));
        await due;
        Assert.That(queue.Count, Is.EqualTo(0));
    }
}
