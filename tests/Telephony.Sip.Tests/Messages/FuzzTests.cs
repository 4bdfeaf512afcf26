namespace Telephony.Sip.Tests.Messages;

/// <summary>
/// Fixed-seed mutation fuzzing of valid messages: whatever the bytes, parsing, validation, typed accessors,
/// the UAS check, error responses and framing return an answer and never throw.
/// </summary>
public class FuzzTests
{
    private const int Iterations = 100_000;

    private static readonly string[] Seeds =
    [
        "wsinv", "intmeth", "esc01", "escnull", "esc02", "lwsdisp", "longreq", "semiuri", "transports", "mpart01",
        "unreason", "noreason", "regaut01", "bext01", "cparam01", "regescrt", "inv2543", "bcast", "zeromf",
    ];

    [Test]
    [CancelAfter(60_000)]
    public void RandomMutationsNeverThrow()
    {
        var seeds = Seeds.Select(TortureFiles.Read).Append(TortureFiles.BenchInvite()).Append(ExtraSeed()).ToArray();
        var rng = new Random(4475);
        var parsed = 0;
        var rejected = 0;
        for (var i = 0; i < Iterations; i++)
        {
            var input = i % 10 == 0 ? SipMutator.RandomBytes(rng) : SipMutator.Mutate(seeds[rng.Next(seeds.Length)], rng);
            try
            {
                if (Exercise(input)) parsed++;
                else rejected++;
            }
            catch (Exception ex)
            {
                Assert.Fail($"iteration {i}: {ex}\ninput:\n{Encoding.UTF8.GetString(input)}");
            }
        }
        // Both outcomes must occur, or the mutations are not doing their job.
        Assert.That(parsed, Is.GreaterThan(Iterations / 10));
        Assert.That(rejected, Is.GreaterThan(Iterations / 10));
    }

    private static byte[] ExtraSeed() => Encoding.UTF8.GetBytes(
        "REFER sip:bob@[2001:db8::1]:5070;transport=tcp SIP/2.0\r\n" +
        "Via: SIP/2.0/TCP [2001:db8::2]:5060;branch=z9hG4bKabc;rport;received=2001:db8::9, SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKdef\r\n" +
        "From: \"A \\\"quoted\\\" name\" <sip:alice@example.com>;tag=a1\r\n" +
        "To: <tel:+1-201-555-0123;phone-context=example.com>\r\n" +
        "Call-ID: x@y\r\nCSeq: 7 REFER\r\nMax-Forwards: 70\r\n" +
        "Refer-To: <sip:carol@example.com?Replaces=abc%40h%3Bto-tag%3D1%3Bfrom-tag%3D2>\r\n" +
        "Replaces: abc@h;to-tag=1;from-tag=2;early-only\r\n" +
        "Event: refer;id=93809824\r\n" +
        "Reason: SIP;cause=200;text=\"Call completed elsewhere\", Q.850;cause=16\r\n" +
        "Warning: 301 isi.edu \"Incompatible network address type 'E.164'\"\r\n" +
        "Authorization: Digest username=\"alice\", realm=\"example.com\", nonce=\"n,1\", uri=\"sip:bob@example.com\", response=\"0123\", qop=auth, nc=00000001, cnonce=\"c\"\r\n" +
        "WWW-Authenticate: Digest realm=\"example.com\", qop=\"auth,auth-int\", nonce=\"abc\", algorithm=MD5\r\n" +
        "Contact: *\r\nExpires: 0\r\nRequire: replaces\r\nSupported: timer, 100rel\r\nAllow: INVITE, ACK\r\n" +
        "Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>\r\nRecord-Route: <sip:p3.example.com;lr>\r\n" +
        "Content-Type: text/plain;charset=utf-8\r\nContent-Length: 5\r\n\r\nhello");

    private static bool Exercise(byte[] input)
    {
        _ = SipFraming.Frame(input);
        _ = SipFraming.Frame(new ReadOnlySequence<byte>(input));
        if (!SipParser.TryParse(input, out var m, out var e))
        {
            Assert.That(e.Reason, Does.Not.StartWith("internal parser error"), e.Reason);
            if (e.TryCreateResponse("fuzz.example.com", out var b)) _ = b!.ToArray();
            return false;
        }
        Assert.That(SipParser.TryParse(input, true, out _, out var se), Is.True.Or.False);
        if (se is not null) Assert.That(se.Reason, Does.Not.StartWith("internal parser error"), se.Reason);
        _ = m.ValidateHeaders();
        foreach (var h in m.Headers) _ = h.Value;
        _ = m.Via; _ = m.From; _ = m.To; _ = m.CallId; _ = m.CSeq; _ = m.MaxForwards; _ = m.Contacts; _ = m.IsContactWildcard;
        _ = m.Routes; _ = m.RecordRoutes; _ = m.ContentLength; _ = m.ContentType; _ = m.Expires; _ = m.Require;
        _ = m.ProxyRequire; _ = m.Supported; _ = m.Allow; _ = m.Authorization; _ = m.WwwAuthenticate; _ = m.Event;
        _ = m.ReferTo; _ = m.Replaces; _ = m.Reasons; _ = m.Warnings; _ = m.Accept; _ = m.GetHeaderValues("Contact");
        _ = m.From?.ToString(); _ = m.TopVia?.ToString(); _ = m.To?.Uri.GetHashCode();
        if (m is SipRequest r)
        {
            _ = r.RequestUri.ToString();
            var v = UasRequestCheck.Check(r, willForward: true);
            var resp = v.CreateResponse(r, "fuzz.example.com") ?? SipResponseBuilder.CreateResponse(r, 200);
            _ = resp.ToArray();
        }
        return true;
    }
}
