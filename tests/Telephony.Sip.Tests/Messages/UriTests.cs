namespace Telephony.Sip.Tests.Messages;

public class UriTests
{
    [Test]
    public void SipUriComponents()
    {
        var u = SipUri.Parse("sips:alice:secret@Atlanta.example.com:5061;transport=tcp;lr;maddr=239.255.255.1;ttl=15?subject=project%20x&priority=urgent");
        Assert.That(u.IsSecure, Is.True);
        Assert.That(u.Scheme, Is.EqualTo("sips"));
        Assert.That(u.User, Is.EqualTo("alice"));
        Assert.That(u.Password, Is.EqualTo("secret"));
        Assert.That(u.Host, Is.EqualTo("Atlanta.example.com"));
        Assert.That(u.Port, Is.EqualTo(5061));
        Assert.That(u.Transport, Is.EqualTo("tcp"));
        Assert.That(u.LooseRouting, Is.True);
        Assert.That(u.MAddr, Is.EqualTo("239.255.255.1"));
        Assert.That(u.Parameters.Get("ttl"), Is.EqualTo("15"));
        Assert.That(u.Headers.Get("subject"), Is.EqualTo("project x"));
        Assert.That(u.Headers.Get("priority"), Is.EqualTo("urgent"));
    }

    [Test]
    public void Ipv6Reference()
    {
        var u = SipUri.Parse("sip:bob@[2001:db8::10]:5070;transport=udp");
        Assert.That(u.Host, Is.EqualTo("[2001:db8::10]"));
        Assert.That(u.Port, Is.EqualTo(5070));
        Assert.That(SipUri.Parse("sip:[::1]").Port, Is.Null);
        Assert.That(u, Is.EqualTo(SipUri.Parse("sip:bob@[2001:DB8:0::10]:5070;transport=UDP")));
        Assert.That(SipUri.TryParse("sip:bob@[2001:db8::zz]", out _, out var e1), Is.False);
        Assert.That(e1, Does.Contain("IPv6"));
        Assert.That(SipUri.TryParse("sip:bob@[2001:db8::1", out _, out var e2), Is.False);
        Assert.That(e2, Does.Contain("unterminated"));
    }

    [Test]
    public void EscapesAreDecodedAndReencoded()
    {
        var u = SipUri.Parse("sip:%61lice%20smith@example.com;n%61me=v%61lue%25");
        Assert.That(u.User, Is.EqualTo("alice smith"));
        Assert.That(u.Parameters.Get("name"), Is.EqualTo("value%"));
        var built = new SipUri("example.com", "alice smith", parameters: new SipParameters([new SipParameter("name", "value%")]));
        Assert.That(built.ToString(), Is.EqualTo("sip:alice%20smith@example.com;name=value%25"));
        Assert.That(built, Is.EqualTo(u));
        Assert.That(SipUri.Parse(built.ToString()), Is.EqualTo(built));
    }

    [Test]
    public void InvalidSipUris()
    {
        foreach (var bad in new[] { "sip:", "sip:@example.com", "sip:user@", "sip:user@exa mple.com", "sip:user@example.com:99999",
                     "sip:user@example.com:port", "sip:us%2er@example.com;=x", "sip:user@example.com;a=", "sip:user@example.com?x", "sip:u<s@h" })
        {
            Assert.That(AddressUri.TryParse(bad, out _, out var err), Is.False, bad);
            Assert.That(err, Is.Not.Empty);
        }
    }

    [Test]
    public void EqualityPerRfc3261Section19_1_4()
    {
        // Examples from §19.1.4 that are equivalent.
        Assert.That(SipUri.Parse("sip:%61lice@atlanta.com;transport=TCP"), Is.EqualTo(SipUri.Parse("sip:alice@AtLanTa.CoM;Transport=tcp")));
        Assert.That(SipUri.Parse("sip:carol@chicago.com"), Is.EqualTo(SipUri.Parse("sip:carol@chicago.com;newparam=5")));
        Assert.That(SipUri.Parse("sip:carol@chicago.com;security=on"), Is.EqualTo(SipUri.Parse("sip:carol@chicago.com;newparam=5")));
        Assert.That(SipUri.Parse("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com"),
            Is.EqualTo(SipUri.Parse("sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com")));
        Assert.That(SipUri.Parse("sip:alice@atlanta.com?subject=project%20x&priority=urgent"),
            Is.EqualTo(SipUri.Parse("sip:alice@atlanta.com?priority=urgent&subject=project%20x")));
        // ... and not equivalent.
        Assert.That(SipUri.Parse("SIP:ALICE@AtLanTa.CoM;Transport=udp"), Is.Not.EqualTo(SipUri.Parse("sip:alice@AtLanTa.CoM;Transport=UDP")));
        Assert.That(SipUri.Parse("sip:bob@biloxi.com"), Is.Not.EqualTo(SipUri.Parse("sip:bob@biloxi.com:5060")));
        Assert.That(SipUri.Parse("sip:bob@biloxi.com"), Is.Not.EqualTo(SipUri.Parse("sip:bob@biloxi.com;transport=udp")));
        Assert.That(SipUri.Parse("sip:bob@biloxi.com"), Is.Not.EqualTo(SipUri.Parse("sip:bob@biloxi.com:6000;transport=tcp")));
        Assert.That(SipUri.Parse("sip:carol@chicago.com"), Is.Not.EqualTo(SipUri.Parse("sip:carol@chicago.com?Subject=next%20meeting")));
        Assert.That(SipUri.Parse("sip:bob@phone21.boxesbybob.com"), Is.Not.EqualTo(SipUri.Parse("sip:bob@192.0.2.4")));
        Assert.That(SipUri.Parse("sip:carol@chicago.com;security=on"), Is.Not.EqualTo(SipUri.Parse("sip:carol@chicago.com;security=off")));
        Assert.That(SipUri.Parse("sip:a@h"), Is.Not.EqualTo(SipUri.Parse("sips:a@h")));
        // Hash codes agree with equality.
        Assert.That(SipUri.Parse("sip:%61lice@atlanta.com").GetHashCode(), Is.EqualTo(SipUri.Parse("sip:alice@ATLANTA.com").GetHashCode()));
    }

    [Test]
    public void TelAndGenericUris()
    {
        var t = (TelUri)AddressUri.Parse("tel:+1-201-555-0123;phone-context=example.com");
        Assert.That(t.Number, Is.EqualTo("+1-201-555-0123"));
        Assert.That(t.IsGlobal, Is.True);
        Assert.That(t.Parameters.Get("phone-context"), Is.EqualTo("example.com"));
        Assert.That(t, Is.EqualTo(AddressUri.Parse("tel:+1(201)5550123;PHONE-CONTEXT=example.com")));
        Assert.That(AddressUri.Parse("tel:7042"), Is.InstanceOf<TelUri>());
        Assert.That(AddressUri.TryParse("tel:hello world", out _, out _), Is.False);
        var g = AddressUri.Parse("urn:service:sos");
        Assert.That(g, Is.InstanceOf<GenericUri>());
        Assert.That(g.Scheme, Is.EqualTo("urn"));
        Assert.That(((GenericUri)g).SchemeSpecificPart, Is.EqualTo("service:sos"));
        Assert.That(AddressUri.TryParse("1abc:x", out _, out _), Is.False);
        Assert.That(AddressUri.TryParse("noscheme", out _, out var err), Is.False);
        Assert.That(err, Does.Contain("no scheme"));
    }

    [Test]
    public void ModifiersProduceNewUris()
    {
        var u = SipUri.Parse("sip:alice@example.com;transport=udp");
        var v = u.WithParameter("lr", null).WithoutParameter("transport").WithHostPort("10.0.0.1", 5080);
        Assert.That(v.ToString(), Is.EqualTo("sip:alice@10.0.0.1:5080;lr"));
        Assert.That(u.ToString(), Is.EqualTo("sip:alice@example.com;transport=udp"));
        Assert.That(SipUri.Parse("sip:a@h?x=1").WithoutHeaders().ToString(), Is.EqualTo("sip:a@h"));
    }
}
