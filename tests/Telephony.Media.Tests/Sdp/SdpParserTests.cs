namespace Telephony.Media.Tests.Sdp;

public class SdpParserTests
{
    // Shapes seen from real phones: extra attributes, lowercase rtpmap names, static PTs without
    // rtpmap, a=rtcp, b= lines, LF-only line ends, trailing blank lines.
    internal const string Yealink =
        "v=0\r\no=- 20047 20047 IN IP4 192.168.1.20\r\ns=SDP data\r\nc=IN IP4 192.168.1.20\r\nt=0 0\r\n" +
        "m=audio 11780 RTP/AVP 0 8 9 18 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:9 G722/8000\r\n" +
        "a=rtpmap:18 G729/8000\r\na=fmtp:18 annexb=no\r\na=ptime:20\r\na=sendrecv\r\na=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\n";

    internal const string OddPhone =
        "v=0\no=user1 53655765 2353687637 IN IP4 10.0.0.5\ns=-\nb=AS:84\nt=0 0\n" +
        "m=audio 6000 RTP/AVP 8 0 96\nc=IN IP4 10.0.0.6\nb=TIAS:64000\na=rtpmap:96 Telephone-Event/8000\na=rtpmap:8 pcma/8000\n" +
        "a=rtcp:6011\na=x-vendor-thing:yes please\na=maxptime:150\na=silenceSupp:off - - - -\n\n\n";

    internal const string Ipv6 =
        "v=0\r\no=- 1 1 IN IP6 2001:db8::1\r\ns=-\r\nc=IN IP6 2001:db8::1\r\nt=0 0\r\nm=audio 40000 RTP/AVP 0\r\n";

    [Test]
    public void Parses_a_typical_desk_phone_offer()
    {
        var result = SdpParser.Parse(Yealink);
        Assert.That(result.Success, Is.True, result.Error);
        var sd = result.Description!;
        Assert.That(sd.Origin.SessionId, Is.EqualTo(20047UL));
        Assert.That(sd.Connection!.IPAddress, Is.EqualTo(IPAddress.Parse("192.168.1.20")));
        var m = sd.MediaDescriptions.Single();
        Assert.That(m.Port, Is.EqualTo(11780));
        Assert.That(m.Formats, Is.EqualTo(new[] { "0", "8", "9", "18", "101" }));
        Assert.That(m.Ptime, Is.EqualTo(20));
        Assert.That(m.GetDirection(), Is.EqualTo(MediaDirection.SendRecv));
        Assert.That(m.RtpMaps.Count(), Is.EqualTo(5));
        Assert.That(m.GetFmtp(101), Is.EqualTo("0-15"));
    }

    [Test]
    public void Accepts_lf_line_ends_media_level_c_b_lines_rtcp_and_unknown_attributes()
    {
        var result = SdpParser.Parse(OddPhone);
        Assert.That(result.Success, Is.True, result.Error);
        var sd = result.Description!;
        Assert.That(sd.Connection, Is.Null);
        Assert.That(sd.Bandwidths.Single(), Is.EqualTo(new SdpBandwidth("AS", 84)));
        var m = sd.MediaDescriptions[0];
        Assert.That(m.Connection!.Address, Is.EqualTo("10.0.0.6"));
        Assert.That(sd.ConnectionFor(m)!.Address, Is.EqualTo("10.0.0.6"));
        Assert.That(m.Bandwidths.Single().Type, Is.EqualTo("TIAS"));
        Assert.That(m.GetAttribute("rtcp")!.Value, Is.EqualTo("6011"));
        Assert.That(m.GetAttribute("silenceSupp")!.Value, Is.EqualTo("off - - - -"));
        Assert.That(m.RtpMaps.First(r => r.PayloadType == 96).EncodingName, Is.EqualTo("Telephone-Event"));
    }

    [Test]
    public void Parses_ipv6_connection()
    {
        var result = SdpParser.Parse(Ipv6);
        Assert.That(result.Success, Is.True, result.Error);
        Assert.That(result.Description!.Connection!.IPAddress, Is.EqualTo(IPAddress.Parse("2001:db8::1")));
    }

    [Test]
    public void Format_then_parse_round_trips()
    {
        var first = SdpParser.Parse(Yealink).Description!;
        string text = first.ToString();
        Assert.That(text, Does.StartWith("v=0\r\no=- 20047 20047 IN IP4 192.168.1.20\r\ns=SDP data\r\nc=IN IP4 192.168.1.20\r\nt=0 0\r\nm=audio 11780 RTP/AVP 0 8 9 18 101\r\n"));
        var second = SdpParser.Parse(text);
        Assert.That(second.Success, Is.True, second.Error);
        Assert.That(second.Description!.ToString(), Is.EqualTo(text));
    }

    [TestCase(null, "empty body")]
    [TestCase("", "empty body")]
    [TestCase("hello world", "line 1")]
    [TestCase("o=- 1 1 IN IP4 1.2.3.4\r\n", "first line must be v=0")]
    [TestCase("v=1\r\n", "unsupported SDP version")]
    [TestCase("v=0\r\ns=-\r\n", "o= must follow v=")]
    [TestCase("v=0\r\n", "no o= line")]
    [TestCase("v=0\r\no=- x 1 IN IP4 1.2.3.4\r\n", "session id")]
    [TestCase("v=0\r\no=- 1 99999999999999999999999 IN IP4 1.2.3.4\r\n", "session version")]
    [TestCase("v=0\r\no=- 1 1 IN IP4\r\n", "o= needs 6 fields")]
    [TestCase("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nc=IN IP4 2001:db8::1\r\n", "does not match address type")]
    [TestCase("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nc=IN IP5 1.2.3.4\r\n", "address type")]
    [TestCase("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nc=IN IP4 bad_host!\r\n", "neither an IP address")]
    [TestCase("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nm=audio 70000 RTP/AVP 0\r\n", "m= port")]
    [TestCase("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nm=audio -1 RTP/AVP 0\r\n", "m= port")]
    [TestCase("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nm=audio 99999999999999999999 RTP/AVP 0\r\n", "m= port")]
    [TestCase("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nm=audio 4000/0 RTP/AVP 0\r\n", "port count")]
    [TestCase("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP 128\r\n", "payload type")]
    [TestCase("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nm=audio 4000 RTP/AVP\r\n", "at least one format")]
    [TestCase("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nb=AS:lots\r\n", "b=")]
    [TestCase("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\na=\r\n", "attribute name")]
    [TestCase("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\nX=1\r\n", "<type>=<value>")]
    [TestCase("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\na=x\0y\r\n", "control character")]
    [TestCase("v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\no=- 1 1 IN IP4 1.2.3.4\r\n", "second o=")]
    public void Rejects_bad_sdp_with_a_clear_error(string? body, string expected)
    {
        var result = SdpParser.Parse(body);
        Assert.That(result.Success, Is.False);
        Assert.That(result.Error, Does.Contain(expected));
    }

    [Test]
    public void Bounds_hostile_sizes()
    {
        const string head = "v=0\r\no=- 1 1 IN IP4 1.2.3.4\r\ns=-\r\nt=0 0\r\n";
        Assert.That(SdpParser.Parse(head + new string('a', 40_000)).Error, Does.Contain("longer than"));
        Assert.That(SdpParser.Parse(head + string.Concat(Enumerable.Repeat("a=x\r\n", 600))).Error, Does.Contain("lines").Or.Contain("attributes"));
        Assert.That(SdpParser.Parse(head + string.Concat(Enumerable.Repeat("m=audio 0 RTP/AVP 0\r\n", 17))).Error, Does.Contain("m= lines"));
        Assert.That(SdpParser.Parse(head + "m=audio 4000 RTP/AVP " + string.Join(' ', Enumerable.Range(0, 100).Select(i => i % 128))).Error,
            Does.Contain("formats"));
        Assert.That(SdpParser.Parse(head + "m=audio 4000 RTP/AVP 0\r\n" + string.Concat(Enumerable.Repeat("a=x\r\n", 129))).Error,
            Does.Contain("attributes"));
        Assert.That(SdpParser.Parse(head + "a=" + new string('x', 3000)).Error, Does.Contain("line longer"));
    }

    [Test]
    public void Random_garbage_never_throws()
    {
        var random = new Random(4711);
        string valid = Yealink;
        for (int i = 0; i < 3000; i++)
        {
            string input;
            if (i % 2 == 0)
            {
                var bytes = new byte[random.Next(0, 400)];
                random.NextBytes(bytes);
                input = Encoding.Latin1.GetString(bytes);
            }
            else
            {
                // Mutate a valid body: flip, drop or duplicate characters.
                var sb = new StringBuilder(valid);
                for (int k = 0; k < 5; k++)
                {
                    int at = random.Next(sb.Length);
                    switch (random.Next(3))
                    {
                        case 0: sb[at] = (char)random.Next(0, 128); break;
                        case 1: sb.Remove(at, 1); break;
                        default: sb.Insert(at, sb[at]); break;
                    }
                }

                input = sb.ToString();
            }

            SdpParseResult result = null!;
            Assert.DoesNotThrow(() => result = SdpParser.Parse(input));
            Assert.That(result.Success || result.Error is { Length: > 0 }, Is.True);
            if (result.Success)
            {
                var negotiator = new SdpNegotiator(new SdpNegotiatorOptions(), IPAddress.Loopback, 30000);
                Assert.DoesNotThrow(() => negotiator.Answer(result.Description!));
                Assert.DoesNotThrow(() => _ = result.Description!.ToString());
            }
        }
    }
}
