using Telephony.Media.Srtp;

namespace Telephony.Media.Tests.Sdp;

/// <summary>SDES (RFC 4568) in offer/answer: which a=crypto lines we take, what we answer, what we refuse and why.</summary>
public class SdesTests
{
    private const string Key = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"; // 40 base64 characters: 30 bytes

    private static SdpNegotiator Negotiator(SdpNegotiatorOptions? options = null) =>
        new(options ?? new SdpNegotiatorOptions(), IPAddress.Parse("10.1.1.1"), 30000);

    private static string Offer(string profile, params string[] cryptoLines) =>
        "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
        + $"m=audio 5004 {profile} 0 8 101\r\na=rtpmap:101 telephone-event/8000\r\n"
        + string.Concat(cryptoLines.Select(l => $"a=crypto:{l}\r\n"));

    [Test]
    public void A_SAVP_offer_is_answered_SAVP_with_the_offers_tag_and_suite_and_a_fresh_key_of_ours()
    {
        var negotiator = Negotiator();
        var r = negotiator.Answer(Offer("RTP/SAVP", $"7 AES_CM_128_HMAC_SHA1_32 inline:{Key}|2^31", $"8 AES_CM_128_HMAC_SHA1_80 inline:{Key}"));
        Assert.That(r.Success, Is.True, r.Error);
        var m = r.Answer!.MediaDescriptions.Single();
        Assert.That(m.Protocol, Is.EqualTo("RTP/SAVP"));
        var crypto = m.Attributes.Where(a => a.Name == "crypto").ToList();
        Assert.That(crypto, Has.Count.EqualTo(1));
        Assert.That(crypto[0].Value, Does.StartWith("7 AES_CM_128_HMAC_SHA1_32 inline:"));
        string ours = crypto[0].Value!["7 AES_CM_128_HMAC_SHA1_32 inline:".Length..];
        Assert.That(Convert.FromBase64String(ours), Has.Length.EqualTo(30));
        Assert.That(ours, Is.Not.EqualTo(Key), "our own key, not the offerer's");

        var srtp = r.Audio!.Srtp!;
        Assert.That((srtp.Suite, srtp.Tag), Is.EqualTo((SrtpSuite.AesCm128HmacSha1_32, 7)));
        Assert.That(Convert.ToBase64String(srtp.Remote.KeySalt.Span), Is.EqualTo(Key));
        Assert.That(Convert.ToBase64String(srtp.Local.KeySalt.Span), Is.EqualTo(ours));
        Assert.That(SdpParser.Parse(r.Answer.ToString()).Success, Is.True);

        var other = Negotiator().Answer(Offer("RTP/SAVP", $"1 AES_CM_128_HMAC_SHA1_80 inline:{Key}"));
        Assert.That(Convert.ToBase64String(other.Audio!.Srtp!.Local.KeySalt.Span), Is.Not.EqualTo(ours), "each call its own key");
    }

    [Test]
    public void The_first_line_we_can_honour_wins_in_the_offerers_order()
    {
        var r = Negotiator().Answer(Offer("RTP/SAVP",
            $"1 AES_256_CM_HMAC_SHA1_80 inline:{Key}{Key}",
            $"2 AES_CM_128_HMAC_SHA1_80 inline:{Key}|2^20|1:4",
            $"3 AES_CM_128_HMAC_SHA1_80 inline:{Key} UNENCRYPTED_SRTP",
            $"4 AES_CM_128_HMAC_SHA1_80 inline:{Key}|2^48 WSH=64"));
        Assert.That(r.Success, Is.True, r.Error);
        Assert.That(r.Audio!.Srtp!.Tag, Is.EqualTo(4));
    }

    [TestCase("1 AES_256_CM_HMAC_SHA1_80 inline:" + Key, "AES_256_CM_HMAC_SHA1_80")]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80 inline:" + Key + "|2^31|1:4", "MKI")]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80 inline:" + Key + "|1:4", "MKI")]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80 inline:" + Key + "|2^10", "lifetime")]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80 inline:" + Key + " KDR=1", "KDR=1")]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80 inline:" + Key + ";inline:" + Key, "several master keys")]
    public void An_offer_with_nothing_we_can_honour_fails_with_the_reason(string line, string reason)
    {
        var r = Negotiator().Answer(Offer("RTP/SAVP", line));
        Assert.That(r.Success, Is.False);
        Assert.That(r.Error, Does.Contain("a=crypto").And.Contain(reason));
    }

    [Test]
    public void SAVP_without_crypto_and_other_profiles_are_refused()
    {
        Assert.That(Negotiator().Answer(Offer("RTP/SAVP")).Error, Does.Contain("without an a=crypto line"));
        Assert.That(Negotiator().Answer(Offer("RTP/SAVPF", $"1 AES_CM_128_HMAC_SHA1_80 inline:{Key}")).Error, Does.Contain("RTP/SAVPF"));
        Assert.That(Negotiator().Answer(Offer("UDP/TLS/RTP/SAVP", $"1 AES_CM_128_HMAC_SHA1_80 inline:{Key}")).Error, Does.Contain("only RTP/AVP and RTP/SAVP"));
    }

    [Test]
    public void A_plain_AVP_offer_is_answered_as_before_even_with_crypto_lines()
    {
        var r = Negotiator().Answer(Offer("RTP/AVP", $"1 AES_CM_128_HMAC_SHA1_80 inline:{Key}"));
        Assert.That(r.Success, Is.True, r.Error);
        Assert.That(r.Audio!.Srtp, Is.Null);
        var m = r.Answer!.MediaDescriptions.Single();
        Assert.That((m.Protocol, m.GetAttribute("crypto")), Is.EqualTo(("RTP/AVP", (SdpAttribute?)null)));
    }

    [Test]
    public void Our_SAVP_offer_and_the_peers_answer_agree_on_mirrored_keys()
    {
        var offerer = Negotiator(new SdpNegotiatorOptions { OfferSrtp = true });
        var answerer = Negotiator();
        var offer = offerer.CreateOffer();
        var m = offer.MediaDescriptions.Single();
        Assert.That(m.Protocol, Is.EqualTo("RTP/SAVP"));
        Assert.That(m.Attributes.Where(a => a.Name == "crypto").Select(a => a.Value![..25]),
            Is.EqualTo(new[] { "1 AES_CM_128_HMAC_SHA1_80", "2 AES_CM_128_HMAC_SHA1_32" }));

        var answer = answerer.Answer(offer.ToString());
        Assert.That(answer.Success, Is.True, answer.Error);
        var accepted = offerer.AcceptAnswer(answer.Answer!.ToString());
        Assert.That(accepted.Success, Is.True, accepted.Error);
        var a = accepted.Audio!.Srtp!;
        var b = answer.Audio!.Srtp!;
        Assert.That((a.Tag, a.Suite), Is.EqualTo((1, SrtpSuite.AesCm128HmacSha1_80)));
        Assert.That(a.Local.KeySalt.ToArray(), Is.EqualTo(b.Remote.KeySalt.ToArray()));
        Assert.That(a.Remote.KeySalt.ToArray(), Is.EqualTo(b.Local.KeySalt.ToArray()));
    }

    [Test]
    public void An_answer_that_drops_SRTP_or_names_a_tag_we_did_not_offer_is_refused()
    {
        var offerer = Negotiator(new SdpNegotiatorOptions { OfferSrtp = true });
        offerer.CreateOffer();
        string plain = "v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\nm=audio 5004 RTP/AVP 0\r\n";
        Assert.That(offerer.AcceptAnswer(plain).Error, Does.Contain("the same transport"));
        offerer.CreateOffer();
        Assert.That(offerer.AcceptAnswer(Offer("RTP/SAVP", $"9 AES_CM_128_HMAC_SHA1_80 inline:{Key}")).Error, Does.Contain("tag 9"));
        offerer.CreateOffer();
        Assert.That(offerer.AcceptAnswer(Offer("RTP/SAVP", $"2 AES_CM_128_HMAC_SHA1_80 inline:{Key}")).Error, Does.Contain("not one we offered"));
    }

    // Hostile or broken a=crypto values: each refused with a reason, none throws, none echoes control
    // characters or quotes into the reason (it ends up in a Warning header and a log line).
    [TestCase("")]
    [TestCase(" ")]
    [TestCase("1")]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80")]
    [TestCase("x AES_CM_128_HMAC_SHA1_80 inline:" + Key)]
    [TestCase("-1 AES_CM_128_HMAC_SHA1_80 inline:" + Key)]
    [TestCase("1234567890 AES_CM_128_HMAC_SHA1_80 inline:" + Key)]
    [TestCase("99999999999999999999 AES_CM_128_HMAC_SHA1_80 inline:" + Key)]
    [TestCase("1 aes_cm_128_hmac_sha1_80 inline:" + Key)]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80 outline:" + Key)]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80 inline:")]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80 inline:not*base64!")]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80 inline:QUJD")]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80 inline:" + Key + Key)]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80 inline:" + Key + "|")]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80 inline:" + Key + "|2^")]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80 inline:" + Key + "|2^99")]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80 inline:" + Key + "|2^-1")]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80 inline:" + Key + "|99999999999999999999999")]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80 inline:" + Key + "|2^31|2^31")]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80 inline:" + Key + "|2^31|1:4|x")]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80 inline:" + Key + " WSH=9999999999")]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80 inline:" + Key + " WSH=65")]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80 inline:" + Key + " UNAUTHENTICATED_SRTP")]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80 inline:" + Key + " FEC_ORDER=FEC_SRTP")]
    [TestCase("1 AES_CM_128_HMAC_SHA1_80 inline:" + Key + " \"quoted\\\u0001\u202e")]
    [TestCase("1 \"AES\u0007\u202e\\ inline:" + Key)]
    public void Malformed_or_unsupported_lines_are_refused_with_a_clean_reason(string value)
    {
        SdesCrypto? crypto = null;
        string? problem = null;
        Assert.DoesNotThrow(() => crypto = SdesCrypto.Parse(value, out problem));
        Assert.That(crypto, Is.Null);
        Assert.That(problem, Is.Not.Null.And.Not.Empty);
        Assert.That(problem!.All(c => c is >= ' ' and <= '~' and not '"' and not '\\' or '…'), Is.True, problem);
    }

    [Test]
    public void Oversized_lines_are_refused_without_being_read()
    {
        Assert.That(SdesCrypto.Parse(new string('1', 100_000), out string? problem), Is.Null);
        Assert.That(problem, Does.Contain("longer than 512"));
        Assert.That(SdesCrypto.Parse(null, out _), Is.Null);
    }

    [Test]
    public void Random_mutations_of_a_good_line_never_throw()
    {
        string good = $"1 AES_CM_128_HMAC_SHA1_80 inline:{Key}|2^31 WSH=64";
        const string alphabet = " |:;^=2AES_inlNe+/\"\\\u0000\u00ff\u202e0123456789";
        var random = new Random(4568);
        int accepted = 0;
        for (int i = 0; i < 20_000; i++)
        {
            var chars = good.ToCharArray().ToList();
            for (int edits = random.Next(1, 4); edits > 0; edits--)
            {
                int at = random.Next(chars.Count);
                switch (random.Next(3))
                {
                    case 0: chars[at] = alphabet[random.Next(alphabet.Length)]; break;
                    case 1: chars.Insert(at, alphabet[random.Next(alphabet.Length)]); break;
                    default: chars.RemoveAt(at); break;
                }
            }
            var crypto = SdesCrypto.Parse(new string([.. chars]), out string? problem);
            Assert.That(crypto is not null ^ problem is not null, Is.True);
            accepted += crypto is null ? 0 : 1;
        }
        Assert.That(accepted, Is.GreaterThan(0), "some harmless edits still parse");
    }

    [Test]
    public void A_hostile_SAVP_offer_fails_cleanly_through_the_negotiator()
    {
        var lines = Enumerable.Range(0, 100).Select(i => $"{i} AES_CM_128_HMAC_SHA1_80 inline:{new string('A', 200)}").ToArray();
        var r = Negotiator().Answer(Offer("RTP/SAVP", lines));
        Assert.That(r.Success, Is.False);
        Assert.That(r.Error, Does.Contain("no a=crypto line we can honour"));
    }
}
