namespace Telephony.Sip.Tests.Messages;

public class SmokeTests
{
    [Test]
    public void BenchInviteParsesWithTypedHeaders()
    {
        var bytes = TortureFiles.BenchInvite();
        Assert.That(SipParser.TryParse(bytes, out var msg, out var err), Is.True, err?.Reason);
        var req = (SipRequest)msg!;
        Assert.That(req.Method, Is.EqualTo("INVITE"));
        Assert.That(req.RequestUri.ToString(), Is.EqualTo("sip:2001@example.com"));
        Assert.That(req.Via, Has.Count.EqualTo(2));
        Assert.That(req.TopVia!.Branch, Is.EqualTo("z9hG4bK4b43c2ff8.1"));
        Assert.That(req.Via[1].RPort, Is.EqualTo(5060));
        Assert.That(req.From!.DisplayName, Is.EqualTo("Alice Agent"));
        Assert.That(req.From.Tag, Is.EqualTo("1928301774"));
        Assert.That(req.CSeq, Is.EqualTo(new CSeqHeader(314159, "INVITE")));
        Assert.That(req.Body.Length, Is.EqualTo(264));
        Assert.That(req.ValidateHeaders(), Is.Null);
        Assert.That(UasRequestCheck.Check(req).IsAccepted, Is.True);
    }

    [Test]
    public void ParseAllocatesLessThanTwoKilobytes()
    {
        // The budget for one parse of the benchmark INVITE; timing is left to the benchmark, bytes are stable.
        var bytes = TortureFiles.BenchInvite();
        for (var i = 0; i < 100; i++) SipParser.TryParse(bytes, out _, out _);
        const int n = 1000;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < n; i++) SipParser.TryParse(bytes, out _, out _);
        var perParse = (GC.GetAllocatedBytesForCurrentThread() - before) / n;
        Assert.That(perParse, Is.LessThan(2048));
        TestContext.Out.WriteLine($"{perParse} bytes per parse");
    }
}
