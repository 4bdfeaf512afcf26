namespace Telephony.Sip.Tests.Messages;

public class BuilderTests
{
    private static SipRequest NewInvite()
    {
        var b = new SipRequestBuilder(SipMethods.Invite, SipUri.Parse("sip:bob@biloxi.example.com"));
        b.AddVia(new ViaHeader("UDP", "pc33.atlanta.example.com", 5060, new SipParameters([new SipParameter("branch", "z9hG4bK776asdhds")])));
        b.SetMaxForwards(70);
        b.SetTo(new NameAddress(SipUri.Parse("sip:bob@biloxi.example.com"), "Bob"));
        b.SetFrom(new NameAddress(SipUri.Parse("sip:alice@atlanta.example.com"), "Alice").WithTag("1928301774"));
        b.SetCallId("a84b4c76e66710@pc33.atlanta.example.com");
        b.SetCSeq(314159, SipMethods.Invite);
        b.AddContact(new NameAddress(SipUri.Parse("sip:alice@pc33.atlanta.example.com")));
        b.AddHeader("Timestamp", "54");
        b.SetBody("v=0\r\n", "application/sdp");
        return b.Build();
    }

    [Test]
    public void RequestRoundTrip()
    {
        var r = NewInvite();
        Assert.That(r.Method, Is.EqualTo("INVITE"));
        Assert.That(r.TopVia!.Branch, Is.EqualTo("z9hG4bK776asdhds"));
        Assert.That(r.From!.DisplayName, Is.EqualTo("Alice"));
        Assert.That(r.To!.Tag, Is.Null);
        Assert.That(r.ContentLength, Is.EqualTo(5));
        Assert.That(Encoding.ASCII.GetString(r.Body.Span), Is.EqualTo("v=0\r\n"));
        Assert.That(r.ValidateHeaders(), Is.Null);
        var text = r.ToString();
        Assert.That(text, Does.StartWith("INVITE sip:bob@biloxi.example.com SIP/2.0\r\nVia: SIP/2.0/UDP pc33.atlanta.example.com:5060;branch=z9hG4bK776asdhds\r\n"));
        Assert.That(text, Does.Contain("\r\nFrom: \"Alice\" <sip:alice@atlanta.example.com>;tag=1928301774\r\n"));
        Assert.That(text, Does.EndWith("Content-Length: 5\r\n\r\nv=0\r\n"));

        // Serialising a parsed message reproduces its bytes; rebuilding from it gives an equivalent message.
        var w = new ArrayBufferWriter<byte>();
        r.WriteTo(w);
        Assert.That(w.WrittenSpan.SequenceEqual(r.RawBytes.Span), Is.True);
        var copy = SipRequestBuilder.From(r).Build();
        Assert.That(copy.ToString(), Is.EqualTo(text));
    }

    [Test]
    public void TortureMessagesSurviveRebuild()
    {
        foreach (var name in new[] { "wsinv", "intmeth", "esc01", "longreq", "semiuri", "mpart01" })
        {
            Assert.That(SipParser.TryParse(TortureFiles.Read(name), out var m, out _), Is.True);
            var r = (SipRequest)m!;
            var again = SipRequestBuilder.From(r).Build();
            Assert.That(again.Method, Is.EqualTo(r.Method), name);
            Assert.That(again.RequestUri, Is.EqualTo(r.RequestUri), name);
            Assert.That(again.Headers.Where(h => !SipHeaderNames.AreSame(h.Name, "Content-Length")).Select(h => h.Value),
                Is.EqualTo(r.Headers.Where(h => !SipHeaderNames.AreSame(h.Name, "Content-Length")).Select(h => h.Value)), name);
            Assert.That(again.Body.Span.SequenceEqual(r.Body.Span), Is.True, name);
            Assert.That(again.From!.Tag, Is.EqualTo(r.From!.Tag), name);
            Assert.That(again.Via.Select(v => v.Branch), Is.EqualTo(r.Via.Select(v => v.Branch)), name);
        }
    }

    [Test]
    public void CreateResponseCopiesHeadersPerSection8_2_6()
    {
        var req = NewInvite();
        var resp = SipResponseBuilder.CreateResponse(req, 180, toTag: "a6c85cf").Build();
        Assert.That(resp.StatusCode, Is.EqualTo(180));
        Assert.That(resp.ReasonPhrase, Is.EqualTo("Ringing"));
        Assert.That(resp.Via.Select(v => v.ToString()), Is.EqualTo(req.Via.Select(v => v.ToString())));
        Assert.That(resp.From!.Tag, Is.EqualTo("1928301774"));
        Assert.That(resp.To!.Tag, Is.EqualTo("a6c85cf"));
        Assert.That(resp.To.Uri, Is.EqualTo(req.To!.Uri));
        Assert.That(resp.CallId, Is.EqualTo(req.CallId));
        Assert.That(resp.CSeq, Is.EqualTo(req.CSeq));
        Assert.That(resp.HasHeader("Contact"), Is.False);
        Assert.That(resp.HasHeader("Timestamp"), Is.False);
        Assert.That(resp.ValidateHeaders(), Is.Null);

        var trying = SipResponseBuilder.CreateResponse(req, 100).Build();
        Assert.That(trying.To!.Tag, Is.Null, "no tag needed on 100");
        Assert.That(trying.GetHeader("Timestamp"), Is.EqualTo("54"), "§8.2.6.1");

        var ok = SipResponseBuilder.CreateResponse(req, 200);
        Assert.That(NameAddress.Parse(ok.GetHeader("To")!).Tag, Has.Length.GreaterThanOrEqualTo(8), "random tag added");
        ok.AddContact(new NameAddress(SipUri.Parse("sip:bob@192.0.2.4")));
        ok.SetBody("v=0\r\n"u8.ToArray(), "application/sdp");
        var built = ok.Build();
        Assert.That(built.Contacts.Single().Uri.ToString(), Is.EqualTo("sip:bob@192.0.2.4"));
        Assert.That(built.ContentLength, Is.EqualTo(5));
    }

    [Test]
    public void ExistingToTagIsKept()
    {
        var b = SipRequestBuilder.From(NewInvite());
        b.SetTo(NameAddress.Parse("<sip:bob@biloxi.example.com>;tag=existing"));
        var resp = SipResponseBuilder.CreateResponse(b.Build(), 200, toTag: "new").Build();
        Assert.That(resp.To!.Tag, Is.EqualTo("existing"));
    }

    [Test]
    public void ErrorResponseCarriesReasonAndWarning()
    {
        var resp = SipResponseBuilder.CreateErrorResponse(NewInvite(), 400, "malformed \"thing\"", "uas.example.com").Build();
        Assert.That(resp.StatusCode, Is.EqualTo(400));
        Assert.That(resp.ReasonPhrase, Is.EqualTo("Bad Request (malformed \"thing\")"));
        var w = resp.Warnings.Single();
        Assert.That((w.Code, w.Agent, w.Text), Is.EqualTo((399, "uas.example.com", "malformed \"thing\"")));
        Assert.That(resp.To!.Tag, Is.Not.Null);
    }

    [Test]
    public void HeaderEditing()
    {
        var b = SipRequestBuilder.From(NewInvite());
        b.PrependVia(new ViaHeader("TCP", "proxy.example.com", null, new SipParameters([new SipParameter("branch", "z9hG4bKp1")])));
        b.SetMaxForwards(69);
        b.AddHeader("Content-Length", "999"); // ignored: always computed
        b.AddRoute(NameAddress.Parse("<sip:p1.example.com;lr>"));
        b.RemoveHeader("t").SetTo(NameAddress.Parse("<sip:carol@example.com>"));
        var r = b.Build();
        Assert.That(r.Via.Select(v => v.Host), Is.EqualTo(new[] { "proxy.example.com", "pc33.atlanta.example.com" }));
        Assert.That(r.MaxForwards, Is.EqualTo(69));
        Assert.That(r.ContentLength, Is.EqualTo(5));
        Assert.That(r.Routes.Single().SipUri!.LooseRouting, Is.True);
        Assert.That(r.To!.Uri.ToString(), Is.EqualTo("sip:carol@example.com"));
        b.RemoveFirstHeader("Via");
        Assert.That(b.GetHeader("v"), Does.Contain("pc33"));
        Assert.Throws<ArgumentException>(() => b.AddHeader("X-Bad", "a\r\nInjected: 1"));
        Assert.Throws<ArgumentException>(() => b.AddHeader("Bad Name", "x"));
    }

    [Test]
    public void WithTopViaAddsReceivedAndRport()
    {
        var text = "\r\nOPTIONS sip:b@h SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.5:5060;branch=z9hG4bKa;rport, SIP/2.0/TCP p;branch=z9hG4bKb\r\n" +
                   "Via: SIP/2.0/UDP q;branch=z9hG4bKc\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\nCall-ID: c\r\nCSeq: 1 OPTIONS\r\nl: 2\r\n\r\nhi";
        Assert.That(SipParser.TryParse(text, out var m, out _), Is.True);
        var r = (SipRequest)m!;
        var top = r.TopVia!.WithParameter("received", "203.0.113.9").WithParameter("rport", "40000");
        var r2 = r.WithTopVia(top);
        Assert.That(r2.TopVia!.Received, Is.EqualTo("203.0.113.9"));
        Assert.That(r2.TopVia.RPort, Is.EqualTo(40000));
        Assert.That(r2.Via.Select(v => v.Branch), Is.EqualTo(new[] { "z9hG4bKa", "z9hG4bKb", "z9hG4bKc" }));
        Assert.That(Encoding.ASCII.GetString(r2.Body.Span), Is.EqualTo("hi"));
        var resp = SipResponseBuilder.CreateResponse(r2, 200).Build();
        Assert.That(resp.TopVia!.Received, Is.EqualTo("203.0.113.9"), "the response carries it back (§18.2.2)");

        var r3 = r2.WithNewTopVia(new ViaHeader("TCP", "[2001:db8::7]", 5070, new SipParameters([new SipParameter("branch", "z9hG4bKnew")])));
        Assert.That(r3.Via.Select(v => v.Branch), Is.EqualTo(new[] { "z9hG4bKnew", "z9hG4bKa", "z9hG4bKb", "z9hG4bKc" }));
        Assert.That(r3.TopVia!.Host, Is.EqualTo("[2001:db8::7]"));
        Assert.That(Encoding.ASCII.GetString(r3.Body.Span), Is.EqualTo("hi"));
        Assert.That(r3.ValidateHeaders(), Is.Null);
    }

    [Test]
    public void CancelAndAckForFailure()
    {
        var b = SipRequestBuilder.From(NewInvite());
        b.AddRoute(NameAddress.Parse("<sip:p1.example.com;lr>"));
        var invite = b.Build();
        var cancel = SipRequestBuilder.CreateCancel(invite).Build();
        Assert.That(cancel.Method, Is.EqualTo("CANCEL"));
        Assert.That(cancel.RequestUri, Is.EqualTo(invite.RequestUri));
        Assert.That(cancel.CSeq, Is.EqualTo(new CSeqHeader(314159, "CANCEL")));
        Assert.That(cancel.Via.Single().Branch, Is.EqualTo(invite.TopVia!.Branch));
        Assert.That(cancel.Routes.Single().Uri.ToString(), Is.EqualTo("sip:p1.example.com;lr"));
        Assert.That(cancel.From!.Tag, Is.EqualTo("1928301774"));
        Assert.That(cancel.ValidateHeaders(), Is.Null);

        var busy = SipResponseBuilder.CreateResponse(invite, 486, toTag: "t486").Build();
        var ack = SipRequestBuilder.CreateAckForFailure(invite, busy).Build();
        Assert.That(ack.Method, Is.EqualTo("ACK"));
        Assert.That(ack.CSeq, Is.EqualTo(new CSeqHeader(314159, "ACK")));
        Assert.That(ack.To!.Tag, Is.EqualTo("t486"));
        Assert.That(ack.Via.Single().Branch, Is.EqualTo(invite.TopVia.Branch));
        Assert.That(ack.Body.IsEmpty, Is.True);
        Assert.That(ack.ValidateHeaders(), Is.Null);
    }

    [Test]
    public void Identifiers()
    {
        var branches = Enumerable.Range(0, 1000).Select(_ => SipIds.NewBranch()).ToList();
        Assert.That(branches.All(b => b.StartsWith("z9hG4bK", StringComparison.Ordinal) && b.Length > 20), Is.True);
        Assert.That(branches.Distinct().Count(), Is.EqualTo(1000));
        var tags = Enumerable.Range(0, 1000).Select(_ => SipIds.NewTag()).ToList();
        Assert.That(tags.Distinct().Count(), Is.EqualTo(1000));
        Assert.That(tags.All(t => t.All(SipTokenChar)), Is.True);
        Assert.That(SipIds.NewCallId("host.example.com"), Does.EndWith("@host.example.com"));
    }

    private static bool SipTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "-.!%*_+`'~".Contains(c, StringComparison.Ordinal);
}
