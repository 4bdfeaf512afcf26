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
    public void Unsupported_transport_is_a_clear_error()
    {
        Assert.ThrowsAsync<SipTransportException>(async () => await SipDestinationResolver.ResolveAsync(SipUri.Parse("sip:a@127.0.0.1;transport=sctp")));
    }

    [Test]
    public async Task Sips_and_transport_tls_go_over_tls_on_5061_with_the_host_as_the_certificate_name()
    {
        // RFC 3261 §26.2.2 / §19.1.2: a sips: URI is reached over TLS, default port 5061.
        Assert.That(await SipDestinationResolver.ResolveAsync(SipUri.Parse("sips:a@127.0.0.1")),
            Is.EqualTo(new SipDestination(SipTransportProtocol.Tls, new IPEndPoint(IPAddress.Loopback, 5061), "127.0.0.1")));
        Assert.That(await SipDestinationResolver.ResolveAsync(SipUri.Parse("sip:a@127.0.0.1:5071;transport=tls")),
            Is.EqualTo(new SipDestination(SipTransportProtocol.Tls, new IPEndPoint(IPAddress.Loopback, 5071), "127.0.0.1")));
        Assert.That((await SipDestinationResolver.ResolveAsync(SipUri.Parse("sips:a@localhost:5081"))).ServerName, Is.EqualTo("localhost"));
        Assert.That((await SipDestinationResolver.ResolveAsync(SipUri.Parse("sips:a@127.0.0.1;transport=tcp"))).Protocol, Is.EqualTo(SipTransportProtocol.Tls),
            "transport=tcp in a sips: URI means TLS over TCP");
        Assert.ThrowsAsync<SipTransportException>(async () => await SipDestinationResolver.ResolveAsync(SipUri.Parse("sips:a@127.0.0.1;transport=udp")),
            "a sips: URI is never reached over UDP");
    }
}
