namespace Telephony.Sip.Tests.Messages;

public class HeaderTests
{
    private static SipMessage Parse(string text)
    {
        Assert.That(SipParser.TryParse(text, out var m, out var e), Is.True, () => e!.Reason);
        return m!;
    }

    private const string Head = "OPTIONS sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:bob@example.com>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\n";

    [Test]
    public void CompactFormsAndCaseInsensitivity()
    {
        var m = Parse("INVITE sip:b@h SIP/2.0\r\nv: SIP/2.0/UDP h;branch=z9hG4bK1\r\nf: <sip:a@h>;tag=1\r\nt: <sip:b@h>\r\ni: abc@h\r\n" +
                      "cseq: 1 INVITE\r\nm: <sip:a@10.0.0.1>\r\nc: application/sdp\r\nk: timer\r\ns: hi\r\ne: gzip\r\no: dialog\r\n" +
                      "u: refer\r\nr: <sip:c@h>\r\nb: <sip:d@h>\r\nx: 1800\r\ny: abc\r\nl: 3\r\n\r\nabc");
        Assert.That(m.TopVia!.Host, Is.EqualTo("h"));
        Assert.That(m.From!.Tag, Is.EqualTo("1"));
        Assert.That(m.To!.Uri.ToString(), Is.EqualTo("sip:b@h"));
        Assert.That(m.CallId, Is.EqualTo("abc@h"));
        Assert.That(m.GetHeader("CALL-ID"), Is.EqualTo("abc@h"));
        Assert.That(m.GetHeader("Call-Id"), Is.EqualTo("abc@h"));
        Assert.That(m.Contacts.Single().Uri.ToString(), Is.EqualTo("sip:a@10.0.0.1"));
        Assert.That(m.ContentType!.MimeType, Is.EqualTo("application/sdp"));
        Assert.That(m.Supported, Is.EqualTo(new[] { "timer" }));
        Assert.That(m.GetHeader("Subject"), Is.EqualTo("hi"));
        Assert.That(m.GetHeader("Content-Encoding"), Is.EqualTo("gzip"));
        Assert.That(m.Event!.EventType, Is.EqualTo("dialog"));
        Assert.That(m.GetHeader("Allow-Events"), Is.EqualTo("refer"));
        Assert.That(m.ReferTo!.Uri.ToString(), Is.EqualTo("sip:c@h"));
        Assert.That(m.GetHeader("Referred-By"), Is.EqualTo("<sip:d@h>"));
        Assert.That(m.GetHeader("Session-Expires"), Is.EqualTo("1800"));
        Assert.That(m.GetHeader("Identity"), Is.EqualTo("abc"));
        Assert.That(m.ContentLength, Is.EqualTo(3));
        Assert.That(m.HasHeader("l"), Is.True);
        Assert.That(SipHeaderNames.Normalize("i"), Is.EqualTo("Call-ID"));
        Assert.That(SipHeaderNames.Normalize("x-custom"), Is.EqualTo("x-custom"));
        Assert.That(SipHeaderNames.AreSame("m", "CONTACT"), Is.True);
    }

    [Test]
    public void FoldedValuesBecomeOneSpace()
    {
        var m = Parse(Head + "Subject: I know you're there,\r\n      pick up the phone\r\n\tand talk to me!\r\nX-Empty:\r\n   late value\r\nContent-Length: 0\r\n\r\n");
        Assert.That(m.GetHeader("Subject"), Is.EqualTo("I know you're there, pick up the phone and talk to me!"));
        Assert.That(m.GetHeader("X-Empty"), Is.EqualTo("late value"));
    }

    [Test]
    public void QuotedStringsWithEscapedQuotes()
    {
        var m = Parse(Head.Replace("From: <sip:a@h>;tag=1", "From: \"Bob \\\"the\\\" Builder, Esq.\\\\\" <sip:bob@h>;tag=9") + "Content-Length: 0\r\n\r\n");
        Assert.That(m.From!.DisplayName, Is.EqualTo("Bob \"the\" Builder, Esq.\\"));
        Assert.That(m.From.Tag, Is.EqualTo("9"));
        Assert.That(NameAddress.Parse(m.From.ToString()).DisplayName, Is.EqualTo(m.From.DisplayName), "re-quoted on output");
    }

    [Test]
    public void CommaListsKeepCommasInsideQuotesAndAngles()
    {
        var m = Parse(Head +
            "Contact: \"Doe, John\" <sip:jo,hn@h1;x=a>;q=0.7;expires=60, <sip:j2@h2>;q=1, sip:j3@h3\r\n" +
            "Contact: <sip:j4@h4>\r\n" +
            "Content-Length: 0\r\n\r\n");
        var c = m.Contacts;
        Assert.That(c, Has.Count.EqualTo(4));
        Assert.That(c[0].DisplayName, Is.EqualTo("Doe, John"));
        Assert.That(c[0].SipUri!.User, Is.EqualTo("jo,hn"));
        Assert.That(c[0].Q, Is.EqualTo(0.7));
        Assert.That(c[0].Expires, Is.EqualTo(60u));
        Assert.That(c[1].Q, Is.EqualTo(1.0));
        Assert.That(c[2].Uri.ToString(), Is.EqualTo("sip:j3@h3"));
        Assert.That(c[3].Uri.ToString(), Is.EqualTo("sip:j4@h4"));
        Assert.That(m.GetHeaderValues("m"), Has.Count.EqualTo(4));
        Assert.That(m.GetHeaderLines("Contact"), Has.Count.EqualTo(2));
    }

    [Test]
    public void DisplayNames()
    {
        Assert.That(NameAddress.Parse("Jürgen Müller <sip:jm@h>").DisplayName, Is.EqualTo("Jürgen Müller"));
        Assert.That(NameAddress.Parse("\"\" <sip:a@h>").DisplayName, Is.Empty);
        Assert.That(NameAddress.Parse("<sip:a@h>").DisplayName, Is.Null);
        Assert.That(NameAddress.TryParse("Bell, Alexander <sip:a@h>", out _, out var e1), Is.False);
        Assert.That(e1, Does.Contain("display name"));
        Assert.That(NameAddress.TryParse("\"open <sip:a@h>", out _, out var e2), Is.False);
        Assert.That(e2, Does.Contain("unterminated"));
        Assert.That(NameAddress.TryParse("<sip:a@h", out _, out var e3), Is.False);
        Assert.That(e3, Does.Contain("'>'"));
        Assert.That(NameAddress.TryParse("sip:a@h junk", out _, out _), Is.False);
        var tel = NameAddress.Parse("tel:+4930123;tag=x");
        Assert.That(tel.Uri.ToString(), Is.EqualTo("tel:+4930123"));
        Assert.That(tel.Tag, Is.EqualTo("x"));
    }

    [Test]
    public void OutboundContactWithQuotedInstance()
    {
        var m = Parse(Head + "Contact: <sip:a@192.0.2.1;ob>;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>\";reg-id=1;expires=600, <sip:a@198.51.100.2>;q=0.1\r\nContent-Length: 0\r\n\r\n");
        Assert.That(m.Contacts, Has.Count.EqualTo(2));
        var c = m.Contacts[0];
        Assert.That(c.SipUri!.Parameters.Contains("ob"), Is.True);
        Assert.That(c.Parameters.Get("+sip.instance"), Is.EqualTo("<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>"));
        Assert.That(c.Parameters.Get("reg-id"), Is.EqualTo("1"));
        Assert.That(c.Expires, Is.EqualTo(600u));
        Assert.That(c.ToString(), Is.EqualTo("<sip:a@192.0.2.1;ob>;+sip.instance=\"<urn:uuid:00000000-0000-1000-8000-AABBCCDDEEFF>\";reg-id=1;expires=600"));
        Assert.That(m.Contacts[1].Q, Is.EqualTo(0.1));
    }

    [Test]
    public void ContactWildcard()
    {
        var m = Parse(Head.Replace("OPTIONS", "REGISTER").Replace("1 REGISTER", "1 REGISTER") + "Contact: *\r\nExpires: 0\r\nContent-Length: 0\r\n\r\n");
        Assert.That(m.IsContactWildcard, Is.True);
        Assert.That(m.Contacts, Is.Empty);
        Assert.That(m.Expires, Is.EqualTo(0u));
    }

    [Test]
    public void ViaDetails()
    {
        Assert.That(ViaHeader.TryParse("SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bKx;received=192.0.2.7;rport=4000;maddr=224.2.0.1;ttl=16;custom", out var v, out var e), Is.True, e);
        Assert.That(v!.Transport, Is.EqualTo("TCP"));
        Assert.That(v.Host, Is.EqualTo("[2001:db8::1]"));
        Assert.That(v.Port, Is.EqualTo(5061));
        Assert.That(v.Branch, Is.EqualTo("z9hG4bKx"));
        Assert.That(v.IsRfc3261Branch, Is.True);
        Assert.That(v.Received, Is.EqualTo("192.0.2.7"));
        Assert.That(v.RPort, Is.EqualTo(4000));
        Assert.That(v.MAddr, Is.EqualTo("224.2.0.1"));
        Assert.That(v.Ttl, Is.EqualTo(16));
        Assert.That(v.Parameters.Contains("custom"), Is.True);
        Assert.That(v.ToString(), Is.EqualTo("SIP/2.0/TCP [2001:db8::1]:5061;branch=z9hG4bKx;received=192.0.2.7;rport=4000;maddr=224.2.0.1;ttl=16;custom"));
        Assert.That(ViaHeader.TryParse("SIP/2.0/UDP h;ttl=300", out _, out var e2), Is.False);
        Assert.That(e2, Does.Contain("ttl"));
        Assert.That(ViaHeader.TryParse("SIP/2.0 h", out _, out _), Is.False);
        Assert.That(ViaHeader.TryParse("SIP/2.0/UDP h:", out _, out _), Is.False);
    }

    [Test]
    public void TopViaParsesOnlyTheFirstValue()
    {
        var m = Parse(Head.Replace("Via: SIP/2.0/UDP h;branch=z9hG4bK1", "Via: SIP/2.0/UDP h;branch=z9hG4bK1, SIP/2.0/UDP ;;bad") + "Content-Length: 0\r\n\r\n");
        Assert.That(m.TopVia!.Branch, Is.EqualTo("z9hG4bK1"));
        Assert.That(m.Via, Is.Empty, "the whole list is malformed");
        Assert.That(m.ValidateHeaders(), Does.Contain("malformed Via"));
        var bad = Parse(Head.Replace("Via: SIP/2.0/UDP h;branch=z9hG4bK1", "Via: SIP/2.0/UDP h;branch=z9hG4bK1 junk") + "Content-Length: 0\r\n\r\n");
        Assert.That(bad.TopVia, Is.Null);
    }

    [Test]
    public void AuthenticationHeaders()
    {
        var m = Parse(Head +
            "WWW-Authenticate: Digest realm=\"atlanta.com\", domain=\"sip:boxesbybob.com\", qop=\"auth,auth-int\", nonce=\"f84f1cec41e6cbe5aea9c8e88d359\", opaque=\"\", stale=FALSE, algorithm=MD5\r\n" +
            "Authorization: Digest username=\"bob\", realm=\"a \\\"b\\\" c\", uri=\"sip:bob@biloxi.com\", response=\"dfe56131d1958046689d83306477ecc\", nc=00000001, qop=auth\r\n" +
            "Proxy-Authorization: Bearer abc.def==\r\n" +
            "Content-Length: 0\r\n\r\n");
        var ch = m.WwwAuthenticate.Single();
        Assert.That(ch.IsDigest, Is.True);
        Assert.That(ch.Get("realm"), Is.EqualTo("atlanta.com"));
        Assert.That(ch.Get("qop"), Is.EqualTo("auth,auth-int"));
        Assert.That(ch.Get("opaque"), Is.EqualTo(string.Empty));
        Assert.That(ch.Get("stale"), Is.EqualTo("FALSE"));
        Assert.That(ch.Get("algorithm"), Is.EqualTo("MD5"));
        var cr = m.Authorization.Single();
        Assert.That(cr.Get("realm"), Is.EqualTo("a \"b\" c"));
        Assert.That(cr.Get("nc"), Is.EqualTo("00000001"));
        Assert.That(cr.ToString(), Does.Contain("realm=\"a \\\"b\\\" c\"").And.Contain("nc=00000001").And.Contain("qop=auth"));
        Assert.That(AuthHeader.TryParse(cr.ToString(), out var again, out _), Is.True);
        Assert.That(again!.Get("response"), Is.EqualTo("dfe56131d1958046689d83306477ecc"));
        var challenge = new AuthHeader("Digest", new SipParameters([new("realm", "r"), new("qop", "auth"), new("nonce", "n"), new("algorithm", "MD5"), new("stale", "true")]));
        Assert.That(challenge.ToString(AuthHeader.ChallengeUnquoted), Is.EqualTo("Digest realm=\"r\", qop=\"auth\", nonce=\"n\", algorithm=MD5, stale=true"));
        Assert.That(challenge.ToString(), Does.Contain("qop=auth,"));
        var bearer = m.ProxyAuthorization.Single();
        Assert.That(bearer.Scheme, Is.EqualTo("Bearer"));
        Assert.That(bearer.Token, Is.EqualTo("abc.def=="));
        Assert.That(AuthHeader.TryParse("Digest realm=\"x", out _, out var err), Is.False);
        Assert.That(err, Does.Contain("unterminated"));
    }

    [Test]
    public void EventReferToReplacesReasonWarning()
    {
        var m = Parse(Head +
            "Event: presence;id=7;x=y\r\n" +
            "Refer-To: <sip:carol@example.com?Replaces=12345%40h%3Bto-tag%3D1%3Bfrom-tag%3D2>\r\n" +
            "Replaces: 12345@192.0.2.1;to-tag=12345;from-tag=54321;early-only\r\n" +
            "Reason: SIP ;cause=200 ;text=\"Call completed elsewhere\"\r\nReason: Q.850;cause=16;text=\"Terminated\"\r\n" +
            "Warning: 307 isi.edu \"Session parameter 'foo' not understood\", 301 isi.edu \"Incompatible network address type 'E.164'\"\r\n" +
            "Require: 100rel, timer\r\nProxy-Require: foo\r\nSupported: \r\nAllow: INVITE,ACK , BYE\r\n" +
            "Content-Length: 0\r\n\r\n");
        Assert.That(m.Event!.EventType, Is.EqualTo("presence"));
        Assert.That(m.Event.Id, Is.EqualTo("7"));
        Assert.That(m.ReferTo!.SipUri!.Headers.Get("Replaces"), Is.EqualTo("12345@h;to-tag=1;from-tag=2"));
        var r = m.Replaces!;
        Assert.That((r.CallId, r.ToTag, r.FromTag, r.EarlyOnly), Is.EqualTo(("12345@192.0.2.1", "12345", "54321", true)));
        Assert.That(m.Reasons.Select(x => (x.Protocol, x.Cause, x.Text)),
            Is.EqualTo(new[] { ("SIP", (int?)200, "Call completed elsewhere"), ("Q.850", (int?)16, "Terminated") }));
        Assert.That(m.Warnings.Select(w => w.Code), Is.EqualTo(new[] { 307, 301 }));
        Assert.That(m.Warnings[1].Text, Is.EqualTo("Incompatible network address type 'E.164'"));
        Assert.That(m.Warnings[0].Agent, Is.EqualTo("isi.edu"));
        Assert.That(m.Require, Is.EqualTo(new[] { "100rel", "timer" }));
        Assert.That(m.ProxyRequire, Is.EqualTo(new[] { "foo" }));
        Assert.That(m.Supported, Is.Empty);
        Assert.That(m.Allow, Is.EqualTo(new[] { "INVITE", "ACK", "BYE" }));
        Assert.That(ReplacesHeader.TryParse("abc;to-tag=1", out _, out var err), Is.False);
        Assert.That(err, Does.Contain("from-tag"));
    }

    [Test]
    public void HeaderLinesEnumerateInOrderWithNamesAsWritten()
    {
        var m = Parse(Head + "X-A: 1\r\nx-a: 2\r\nContent-Length: 0\r\n\r\n");
        Assert.That(m.Headers.Select(h => h.Name), Is.EqualTo(new[] { "Via", "From", "To", "Call-ID", "CSeq", "X-A", "x-a", "Content-Length" }));
        Assert.That(m.GetHeaderValues("x-A"), Is.EqualTo(new[] { "1", "2" }));
        Assert.That(m.CountHeader("X-A"), Is.EqualTo(2));
        Assert.That(m.HeaderCount, Is.EqualTo(8));
    }

    [Test]
    public void MalformedHeaderLinesAreRejectedWithReasons()
    {
        Assert.That(SipParser.TryParse(Head + "No colon here\r\nContent-Length: 0\r\n\r\n", out _, out var e1), Is.False);
        Assert.That(e1!.Reason, Does.Contain("without ':'"));
        Assert.That(e1.CanRespond, Is.True);
        Assert.That(SipParser.TryParse(Head + "Bad Name: x\r\nContent-Length: 0\r\n\r\n", out _, out var e2), Is.False);
        Assert.That(e2!.Reason, Does.Contain("invalid header name"));
        Assert.That(SipParser.TryParse("OPTIONS sip:a@h SIP/2.0\r\n folded-first: x\r\n\r\n", out _, out var e3), Is.False);
        Assert.That(e3!.Reason, Does.Contain("continuation line before the first header"));
        Assert.That(SipParser.TryParse(Head + "Content-Length: 0\r\n", out _, out var e4), Is.False);
        Assert.That(e4!.Kind, Is.EqualTo(SipParseErrorKind.Incomplete));
        Assert.That(SipParser.TryParse(Encoding.ASCII.GetBytes(""), out _, out var e5), Is.False);
        Assert.That(e5!.Reason, Is.EqualTo("empty message"));
        Assert.That(SipParser.TryParse("garbage\r\n\r\n", out _, out var e6), Is.False);
        Assert.That(e6!.Kind, Is.EqualTo(SipParseErrorKind.BadStartLine));
    }

    [TestCase("SIP/2.0 099 Low", "out of range")]
    [TestCase("SIP/2.0 700 High", "out of range")]
    [TestCase("SIP/2.0 20 OK", "three digits")]
    [TestCase("SIP/2.0 2000 OK", "three digits")]
    [TestCase("SIP/2.0", "Status-Line must be")]
    [TestCase("SIP/1.0 200 OK", "unsupported SIP version")]
    public void BadStatusLines(string statusLine, string reason)
    {
        var text = statusLine + "\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n";
        Assert.That(SipParser.TryParse(text, out _, out var e), Is.False);
        Assert.That(e!.Reason, Does.Contain(reason));
        Assert.That(e.CanRespond, Is.False, "responses are never answered");
    }

    [Test]
    public void FirstProblemWinsAndKeepsItsKind()
    {
        var text = "OPTIONS sip:a@h SIP/3.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nbroken line\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n";
        Assert.That(SipParser.TryParse(text, out _, out var e), Is.False);
        Assert.That(e!.Kind, Is.EqualTo(SipParseErrorKind.UnsupportedVersion));
        Assert.That(e.StatusCode, Is.EqualTo(505));
        Assert.That(e.Reason, Does.Contain("SIP/3.0"));
    }

    [Test]
    public void LimitsAreEnforced()
    {
        var many = Head + string.Concat(Enumerable.Range(0, 200).Select(i => $"X-{i}: v\r\n")) + "Content-Length: 0\r\n\r\n";
        Assert.That(SipParser.TryParse(Encoding.ASCII.GetBytes(many), out _, out var e1, new SipParserOptions { MaxHeaderCount = 100 }), Is.False);
        Assert.That(e1!.Kind, Is.EqualTo(SipParseErrorKind.TooLarge));
        Assert.That(e1.Reason, Does.Contain("more than 100 header lines"));
        Assert.That(SipParser.TryParse(Encoding.ASCII.GetBytes(many), out _, out _, new SipParserOptions { MaxHeaderCount = 1000 }), Is.True);
        var big = Head + "X-Big: " + new string('a', 20_000) + "\r\nContent-Length: 0\r\n\r\n";
        Assert.That(SipParser.TryParse(Encoding.ASCII.GetBytes(big), out _, out var e2), Is.False);
        Assert.That(e2!.Reason, Does.Contain("header section exceeds"));
        var body = Head + "Content-Length: 10\r\n\r\n0123456789";
        Assert.That(SipParser.TryParse(Encoding.ASCII.GetBytes(body), out _, out var e3, new SipParserOptions { MaxBodyBytes = 5 }), Is.False);
        Assert.That(e3!.Reason, Does.Contain("exceeds the limit of 5"));
    }
}
