namespace Telephony.Sip.Tests.Transport;

public class SipDestinationResolverTests
{
    [Test]
    public async Task Literal_hosts_transport_parameter_and_default_port()
    {
        Assert.That(await SipDestinationResolver.ResolveAsync(SipUri.Parse("sip:a@127.0.0.1")),
            Is.EqualTo(SipDestination.Udp(new IPEndPoint(IPAddress.Loopback, 5060))));
        Assert.That(await SipDestinationResolver.ResolveAsync(SipUri.Parse("sip:a@127.0.0.1:5070;transport=tcp")),
            Is.EqualTo(SipDestination.Tcp(new IPEndPoint(IPAddress.Loopback, 5070))));
        Assert.That(await SipDestinationResolver.ResolveAsync(SipUri.Parse("sip:[::1]:5080")),
            Is.EqualTo(SipDestination.Udp(new IPEndPoint(IPAddress.IPv6Loopback, 5080))));
        Assert.That((await SipDestinationResolver.ResolveAsync(SipUri.Parse("sip:localhost:5090"))).EndPoint.Port, Is.EqualTo(5090));
    }

    [Test]
    public void Unsupported_transport_and_sips_are_clear_errors()
    {
        Assert.ThrowsAsync<SipTransportException>(async () => await SipDestinationResolver.ResolveAsync(SipUri.Parse("sip:a@127.0.0.1;transport=sctp")));
        Assert.ThrowsAsync<SipTransportException>(async () => await SipDestinationResolver.ResolveAsync(SipUri.Parse("sips:a@127.0.0.1")));
    }
}
