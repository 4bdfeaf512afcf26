namespace Telephony.Sip.Tests.Stack;

[CancelAfter(20_000)]
public sealed class AdmissionTests
{
    [Test]
    public async Task Refused_source_gets_no_response_and_no_transaction_while_others_are_answered()
    {
        var user = new AnsweringUser();
        var banned = IPAddress.Parse("127.0.0.2");
        await using var server = await StartEndpointAsync(user);
        server.RequestAdmission = (_, flow) => !flow.Remote.Address.Equals(banned);

        using var scanner = new UdpClient(new IPEndPoint(banned, 0));
        var scannerAt = (IPEndPoint)scanner.Client.LocalEndPoint!;
        await scanner.SendTextAsync(RawRequest("OPTIONS", scannerAt, "z9hG4bKban1", callId: "ban-1"), server.Local(SipTransportProtocol.Udp));
        Assert.That(async () => await scanner.ReceiveTextAsync(500), Throws.InstanceOf<OperationCanceledException>(), "no answer to a refused source");

        using var good = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        var goodAt = (IPEndPoint)good.Client.LocalEndPoint!;
        await good.SendTextAsync(RawRequest("OPTIONS", goodAt, "z9hG4bKok1", callId: "ok-1"), server.Local(SipTransportProtocol.Udp));
        Assert.That(StatusOf(await good.ReceiveTextAsync()), Is.EqualTo(200));
        Assert.That(user.Requests.Select(t => t.Request.CallId), Is.EqualTo(new[] { "ok-1" }), "only the admitted request reached the transaction layer");
    }
}
