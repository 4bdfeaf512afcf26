using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Time.Testing;
using Telephony.Sip.Messages;
using Telephony.Sip.Transport;
using static Telephony.Sip.Tests.Stack.StackTestKit;

namespace Telephony.Sip.Tests.Stack;

/// <summary>Answers that keep no state: §8.2.6 stateless responses and the 400 to requests missing headers.</summary>
[CancelAfter(20_000)]
public sealed class StatelessAnswerTests
{
    [Test]
    public async Task A_stateless_refusal_of_an_invite_is_sent_once_and_keeps_no_transaction()
    {
        var clock = new FakeTimeProvider();
        var user = new AnsweringUser();
        user.Answer = tx =>
        {
            var challenge = SipResponseBuilder.CreateResponse(tx.Request, 407);
            challenge.SetHeader(SipHeaderNames.ProxyAuthenticate, "Digest realm=\"x\", nonce=\"n\"");
            Assert.That(tx.TryRespondStatelessly(challenge.Build()), Is.True);
            return null;
        };
        await using var server = await StartEndpointAsync(user, clock, listen: "udp:127.0.0.1:0");
        using var raw = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var invite = RawRequest("INVITE", (IPEndPoint)raw.Client.LocalEndPoint!, "z9hG4bKstateless1");

        await raw.SendTextAsync(invite, server.Local(SipTransportProtocol.Udp));
        Assert.That(StatusOf(await raw.ReceiveTextAsync()), Is.EqualTo(407));
        await WaitUntil(() => server.ServerTransactionCount == 0); // nothing kept for Timer G/H (the 407 may arrive before the table entry leaves)

        // Issue 10, finding 8: a stateful 407 was retransmitted 11 times (Timer G) to a source that may be forged.
        clock.Advance(TimeSpan.FromSeconds(40));
        Assert.That(await raw.DrainAsync(300), Is.Empty, "no retransmission of the 407");

        // The caller's retransmission arrives as a new request and is answered again.
        await raw.SendTextAsync(invite, server.Local(SipTransportProtocol.Udp));
        Assert.That(StatusOf(await raw.ReceiveTextAsync()), Is.EqualTo(407));
        Assert.That(user.Requests, Has.Count.EqualTo(2));
    }

    [Test]
    public async Task A_request_missing_to_from_and_call_id_gets_400_not_silence()
    {
        // RFC 4475 §3.3.1 (insuf): "respond with 400 Bad Request"; it used to be dropped as unanswerable.
        await using var server = await StartEndpointAsync(new AnsweringUser(), listen: "udp:127.0.0.1:0");
        using var raw = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var insuf = "INVITE sip:user@example.com SIP/2.0\r\n" +
            "CSeq: 193942 INVITE\r\n" +
            $"Via: SIP/2.0/UDP {raw.Client.LocalEndPoint};branch=z9hG4bKkdj.insuf\r\n" +
            "Content-Length: 0\r\n\r\n";
        await raw.SendTextAsync(insuf, server.Local(SipTransportProtocol.Udp));
        var answer = await raw.ReceiveTextAsync();
        Assert.That(StatusOf(answer), Is.EqualTo(400));
        Assert.That(answer, Does.Contain("branch=z9hG4bKkdj.insuf"));
        Assert.That(answer, Does.Contain("To, From, Call-ID"));
    }
}
