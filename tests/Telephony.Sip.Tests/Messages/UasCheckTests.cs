namespace Telephony.Sip.Tests.Messages;

public class UasCheckTests
{
    private static SipRequest Req(string method, string extraHeaders = "", string body = "", string ruri = "sip:bob@example.com")
    {
        var text = $"{method} {ruri} SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:bob@example.com>\r\n" +
                   $"Call-ID: c1\r\nCSeq: 1 {method}\r\nMax-Forwards: 70\r\n{extraHeaders}Content-Length: {body.Length}\r\n\r\n{body}";
        Assert.That(SipParser.TryParse(text, out var m, out var e), Is.True, () => e!.Reason);
        return (SipRequest)m!;
    }

    [Test]
    public void KnownButNotAllowedMethodGets405WithAllow()
    {
        var v = UasRequestCheck.Check(Req("PUBLISH"), new UasPolicy { AllowedMethods = ["INVITE", "ACK", "BYE"] });
        Assert.That(v.StatusCode, Is.EqualTo(405));
        Assert.That(v.ResponseHeaders.Single(), Is.EqualTo(new SipHeader("Allow", "INVITE, ACK, BYE")));
        var resp = v.CreateResponse(Req("PUBLISH"), "h")!.Build();
        Assert.That(resp.Allow, Is.EqualTo(new[] { "INVITE", "ACK", "BYE" }));
    }

    [Test]
    public void UnknownContentEncodingGets415WithAcceptEncoding()
    {
        var v = UasRequestCheck.Check(Req("INVITE", "Content-Type: application/sdp\r\nContent-Encoding: gzip\r\n", "v=0\r\n"));
        Assert.That(v.StatusCode, Is.EqualTo(415));
        Assert.That(v.ResponseHeaders.Single().Name, Is.EqualTo("Accept-Encoding"));
    }

    [Test]
    public void BodyWithoutContentTypeGets415()
    {
        var v = UasRequestCheck.Check(Req("INVITE", "", "v=0\r\n"));
        Assert.That(v.StatusCode, Is.EqualTo(415));
        Assert.That(v.Problem, Does.Contain("(none)"));
    }

    [Test]
    public void RequireIsIgnoredForAckAndSupportedOptionsPass()
    {
        Assert.That(UasRequestCheck.Check(Req("ACK", "Require: foo\r\n")).IsAccepted, Is.True);
        var policy = new UasPolicy { Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "replaces", "timer" } };
        Assert.That(UasRequestCheck.Check(Req("INVITE", "Require: replaces, Timer\r\n"), policy).IsAccepted, Is.True);
        Assert.That(UasRequestCheck.Check(Req("INVITE", "Require: replaces, 100rel\r\n"), policy).ResponseHeaders.Single().Value, Is.EqualTo("100rel"));
    }

    [Test]
    public void TelRequestUriNeedsPolicy()
    {
        var r = Req("INVITE", ruri: "tel:+15551234567");
        Assert.That(UasRequestCheck.Check(r).StatusCode, Is.EqualTo(416));
        var policy = new UasPolicy { UriSchemes = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "sip", "sips", "tel" } };
        Assert.That(UasRequestCheck.Check(r, policy).IsAccepted, Is.True);
    }

    [Test]
    public void AcceptWildcardsSatisfyInvite()
    {
        Assert.That(UasRequestCheck.Check(Req("INVITE", "Accept: application/*\r\n")).IsAccepted, Is.True);
        Assert.That(UasRequestCheck.Check(Req("INVITE", "Accept: */*\r\n")).IsAccepted, Is.True);
        Assert.That(UasRequestCheck.Check(Req("INVITE", "Accept: text/html\r\n")).StatusCode, Is.EqualTo(406));
    }

    [Test]
    public void AckIsNeverAnswered()
    {
        var ack = Req("ACK", "Expires: soon\r\n");
        var v = UasRequestCheck.Check(ack);
        Assert.That(v.StatusCode, Is.EqualTo(400));
        Assert.That(v.CanRespond, Is.False);
        Assert.That(v.CreateResponse(ack, "h"), Is.Null);
        var text = "ACK sip:a@h SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>;tag=2\r\nCall-ID: c\r\nCSeq: 1 ACK\r\nContent-Length: -1\r\n\r\n";
        Assert.That(SipParser.TryParse(text, out _, out var e), Is.False);
        Assert.That(e!.Method, Is.EqualTo("ACK"));
        Assert.That(e.CanRespond, Is.False);
        Assert.That(e.TryCreateResponse("h", out _), Is.False);
    }

    [Test]
    public void RequestWithoutViaCannotBeAnswered()
    {
        Assert.That(SipParser.TryParse("OPTIONS sip:a@h SIP/2.0\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\n\r\n", out var m, out _), Is.True);
        var v = UasRequestCheck.Check((SipRequest)m!);
        Assert.That(v.StatusCode, Is.EqualTo(400));
        Assert.That(v.Problem, Does.Contain("Via"));
        Assert.That(v.CanRespond, Is.False);
        Assert.That(v.CreateResponse((SipRequest)m!, "h"), Is.Null);
    }
}
