using System.Net;
using Telephony.Sip.Registrar;
using Telephony.Sip.Transport;

namespace Telephony.Sip.Tests.Registrar;

/// <summary>A binding's Source: written by the registrar's host, read back to ring a phone over the connection it registered on.</summary>
public sealed class BindingSourceTests
{
    [TestCase(SipTransportProtocol.Udp, "127.0.0.1", 5090, "udp:127.0.0.1:5090")]
    [TestCase(SipTransportProtocol.Tls, "10.0.0.5", 49152, "tls:10.0.0.5:49152")]
    [TestCase(SipTransportProtocol.Tcp, "::1", 5060, "tcp:[::1]:5060")]
    public void A_source_reads_back_as_written(SipTransportProtocol protocol, string address, int port, string text)
    {
        var remote = new IPEndPoint(IPAddress.Parse(address), port);
        Assert.That(Binding.SourceText(protocol, remote), Is.EqualTo(text));
        Assert.That(Binding.TryReadSource(text, out var read, out var endPoint), Is.True);
        Assert.That((read, endPoint), Is.EqualTo((protocol, remote)));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase(":127.0.0.1:5060")]
    [TestCase("sctp:127.0.0.1:5060")]
    [TestCase("tls:not-an-address")]
    [TestCase("tls")]
    public void Anything_else_is_not_a_source(string? text) =>
        Assert.That(Binding.TryReadSource(text, out _, out _), Is.False);
}
