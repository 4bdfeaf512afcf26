namespace Telephony.Sip.Tests.Messages;

public class FramingTests
{
    private static byte[] Msg(string contentLengthLine, string body) => Encoding.ASCII.GetBytes(
        "MESSAGE sip:b@h SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>\r\n" +
        "Call-ID: c\r\nCSeq: 1 MESSAGE\r\nContent-Type: text/plain\r\n" + contentLengthLine + "\r\n" + body);

    [Test]
    public void CompleteMessageAndItsLength()
    {
        var m = Msg("Content-Length: 5\r\n", "hello");
        var f = SipFraming.Frame(m);
        Assert.That(f.Status, Is.EqualTo(SipFrameStatus.Complete));
        Assert.That(f.Length, Is.EqualTo(m.Length));
        Assert.That(SipParser.TryParse(m.AsMemory(0, f.Length), streamed: true, out var parsed, out _), Is.True);
        Assert.That(Encoding.ASCII.GetString(parsed!.Body.Span), Is.EqualTo("hello"));
    }

    [Test]
    public void CompactContentLength()
    {
        var m = Msg("l:  5 \r\n", "hello");
        Assert.That(SipFraming.Frame(m), Is.EqualTo(new SipFrame(SipFrameStatus.Complete, m.Length)));
    }

    [Test]
    public void PartialDataNeedsMoreAtEveryCut()
    {
        var m = Msg("Content-Length: 5\r\n", "hello");
        for (var cut = 0; cut < m.Length; cut++)
            Assert.That(SipFraming.Frame(m.AsSpan(0, cut)).Status, Is.EqualTo(SipFrameStatus.NeedMore), $"cut at {cut}");
    }

    [Test]
    public void TwoMessagesBackToBack()
    {
        var a = Msg("Content-Length: 5\r\n", "hello");
        var b = Msg("Content-Length: 0\r\n", "");
        var both = a.Concat(b).ToArray();
        var f1 = SipFraming.Frame(both);
        Assert.That(f1, Is.EqualTo(new SipFrame(SipFrameStatus.Complete, a.Length)));
        var f2 = SipFraming.Frame(both.AsSpan(f1.Length));
        Assert.That(f2, Is.EqualTo(new SipFrame(SipFrameStatus.Complete, b.Length)));
    }

    [Test]
    public void MultiSegmentSequence()
    {
        var m = Msg("Content-Length: 5\r\n", "hello");
        var first = new Segment(m.AsMemory(0, 30));
        var last = first.Append(m.AsMemory(30, 40)).Append(m.AsMemory(70));
        var seq = new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        Assert.That(SipFraming.Frame(seq), Is.EqualTo(new SipFrame(SipFrameStatus.Complete, m.Length)));
        Assert.That(SipFraming.Frame(seq.Slice(0, m.Length - 1)).Status, Is.EqualTo(SipFrameStatus.NeedMore));
    }

    [Test]
    public void KeepAlives()
    {
        Assert.That(SipFraming.Frame("\r\n\r\n"u8), Is.EqualTo(new SipFrame(SipFrameStatus.KeepAlive, 4)));
        var m = Encoding.ASCII.GetBytes("\r\n").Concat(Msg("l: 0\r\n", "")).ToArray();
        var f = SipFraming.Frame(m);
        Assert.That(f, Is.EqualTo(new SipFrame(SipFrameStatus.KeepAlive, 2)));
        Assert.That(SipFraming.Frame(m.AsSpan(2)).Status, Is.EqualTo(SipFrameStatus.Complete));
    }

    [TestCase("", "Content-Length is mandatory")]
    [TestCase("Content-Length: -5\r\n", "negative Content-Length")]
    [TestCase("Content-Length: 99999999999999999999\r\n", "out of range")]
    [TestCase("Content-Length: 12abc\r\n", "malformed Content-Length")]
    [TestCase("Content-Length: 1, 2\r\n", "several Content-Length values")]
    [TestCase("Content-Length: 5\r\nl: 5\r\n", "several Content-Length values")]
    [TestCase("Content-Length: 100000\r\n", "exceeds the limit")]
    public void InvalidContentLength(string line, string reason)
    {
        var f = SipFraming.Frame(Msg(line, "hello"));
        Assert.That(f.Status, Is.EqualTo(SipFrameStatus.Invalid));
        Assert.That(f.Error, Does.Contain(reason));
    }

    [Test]
    public void OversizedHeadersAreInvalidNotBufferedForever()
    {
        var opts = new SipParserOptions { MaxHeaderBytes = 1024 };
        var endless = Encoding.ASCII.GetBytes("INVITE sip:b@h SIP/2.0\r\n" + string.Concat(Enumerable.Repeat("X-Pad: aaaaaaaaaaaaaaaaaaaa\r\n", 100)));
        var f = SipFraming.Frame(endless, opts);
        Assert.That(f.Status, Is.EqualTo(SipFrameStatus.Invalid));
        Assert.That(f.Error, Does.Contain("exceeds 1024 bytes"));
        var manyLines = Msg(string.Concat(Enumerable.Range(0, 50).Select(i => $"X-{i}: v\r\n")) + "l: 0\r\n", "");
        Assert.That(SipFraming.Frame(manyLines, new SipParserOptions { MaxHeaderCount = 20 }).Error, Does.Contain("more than 20 header lines"));
    }

    [Test]
    public void ContentLengthLiesAreCaughtByTheParser()
    {
        // A stream message whose Content-Length is shorter than what follows: framing cuts it, the rest is the next "message".
        var m = Msg("Content-Length: 2\r\n", "hello");
        var f = SipFraming.Frame(m);
        Assert.That(f.Length, Is.EqualTo(m.Length - 3));
        Assert.That(SipFraming.Frame(m.AsSpan(f.Length)).Status, Is.EqualTo(SipFrameStatus.NeedMore));
        // On a datagram, a Content-Length larger than the data is an error; smaller trims the body.
        Assert.That(SipParser.TryParse(Msg("Content-Length: 50\r\n", "hello"), out _, out var e), Is.False);
        Assert.That(e!.Reason, Does.Contain("larger than the 5 body bytes"));
        Assert.That(SipParser.TryParse(Msg("Content-Length: 2\r\n", "hello"), out var ok, out _), Is.True);
        Assert.That(Encoding.ASCII.GetString(ok!.Body.Span), Is.EqualTo("he"));
        // Streamed parse requires Content-Length.
        Assert.That(SipParser.TryParse(Msg("", "hello"), streamed: true, out _, out var e2), Is.False);
        Assert.That(e2!.Reason, Does.Contain("mandatory"));
    }

    [Test]
    public void TortureMessagesStreamedInRandomChunksFrameOneByOne()
    {
        // Every torture message whose Content-Length matches its body, sent back to back on one stream.
        var messages = new List<byte[]>();
        foreach (var name in TortureFiles.All())
        {
            var bytes = TortureFiles.Read(name);
            var f = SipFraming.Frame(bytes);
            if (f.Status == SipFrameStatus.Complete && f.Length == bytes.Length) messages.Add(bytes);
        }
        Assert.That(messages, Has.Count.GreaterThan(25));
        var stream = messages.SelectMany(m => m).ToArray();
        var rng = new Random(3261);
        var buffer = new List<byte>();
        var sent = 0;
        var framed = new List<byte[]>();
        while (sent < stream.Length || buffer.Count > 0)
        {
            var chunk = Math.Min(stream.Length - sent, 1 + rng.Next(300));
            buffer.AddRange(stream.AsSpan(sent, chunk).ToArray());
            sent += chunk;
            while (true)
            {
                var f = SipFraming.Frame(buffer.ToArray());
                Assert.That(f.Status, Is.Not.EqualTo(SipFrameStatus.Invalid), f.Error);
                if (f.Status != SipFrameStatus.Complete) break;
                framed.Add(buffer.GetRange(0, f.Length).ToArray());
                buffer.RemoveRange(0, f.Length);
            }
            if (sent == stream.Length && buffer.Count > 0 && SipFraming.Frame(buffer.ToArray()).Status == SipFrameStatus.NeedMore) break;
        }
        Assert.That(framed, Has.Count.EqualTo(messages.Count));
        for (var i = 0; i < messages.Count; i++)
        {
            Assert.That(framed[i], Is.EqualTo(messages[i]));
            // Streamed parsing of a framed message agrees with datagram parsing of the same bytes.
            var asStream = SipParser.TryParse(framed[i], streamed: true, out _, out var se);
            var asDatagram = SipParser.TryParse(framed[i], out _, out var de);
            Assert.That(asStream, Is.EqualTo(asDatagram));
            Assert.That(se?.Reason, Is.EqualTo(de?.Reason));
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
