namespace Telephony.Sip.Tests.Stack;

public class SipViaRewriterTests
{
    private static SipRequest Parse(string text)
    {
        Assert.That(SipParser.TryParse(text, out var m, out var e), Is.True, e?.Reason);
        return (SipRequest)m!;
    }

    private const string Tail = "From: <sip:a@b>;tag=1\r\nTo: <sip:c@d>\r\nCall-ID: x1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 4\r\n\r\nbody";

    [Test]
    public void Replaces_only_the_first_via_parm_of_a_combined_line_and_keeps_the_body()
    {
        var request = Parse("OPTIONS sip:c@d SIP/2.0\r\nv: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bKa;rport , SIP/2.0/TCP p.example;branch=z9hG4bKb\r\nVia: SIP/2.0/UDP q;branch=z9hG4bKc\r\n" + Tail);
        var stamped = request.TopVia!.WithParameter("received", "192.0.2.9").WithParameter("rport", "4000");
        var result = SipViaRewriter.ReplaceTopVia(request, stamped, SipParserOptions.Default)!;
        Assert.That(result.Via, Has.Count.EqualTo(3));
        Assert.That(result.TopVia!.Received, Is.EqualTo("192.0.2.9"));
        Assert.That(result.TopVia.RPort, Is.EqualTo(4000));
        Assert.That(result.Via[1].Host, Is.EqualTo("p.example"));
        Assert.That(result.Via[2].Branch, Is.EqualTo("z9hG4bKc"));
        Assert.That(result.Body.ToArray(), Is.EqualTo("body"u8.ToArray()));
        Assert.That(result.ValidateHeaders(), Is.Null);
    }

    [Test]
    public void Inserts_a_top_via_after_the_start_line()
    {
        var request = Parse("OPTIONS sip:c@d SIP/2.0\r\nVia: SIP/2.0/UDP q;branch=z9hG4bKc\r\n" + Tail);
        var via = new ViaHeader("TCP", "127.0.0.1", 5070, SipParameters.Empty.With("branch", "z9hG4bKnew"));
        var result = SipViaRewriter.InsertTopVia(request, via, SipParserOptions.Default)!;
        Assert.That(result.Via.Select(v => v.Branch), Is.EqualTo(new[] { "z9hG4bKnew", "z9hG4bKc" }));
        Assert.That(result.TopVia!.Transport, Is.EqualTo("TCP"));
    }

    [Test]
    public void Folded_via_falls_back_to_null()
    {
        var request = Parse("OPTIONS sip:c@d SIP/2.0\r\nVia: SIP/2.0/UDP q\r\n ;branch=z9hG4bKc\r\n" + Tail);
        Assert.That(SipViaRewriter.ReplaceTopVia(request, request.TopVia!, SipParserOptions.Default), Is.Null);
    }
}
