using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Telephony.Calls.Tracing;
using Telephony.Media.Rtp;
using Telephony.Sip.Messages;
using Telephony.Sip.Transport;

namespace Telephony.Calls.Tests.Tracing;

/// <summary>A call's trace is bounded per call and in total, whatever the signalling does.</summary>
public sealed class CallTracesTests
{
    private static byte[] Message(string firstLine, string callId, string cseq, string extra = "") => Encoding.UTF8.GetBytes(
        $"{firstLine}\r\nVia: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-{cseq.Replace(' ', '-')};rport\r\n" +
        $"From: <sip:citizen@127.0.0.1>;tag=ft1\r\nTo: <sip:12345@127.0.0.1>\r\nCall-ID: {callId}\r\nCSeq: {cseq}\r\n{extra}Content-Length: 0\r\n\r\n");

    private static CallTraces Traces(int perCall = 64, int maxCalls = 10) =>
        new(new CallManagerOptions { TraceMessagesPerCall = perCall, TraceMaxCalls = maxCalls }, TimeProvider.System, NullLogger<CallTraces>.Instance);

    [Test]
    public void A_call_with_100000_messages_keeps_its_cap_and_its_first_messages()
    {
        using var traces = Traces(perCall: 64);
        traces.OnSipMessage(SipTraceDirection.In, default, Message("INVITE sip:12345@127.0.0.1 SIP/2.0", "flood", "1 INVITE"));
        for (int i = 0; i < 100_000; i++)
        {
            traces.OnSipMessage(SipTraceDirection.In, default, Message("INFO sip:12345@127.0.0.1 SIP/2.0", "flood", $"{i + 2} INFO"));
        }
        var view = traces.Find("flood")!;
        Assert.That(view.Messages, Has.Count.EqualTo(64));
        Assert.That(view.DroppedMessages, Is.EqualTo(100_001 - 64));
        Assert.That(view.Messages[0].Message.Method, Is.EqualTo("INVITE"), "the call's start is kept");
        Assert.That(view.Messages[^1].Message.CSeq, Is.EqualTo("100001 INFO"), "and its latest messages");
        Assert.That(view.Messages.Skip(16).Select(m => m.Message.CSeq), Is.Ordered.Using<string>(Comparer<string>.Create((a, b) =>
            int.Parse(a.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture).CompareTo(int.Parse(b.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture)))));
    }

    [Test]
    public void Beyond_the_total_cap_new_calls_go_untraced_until_ended_ones_make_room()
    {
        using var traces = Traces(maxCalls: 10);
        for (int i = 0; i < 50; i++)
        {
            traces.OnSipMessage(SipTraceDirection.In, default, Message("INVITE sip:12345@127.0.0.1 SIP/2.0", $"call-{i}", "1 INVITE"));
        }
        Assert.That((traces.Count, traces.Untraced), Is.EqualTo((10, 40L)));
        Assert.That(traces.Find("call-9"), Is.Not.Null);
        Assert.That(traces.Find("call-10"), Is.Null);

        traces.CallEnded("call-3", TimeSpan.Zero);
        traces.OnSipMessage(SipTraceDirection.In, default, Message("INVITE sip:12345@127.0.0.1 SIP/2.0", "call-new", "1 INVITE"));
        Assert.That(traces.Count, Is.EqualTo(10));
        Assert.That(traces.Find("call-new"), Is.Not.Null, "an ended call's trace (already saved) gave way");
    }

    [Test]
    public void Invites_that_never_became_calls_give_way_once_timer_b_ran_out_and_live_calls_never_do()
    {
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-05T08:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var traces = new CallTraces(new CallManagerOptions { TraceMaxCalls = 10 }, time, NullLogger<CallTraces>.Instance)
        {
            IsLive = id => id.StartsWith("live-", StringComparison.Ordinal),
        };
        for (int i = 0; i < 10; i++)
        {
            traces.OnSipMessage(SipTraceDirection.In, default, Message("INVITE sip:12345@127.0.0.1 SIP/2.0", i % 2 == 0 ? $"live-{i}" : $"refused-{i}", "1 INVITE"));
        }
        traces.OnSipMessage(SipTraceDirection.In, default, Message("INVITE sip:12345@127.0.0.1 SIP/2.0", "early", "1 INVITE"));
        Assert.That(traces.Find("early"), Is.Null, "an INVITE refused a moment ago may still become a call: it keeps its trace");

        time.Advance(TimeSpan.FromSeconds(33));
        for (int i = 0; i < 8; i++)
        {
            traces.OnSipMessage(SipTraceDirection.In, default, Message("INVITE sip:12345@127.0.0.1 SIP/2.0", $"later-{i}", "1 INVITE"));
        }
        Assert.That(Enumerable.Range(0, 10).Where(i => i % 2 == 0).Select(i => traces.Find($"live-{i}")), Has.All.Not.Null, "live calls keep their traces");
        Assert.That(Enumerable.Range(0, 10).Where(i => i % 2 == 1).Select(i => traces.Find($"refused-{i}")), Has.All.Null);
        Assert.That(Enumerable.Range(0, 5).Select(i => traces.Find($"later-{i}")), Has.All.Not.Null);
        Assert.That(traces.Count, Is.EqualTo(10));
    }

    [Test]
    public void Dialogs_the_b2bua_dials_join_their_call_and_other_requests_are_not_traced()
    {
        using var traces = Traces();
        traces.OnSipMessage(SipTraceDirection.In, default, Message("INVITE sip:12345@127.0.0.1 SIP/2.0", "caller-leg", "1 INVITE"));
        traces.OnSipMessage(SipTraceDirection.Out, default, Message("INVITE sip:1001@127.0.0.1 SIP/2.0", "agent-leg", "1 INVITE", "X-Telephony-Call: caller-leg\r\n"));
        traces.OnSipMessage(SipTraceDirection.In, default, Message("SIP/2.0 180 Ringing", "agent-leg", "1 INVITE"));
        traces.OnSipMessage(SipTraceDirection.In, default, Message("REGISTER sip:127.0.0.1 SIP/2.0", "some-phone", "7 REGISTER"));
        var view = traces.Find("caller-leg")!;
        Assert.That(view.Messages.Select(m => (m.Dialog, m.Direction, Label(m.Message))),
            Is.EqualTo(new[] { (0, SipTraceDirection.In, "INVITE"), (1, SipTraceDirection.Out, "INVITE"), (1, SipTraceDirection.In, "180") }));
        Assert.That(traces.Find("some-phone"), Is.Null);
        Assert.That(traces.Count, Is.EqualTo(1));
    }

    [Test]
    public void Quality_samples_cover_each_interval()
    {
        using var traces = Traces();
        traces.OnSipMessage(SipTraceDirection.In, default, Message("INVITE sip:12345@127.0.0.1 SIP/2.0", "q", "1 INVITE"));
        Assert.That(traces.Sample("q", "caller", Stats(received: 250, lost: 0, jitter: 2))!.Mos, Is.EqualTo(4.39).Within(0.02));
        // The next 5 s: 245 received, 5 more lost → 2 % in that interval alone.
        var second = traces.Sample("q", "caller", Stats(received: 495, lost: 5, jitter: 10, rtt: 100))!;
        Assert.That((second.PacketsReceived, second.PacketsLost, second.LossPercent), Is.EqualTo((245L, 5L, 2.0)));
        Assert.That(second.Mos, Is.EqualTo(4.17).Within(0.005));
        Assert.That(traces.Find("q")!.Quality, Has.Count.EqualTo(2));
    }

    [Test]
    public void Fields_are_read_from_long_and_compact_headers()
    {
        var bytes = Encoding.UTF8.GetBytes("SIP/2.0 486 Busy Here\r\nv: SIP/2.0/UDP 10.0.0.1;branch=z9hG4bKabc\r\nf: \"A\" <sip:a@x>;tag=111\r\n" +
            "t: <sip:b@x;lr>;tag=222\r\ni: id@host\r\nCSeq: 3 INVITE\r\nm: <sip:b@10.0.0.2>\r\nReason: Q.850;cause=17\r\n\r\n");
        Assert.That(SipTraceFields.TryRead(bytes, out var f), Is.True);
        Assert.That((f!.IsRequest, f.StatusCode, f.Method, f.ViaBranch, f.FromTag, f.ToTag, f.CallId, f.Contact, f.Reason),
            Is.EqualTo((false, 486, "INVITE", "z9hG4bKabc", "111", "222", "id@host", "<sip:b@10.0.0.2>", "Q.850;cause=17")));
    }

    private static string Label(SipTraceFields m) => m.IsRequest ? m.Method! : m.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static RtpStreamStatistics Stats(long received, long lost, double jitter, double? rtt = null) =>
        new(received, received * 172, 0, 0, lost, jitter, null, 1, null, true, 0, rtt, null, null);
}
