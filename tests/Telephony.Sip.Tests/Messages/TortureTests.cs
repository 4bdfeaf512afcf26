namespace Telephony.Sip.Tests.Messages;

/// <summary>Every RFC 4475 message, with what the RFC says each must do.</summary>
public class TortureTests
{
    private static SipRequest Request(string name)
    {
        Assert.That(SipParser.TryParse(TortureFiles.Read(name), out var m, out var e), Is.True, () => e!.Reason);
        Assert.That(m, Is.InstanceOf<SipRequest>());
        return (SipRequest)m!;
    }

    private static SipResponse Response(string name)
    {
        Assert.That(SipParser.TryParse(TortureFiles.Read(name), out var m, out var e), Is.True, () => e!.Reason);
        Assert.That(m, Is.InstanceOf<SipResponse>());
        return (SipResponse)m!;
    }

    private static void AssertAccepted(SipRequest r, UasPolicy? policy = null)
    {
        var v = UasRequestCheck.Check(r, policy);
        Assert.That(v.IsAccepted, Is.True, v.ToString());
    }

    /// <summary>Rejected by the UAS check with <paramref name="code"/>; the response is formed and carries the reason.</summary>
    private static SipResponse AssertRejected(SipRequest r, int code, string problemContains, UasPolicy? policy = null, bool willForward = false)
    {
        var v = UasRequestCheck.Check(r, policy, willForward);
        Assert.That(v.IsAccepted, Is.False);
        Assert.That(v.StatusCode, Is.EqualTo(code), v.ToString());
        Assert.That(v.Problem, Does.Contain(problemContains));
        var builder = v.CreateResponse(r, "uas.example.com");
        Assert.That(builder, Is.Not.Null);
        var resp = builder!.Build();
        Assert.That(resp.StatusCode, Is.EqualTo(code));
        Assert.That(resp.CallId, Is.EqualTo(r.CallId));
        if (code == 400)
        {
            Assert.That(resp.Warnings, Has.Count.EqualTo(1));
            Assert.That(resp.Warnings[0].Code, Is.EqualTo(399));
            Assert.That(resp.Warnings[0].Text, Does.Contain(problemContains));
            Assert.That(resp.ReasonPhrase, Does.Contain(problemContains));
        }
        return resp;
    }

    /// <summary>Rejected by the parser with a precise reason; if it is an answerable request, a 400 carrying it is formed.</summary>
    private static SipParseError AssertParseError(string name, SipParseErrorKind kind, string reasonContains, bool answerable)
    {
        Assert.That(SipParser.TryParse(TortureFiles.Read(name), out var m, out var e), Is.False);
        Assert.That(m, Is.Null);
        Assert.That(e!.Kind, Is.EqualTo(kind));
        Assert.That(e.Reason, Does.Contain(reasonContains));
        Assert.That(e.CanRespond, Is.EqualTo(answerable));
        if (answerable)
        {
            Assert.That(e.TryCreateResponse("uas.example.com", out var b), Is.True);
            var resp = b!.Build();
            Assert.That(resp.StatusCode, Is.EqualTo(e.StatusCode));
            Assert.That(resp.Warnings.Single().Text, Does.Contain(reasonContains));
            Assert.That(resp.ReasonPhrase, Does.Contain(reasonContains));
            Assert.That(resp.To!.Tag, Is.Not.Null);
        }
        return e;
    }

    [Test]
    public void AllFortyNineMessagesAreHandledWithoutExceptions()
    {
        var names = TortureFiles.All().ToList();
        Assert.That(names, Has.Count.EqualTo(49));
        foreach (var name in names)
        {
            var bytes = TortureFiles.Read(name);
            if (SipParser.TryParse(bytes, out var m, out var e))
            {
                _ = m.ValidateHeaders();
                if (m is SipRequest r) _ = UasRequestCheck.Check(r);
                foreach (var h in m.Headers) _ = h.Value;
            }
            else
            {
                Assert.That(e.Reason, Is.Not.Empty);
            }
            _ = SipFraming.Frame(bytes);
        }
    }

    // ---------------- 3.1.1 valid messages ----------------

    [Test]
    public void Wsinv_ShortTortuousInvite()
    {
        var r = Request("wsinv");
        Assert.That(r.Method, Is.EqualTo("INVITE"));
        var ruri = (SipUri)r.RequestUri;
        Assert.That(ruri.User, Is.EqualTo("vivekg"));
        Assert.That(ruri.Host, Is.EqualTo("chair-dnrc.example.com"));
        Assert.That(ruri.Parameters.Contains("unknownparam"), Is.True);
        Assert.That(r.To!.Uri.ToString(), Is.EqualTo("sip:vivekg@chair-dnrc.example.com"));
        Assert.That(r.To.Tag, Is.EqualTo("1918181833n"));
        Assert.That(r.From!.DisplayName, Is.EqualTo("J Rosenberg \\\""));
        Assert.That(r.From.Tag, Is.EqualTo("98asjd8"));
        Assert.That(r.MaxForwards, Is.EqualTo(68));
        Assert.That(r.CallId, Is.EqualTo("wsinv.ndaksdj@192.0.2.1"));
        Assert.That(r.ContentLength, Is.EqualTo(150));
        Assert.That(r.CSeq, Is.EqualTo(new CSeqHeader(9, "INVITE")));
        Assert.That(r.Via, Has.Count.EqualTo(3));
        Assert.That(r.Via[0].Transport, Is.EqualTo("UDP"));
        Assert.That(r.Via[0].Host, Is.EqualTo("192.0.2.2"));
        Assert.That(r.Via[0].Branch, Is.EqualTo("390skdjuw"));
        Assert.That(r.Via[1].Transport, Is.EqualTo("TCP"));
        Assert.That(r.Via[1].Host, Is.EqualTo("spindle.example.com"));
        Assert.That(r.Via[1].Branch, Is.EqualTo("z9hG4bK9ikj8"));
        Assert.That(r.Via[2].Host, Is.EqualTo("192.168.255.111"));
        Assert.That(r.Via[2].Branch, Is.EqualTo("z9hG4bK30239"));
        Assert.That(r.GetHeader("Subject"), Is.EqualTo(string.Empty));
        Assert.That(r.GetHeader("s"), Is.EqualTo(string.Empty));
        Assert.That(r.GetHeader("NewFangledHeader"), Is.EqualTo("newfangled value continued newfangled value"));
        Assert.That(r.GetHeader("unknownheaderwithunusualvalue"), Is.EqualTo(";;,,;;,;"));
        Assert.That(r.ContentType!.MimeType, Is.EqualTo("application/sdp"));
        Assert.That(r.Routes.Single().SipUri!.Parameters.Get("unknownwith"), Is.EqualTo("value"));
        Assert.That(r.Routes.Single().SipUri!.LooseRouting, Is.True);
        var contact = r.Contacts.Single();
        Assert.That(contact.DisplayName, Is.EqualTo("Quoted string \"\""));
        Assert.That(contact.Uri.ToString(), Is.EqualTo("sip:jdrosen@example.com"));
        Assert.That(contact.Parameters.Get("newparam"), Is.EqualTo("newvalue"));
        Assert.That(contact.Parameters.Contains("secondparam"), Is.True);
        Assert.That(contact.Q, Is.EqualTo(0.33));
        Assert.That(r.Body.Length, Is.EqualTo(150));
        Assert.That(r.ValidateHeaders(), Is.Null);
        AssertAccepted(r);
    }

    [Test]
    public void Intmeth_WideRangeOfValidCharacters()
    {
        var r = Request("intmeth");
        Assert.That(r.Method, Is.EqualTo("!interesting-Method0123456789_*+`.%indeed'~"));
        var ruri = (SipUri)r.RequestUri;
        Assert.That(ruri.User, Is.EqualTo("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*"));
        Assert.That(ruri.Password, Is.EqualTo("&it+has=1,weird!*pas$wo~d_too.(doesn't-it)"));
        Assert.That(ruri.Host, Is.EqualTo("example.com"));
        Assert.That(r.To!.DisplayName, Is.EqualTo("BEL:\a NUL:\0 DEL:\x7f"));
        Assert.That(((SipUri)r.To.Uri).User, Is.EqualTo("1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*"));
        Assert.That(r.From!.DisplayName, Is.EqualTo("token1~` token2'+_ token3*%!.-"));
        Assert.That(r.From.Parameters.Get("fromParam''~+*_!.-%"), Is.EqualTo("\u0440\u0430\u0431\u043e\u0442\u0430\u044e\u0449\u0438\u0439"));
        Assert.That(r.From.Tag, Is.EqualTo("_token~1'+`*%!-."));
        Assert.That(r.CallId, Is.EqualTo("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{"));
        Assert.That(r.CSeq!.Method, Is.EqualTo(r.Method));
        Assert.That(r.TopVia!.Branch, Is.EqualTo("z9hG4bK-.!%66*_+`'~"));
        Assert.That(r.GetHeader("extensionHeader-!.%*+_`'~"), Is.EqualTo("\uFEFF\u5927\u505C\u96FB"));
        Assert.That(r.MaxForwards, Is.EqualTo(255));
        Assert.That(r.ValidateHeaders(), Is.Null);
        // Well-formed, but a method we don't know: 501 (405 is for known methods we don't allow).
        var resp = AssertRejected(r, 501, "not implemented");
        Assert.That(resp.Allow, Does.Contain("INVITE"));
        AssertAccepted(r, new UasPolicy { AllowedMethods = null });
    }

    [Test]
    public void Esc01_PercentEscapes()
    {
        var r = Request("esc01");
        var ruri = (SipUri)r.RequestUri;
        Assert.That(ruri.User, Is.EqualTo("sips:user@example.com"));
        Assert.That(ruri.Host, Is.EqualTo("example.net"));
        Assert.That(((SipUri)r.To!.Uri).User, Is.EqualTo("user"));
        Assert.That(r.To.Uri, Is.EqualTo(SipUri.Parse("sip:user@example.com")));
        Assert.That(((SipUri)r.From!.Uri).User, Is.EqualTo("I have spaces"));
        Assert.That(r.CallId, Is.EqualTo("esc01.239409asdfakjkn23onasd0-3234"));
        Assert.That(r.ContentType!.MimeType, Is.EqualTo("application/sdp"));
        var c = r.Contacts.Single().SipUri!;
        Assert.That(c.User, Is.EqualTo("caller"));
        Assert.That(c.LooseRouting, Is.True);
        Assert.That(c.Parameters.Get("name"), Is.EqualTo("value%41"));
        Assert.That(c, Is.EqualTo(SipUri.Parse("sip:caller@host5.example.net;lr;name=value%2541")));
        AssertAccepted(r);
    }

    [Test]
    public void Escnull_EscapedNulls()
    {
        var r = Request("escnull");
        Assert.That(((SipUri)r.To!.Uri).User, Is.EqualTo("null-\0-null"));
        Assert.That(r.Contacts.Select(c => c.SipUri!.User), Is.EqualTo(new[] { "\0", "\0\0" }));
        Assert.That(r.ContentLength, Is.EqualTo(0));
        AssertAccepted(r);
    }

    [Test]
    public void Esc02_PercentThatIsNotAnEscape()
    {
        var r = Request("esc02");
        Assert.That(r.Method, Is.EqualTo("RE%47IST%45R"), "method is a token, not unescaped");
        Assert.That(r.Method, Is.Not.EqualTo(SipMethods.Register));
        Assert.That(r.To!.DisplayName, Is.EqualTo("%Z%45"));
        Assert.That(r.TopVia!.Branch, Is.EqualTo("z9hG4bK209%fzsnel234"));
        Assert.That(r.CountHeader("Contact"), Is.EqualTo(2), "C%6Fntact is an unknown header, not Contact");
        Assert.That(r.GetHeader("C%6Fntact"), Is.EqualTo("<sip:alias2@host2.example.com>"));
        Assert.That(r.ValidateHeaders(), Is.Null);
        AssertRejected(r, 501, "RE%47IST%45R");
        AssertAccepted(r, new UasPolicy { AllowedMethods = null });
    }

    [Test]
    public void Lwsdisp_NoSpaceBeforeAngle()
    {
        var r = Request("lwsdisp");
        Assert.That(r.From!.DisplayName, Is.EqualTo("caller"));
        Assert.That(r.From.Uri.ToString(), Is.EqualTo("sip:caller@example.com"));
        Assert.That(r.From.Tag, Is.EqualTo("323"));
        AssertAccepted(r);
    }

    [Test]
    public void Longreq_LongValues()
    {
        var r = Request("longreq");
        Assert.That(r.Method, Is.EqualTo("INVITE"));
        Assert.That(r.To!.DisplayName, Does.StartWith("I have a user name of extremeextreme").And.EndWith("proportion"));
        var to = r.To.SipUri!;
        Assert.That(to.Port, Is.EqualTo(6000));
        Assert.That(to.Parameters.Get("unknownparam1"), Does.StartWith("verylonglong").And.EndWith("value"));
        Assert.That(to.Parameters.Get("longparamnamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamenamename"), Is.EqualTo("shortvalue"));
        Assert.That(to.Parameters.Contains("verylonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglonglongParameterNameWithNoValue"), Is.True);
        Assert.That(r.From!.SipUri!.User, Is.EqualTo(string.Concat(Enumerable.Repeat("amazinglylongcallername", 5))));
        Assert.That(r.From.Tag, Is.EqualTo("1" + string.Concat(Enumerable.Repeat("298", 50)) + "2424"));
        Assert.That(r.CallId, Is.EqualTo("longreq.one" + string.Concat(Enumerable.Repeat("really", 20)) + "longcallid"));
        // 34 Via lines spelled Via, v, V, ViA, VIA, "Via :", "v  :" ... all recognised as Via.
        Assert.That(r.Via, Has.Count.EqualTo(34));
        Assert.That(r.Via.Take(33).Select(v => v.Host), Is.EqualTo(Enumerable.Range(1, 33).Reverse().Select(n => $"sip{n}.example.com")));
        Assert.That(r.Via.All(v => v.Transport == "TCP"), Is.True);
        Assert.That(r.Via[^1].Host, Is.EqualTo("host.example.com"));
        Assert.That(r.Via[^1].Received, Is.EqualTo("192.0.2.5"));
        Assert.That(r.Via[^1].Branch, Does.StartWith("verylonglonglong").And.EndWith("value"));
        Assert.That(r.ValidateHeaders(), Is.Null);
        AssertAccepted(r);
    }

    [Test]
    public void Dblreq_ExtraOctetsAfterContentLengthIgnoredOnUdp()
    {
        var bytes = TortureFiles.Read("dblreq");
        var r = Request("dblreq");
        Assert.That(r.Method, Is.EqualTo("REGISTER"));
        Assert.That(r.Body.Length, Is.EqualTo(0));
        Assert.That(r.RawBytes.Length, Is.LessThan(bytes.Length));
        Assert.That(Encoding.ASCII.GetString(r.RawBytes.Span), Does.Not.Contain("INVITE"));
        Assert.That(r.CallId, Is.EqualTo("dblreq.0ha0isndaksdj99sdfafnl3lk233412"));
        AssertAccepted(r);
    }

    [Test]
    public void Semiuri_SemicolonsInUserPart()
    {
        var r = Request("semiuri");
        var ruri = (SipUri)r.RequestUri;
        Assert.That(ruri.User, Is.EqualTo("user;par=u@example.net"));
        Assert.That(ruri.Host, Is.EqualTo("example.com"));
        Assert.That(ruri.Parameters, Is.Empty);
        Assert.That(r.GetHeaderValues("Accept"), Is.EqualTo(new[]
        {
            "application/sdp", "application/pkcs7-mime", "multipart/mixed", "multipart/signed", "message/sip", "message/sipfrag",
        }));
        AssertAccepted(r);
    }

    [Test]
    public void Transports_VariedAndUnknownTransports()
    {
        var r = Request("transports");
        Assert.That(r.Via.Select(v => v.Transport), Is.EqualTo(new[] { "UDP", "SCTP", "TLS", "UNKNOWN", "TCP" }));
        Assert.That(r.Via.Select(v => v.Host), Is.EqualTo(new[] { "t1.example.com", "t2.example.com", "t3.example.com", "t4.example.com", "t5.example.com" }));
        Assert.That(r.CallId, Is.EqualTo("transports.kijh4akdnaqjkwendsasfdj"));
        AssertAccepted(r);
    }

    [Test]
    public void Mpart01_MultipartBodyKept()
    {
        var bytes = TortureFiles.Read("mpart01");
        var r = Request("mpart01");
        Assert.That(r.Method, Is.EqualTo("MESSAGE"));
        Assert.That(r.ContentType!.Is("multipart", "mixed"), Is.True);
        Assert.That(r.ContentType.Parameters.Get("boundary"), Is.EqualTo("7a9cbec02ceef655"));
        Assert.That(r.Body.Length, Is.EqualTo(r.ContentLength));
        Assert.That(r.Body.Span.SequenceEqual(bytes.AsSpan(bytes.Length - r.Body.Length)), Is.True, "body is the last Content-Length bytes, binary intact");
        Assert.That(Encoding.ASCII.GetString(r.Body.Span), Does.Contain("--7a9cbec02ceef655"));
        Assert.That(r.GetHeader("Content-Transfer-Encoding"), Is.EqualTo("binary"));
        Assert.That(r.TopVia!.HasRPort, Is.True);
        Assert.That(r.TopVia.RPort, Is.Null);
        AssertAccepted(r, new UasPolicy { AcceptedContentTypes = ["multipart/mixed", "application/sdp"] });
        AssertRejected(r, 415, "multipart/mixed");
    }

    [Test]
    public void Unreason_UnusualReasonPhrase()
    {
        var r = Response("unreason");
        Assert.That(r.StatusCode, Is.EqualTo(200));
        Assert.That(r.ReasonPhrase, Is.EqualTo("= 2**3 * 5**2 \u043d\u043e \u0441\u0442\u043e \u0434\u0435\u0432\u044f\u043d\u043e\u0441\u0442\u043e \u0434\u0435\u0432\u044f\u0442\u044c - \u043f\u0440\u043e\u0441\u0442\u043e\u0435"));
        Assert.That(r.Body.Length, Is.EqualTo(154));
        Assert.That(r.ValidateHeaders(), Is.Null);
    }

    [Test]
    public void Noreason_EmptyReasonPhrase()
    {
        var r = Response("noreason");
        Assert.That(r.StatusCode, Is.EqualTo(100));
        Assert.That(r.ReasonPhrase, Is.Empty);
        Assert.That(r.To!.Tag, Is.EqualTo("902jndnke3"));
        Assert.That(r.ValidateHeaders(), Is.Null);
    }

    // ---------------- 3.1.2 invalid messages ----------------

    [Test]
    public void Badinv01_ExtraneousSeparators() => AssertRejected(Request("badinv01"), 400, "Via");

    [Test]
    public void Clerr_ContentLengthLargerThanMessage() =>
        AssertParseError("clerr", SipParseErrorKind.BadContentLength, "Content-Length 9999 is larger than", answerable: true);

    [Test]
    public void Ncl_NegativeContentLength() =>
        AssertParseError("ncl", SipParseErrorKind.BadContentLength, "negative Content-Length", answerable: true);

    [Test]
    public void Scalar02_OverlargeRequestScalars()
    {
        var r = Request("scalar02");
        var resp = AssertRejected(r, 400, "CSeq");
        Assert.That(resp.CSeq, Is.Null, "the response copies the (unusable) CSeq verbatim");
        Assert.That(resp.GetHeader("CSeq"), Is.EqualTo("36893488147419103232 REGISTER"));
        Assert.That(r.MaxForwards, Is.Null, "300 is out of range");
        Assert.That(r.Expires, Is.Null, "overlarge Expires is not a value");
        Assert.That(r.Contacts.Single().Expires, Is.EqualTo(null));
    }

    [Test]
    public void Scalarlg_OverlargeResponseScalarsAreRejected()
    {
        var r = Response("scalarlg");
        Assert.That(r.StatusCode, Is.EqualTo(503));
        Assert.That(r.ValidateHeaders(), Does.Contain("CSeq"));
        Assert.That(r.CSeq, Is.Null);
        Assert.That(r.Warnings, Is.Empty, "1812 is not a three-digit warn-code");
    }

    [Test]
    public void Quotbal_UnterminatedQuotedDisplayName() => AssertRejected(Request("quotbal"), 400, "unterminated quoted display name");

    [Test]
    public void Ltgtruri_AngleBracketsAroundRequestUri() =>
        AssertParseError("ltgtruri", SipParseErrorKind.BadStartLine, "Request-URI must not be enclosed in <>", answerable: true);

    [Test]
    public void Lwsruri_WhitespaceInRequestUri() =>
        AssertParseError("lwsruri", SipParseErrorKind.BadStartLine, "whitespace inside the Request-URI", answerable: true);

    [Test]
    public void Lwsstart_SeveralSpacesInRequestLine() =>
        AssertParseError("lwsstart", SipParseErrorKind.BadStartLine, "more than one SP", answerable: true);

    [Test]
    public void Trws_TrailingSpaceInRequestLine() =>
        AssertParseError("trws", SipParseErrorKind.BadStartLine, "whitespace at the end of the Request-Line", answerable: true);

    [Test]
    public void Escruri_EscapedHeadersInRequestUri()
    {
        var r = Request("escruri");
        Assert.That(((SipUri)r.RequestUri).Headers.Get("Route"), Is.EqualTo("<sip:example.com>"));
        AssertRejected(r, 400, "Request-URI must not contain URI headers");
    }

    [Test]
    public void Baddate_NonGmtDateIsIgnored()
    {
        // RFC 4475 §3.1.2.12: better to ignore the informational Date than to refuse the request over it (issue 10, finding 8).
        var r = Request("baddate");
        Assert.That(r.GetHeader(SipHeaderNames.Date), Does.Not.EndWith("GMT"));
        AssertAccepted(r);
    }

    [Test]
    public void Regbadct_UriWithHeadersNotInAngles() => AssertRejected(Request("regbadct"), 400, "must be enclosed in <>");

    [Test]
    public void Badaspec_SpacesInAddrSpec() => AssertRejected(Request("badaspec"), 400, "whitespace inside <...>");

    [Test]
    public void Baddn_NonTokenDisplayName() => AssertRejected(Request("baddn"), 400, "display name");

    [Test]
    public void Badvers_UnknownVersionGets505()
    {
        var e = AssertParseError("badvers", SipParseErrorKind.UnsupportedVersion, "SIP/7.0", answerable: true);
        Assert.That(e.StatusCode, Is.EqualTo(505));
    }

    [Test]
    public void Mismatch01_CSeqMethodDiffers() => AssertRejected(Request("mismatch01"), 400, "CSeq method INVITE does not match the request method OPTIONS");

    [Test]
    public void Mismatch02_UnknownMethodCSeqDiffers()
    {
        var r = Request("mismatch02");
        Assert.That(r.Method, Is.EqualTo("NEWMETHOD"));
        AssertRejected(r, 400, "does not match the request method NEWMETHOD");
    }

    [Test]
    public void Bigcode_OverlargeStatusCodeIsDropped() =>
        AssertParseError("bigcode", SipParseErrorKind.BadStartLine, "status code must be three digits", answerable: false);

    // ---------------- 3.2 transaction layer ----------------

    [Test]
    public void Badbranch_ParsesButBranchIsNotRfc3261()
    {
        var r = Request("badbranch");
        Assert.That(r.TopVia!.Branch, Is.EqualTo("z9hG4bK"));
        Assert.That(r.TopVia.IsRfc3261Branch, Is.False);
        AssertAccepted(r);
    }

    // ---------------- 3.3 application layer ----------------

    [Test]
    public void Insuf_MissingRequiredHeaders()
    {
        var r = Request("insuf");
        var resp = AssertRejected(r, 400, "missing mandatory header(s): To, From, Call-ID");
        Assert.That(resp.TopVia!.Branch, Is.EqualTo("z9hG4bKkdj.insuf"));
    }

    [Test]
    public void Unkscm_UnknownRequestUriScheme()
    {
        var r = Request("unkscm");
        Assert.That(r.RequestUri, Is.InstanceOf<GenericUri>());
        Assert.That(r.RequestUri.ToString(), Is.EqualTo("nobodyKnowsThisScheme:totallyopaquecontent"));
        AssertRejected(r, 416, "unsupported Request-URI scheme");
    }

    [Test]
    public void Novelsc_KnownButAtypicalScheme()
    {
        var r = Request("novelsc");
        Assert.That(r.RequestUri.Scheme, Is.EqualTo("soap.beep"));
        AssertRejected(r, 416, "soap.beep");
    }

    [Test]
    public void Unksm2_UnknownSchemesInHeadersStillParse()
    {
        var r = Request("unksm2");
        Assert.That(r.To!.Uri, Is.InstanceOf<GenericUri>());
        Assert.That(r.To.Uri.ToString(), Is.EqualTo("isbn:2983792873"));
        Assert.That(r.From!.Uri.Scheme, Is.EqualTo("http"));
        Assert.That(r.Contacts.Single().Uri.ToString(), Is.EqualTo("name:John_Smith"));
        Assert.That(r.ValidateHeaders(), Is.Null, "syntactically valid");
        // A registrar cannot bind an isbn: address-of-record; RFC 4475 §3.3.4 expects 400 (416 is for the Request-URI).
        AssertRejected(r, 400, "unsupported address-of-record scheme 'isbn'");
    }

    [Test]
    public void Bext01_RequireAndProxyRequire()
    {
        var r = Request("bext01");
        var resp = AssertRejected(r, 420, "nothingSupportsThis");
        Assert.That(resp.Unsupported, Is.EqualTo(new[] { "nothingSupportsThis", "nothingSupportsThisEither" }));
        var asProxy = UasRequestCheck.Check(r, willForward: true);
        Assert.That(asProxy.ResponseHeaders.Single().Value, Does.Contain("noProxiesSupportThis"));
        AssertAccepted(r, new UasPolicy
        {
            Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "nothingSupportsThis", "nothingSupportsThisEither" },
        });
    }

    [Test]
    public void Invut_UnknownContentType()
    {
        var resp = AssertRejected(Request("invut"), 415, "application/unknownformat");
        Assert.That(resp.GetHeader("Accept"), Is.EqualTo("application/sdp"));
    }

    [Test]
    public void Regaut01_UnknownAuthorizationSchemeParses()
    {
        var r = Request("regaut01");
        var auth = r.Authorization.Single();
        Assert.That(auth.Scheme, Is.EqualTo("NoOneKnowsThisScheme"));
        Assert.That(auth.Get("opaque-data"), Is.EqualTo("here"));
        Assert.That(auth.IsDigest, Is.False);
        AssertAccepted(r); // the registrar answers 401 with a Digest challenge
    }

    [Test]
    public void Multi01_SeveralValuesInSingleValueHeaders() => AssertRejected(Request("multi01"), 400, "several");

    [Test]
    public void Mcl01_SeveralContentLengthValues() => AssertRejected(Request("mcl01"), 400, "several Content-Length values");

    [Test]
    public void Bcast_BroadcastViaInResponseParses()
    {
        var r = Response("bcast");
        Assert.That(r.Via, Has.Count.EqualTo(2));
        Assert.That(r.Via[1].Host, Is.EqualTo("255.255.255.255"));
        Assert.That(r.ValidateHeaders(), Is.Null);
    }

    [Test]
    public void Zeromf_MaxForwardsZero()
    {
        var r = Request("zeromf");
        Assert.That(r.MaxForwards, Is.EqualTo(0));
        AssertAccepted(r); // OPTIONS addressed to us is answered (§11)
        AssertRejected(r, 483, "Max-Forwards", willForward: true);
    }

    [Test]
    public void Cparam01_ContactParameterOutsideAngles()
    {
        var r = Request("cparam01");
        var c = r.Contacts.Single();
        Assert.That(c.Parameters.Contains("unknownparam"), Is.True, "a header parameter, not a URI parameter");
        Assert.That(c.SipUri!.Parameters, Is.Empty);
        Assert.That(c.SipUri.User, Is.EqualTo("+19725552222"));
        AssertAccepted(r);
    }

    [Test]
    public void Cparam02_UriParameterInsideAngles()
    {
        var r = Request("cparam02");
        var c = r.Contacts.Single();
        Assert.That(c.Parameters, Is.Empty);
        Assert.That(c.SipUri!.Parameters.Contains("unknownparam"), Is.True);
        AssertAccepted(r);
    }

    [Test]
    public void Regescrt_EscapedHeaderInContactUri()
    {
        var r = Request("regescrt");
        var c = r.Contacts.Single().SipUri!;
        Assert.That(c.Headers.Get("Route"), Is.EqualTo("<sip:sip.example.com>"));
        AssertAccepted(r);
    }

    [Test]
    public void Sdp01_UnacceptableAccept()
    {
        var r = Request("sdp01");
        Assert.That(r.Accept.Single().MimeType, Is.EqualTo("text/nobodyKnowsThis"));
        AssertRejected(r, 406, "Accept");
    }

    // ---------------- 3.4 backward compatibility ----------------

    [Test]
    public void Inv2543_Rfc2543Syntax()
    {
        var r = Request("inv2543");
        Assert.That(r.TopVia!.Branch, Is.Null);
        Assert.That(r.TopVia.IsRfc3261Branch, Is.False);
        Assert.That(r.MaxForwards, Is.Null);
        Assert.That(r.ContentLength, Is.Null);
        Assert.That(r.Body.Length, Is.GreaterThan(0), "no Content-Length on UDP: body runs to the end of the datagram");
        Assert.That(r.To!.Parameters.Get("user"), Is.EqualTo("phone"), "addr-spec form: ;user=phone is a header parameter");
        Assert.That(r.From!.SipUri!.UserParameter, Is.EqualTo("phone"), "inside <>: a URI parameter");
        Assert.That(r.From!.Tag, Is.Null);
        Assert.That(r.RecordRoutes.Single().SipUri!.MAddr, Is.EqualTo("ss1.example.com"));
        AssertAccepted(r);
    }
}
