namespace Telephony.Sip.Tests.Auth;

public sealed class DigestCalculatorTests
{
    // RFC 7616 §3.9.1: Mufasa / "Circle of Life", GET /dir/index.html, qop=auth.
    private const string Nonce = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    private const string Cnonce = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
    private const string Realm = "http-auth@example.org";

    [TestCase(DigestAlgorithm.Md5, "8ca523f5e9506fed4657c9700eebdbec")]
    [TestCase(DigestAlgorithm.Sha256, "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1")]
    public void Rfc7616_example_response(DigestAlgorithm algorithm, string expected)
    {
        var ha1 = DigestCalculator.Ha1(algorithm, "Mufasa", Realm, "Circle of Life");
        var response = DigestCalculator.Response(algorithm, ha1, Nonce, "00000001", Cnonce, "auth", "GET", "/dir/index.html");
        Assert.That(response, Is.EqualTo(expected));
    }

    [Test]
    public void Rfc2617_example_without_change_of_qop_semantics()
    {
        // RFC 2617 §3.5: Mufasa, testrealm@host.com, qop=auth -> 6629fae49393a05397450978507c4ef1
        var ha1 = DigestCalculator.Ha1(DigestAlgorithm.Md5, "Mufasa", "testrealm@host.com", "Circle Of Life");
        var response = DigestCalculator.Response(DigestAlgorithm.Md5, ha1, "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b", "auth", "GET", "/dir/index.html");
        Assert.That(response, Is.EqualTo("6629fae49393a05397450978507c4ef1"));
    }

    [Test]
    public void Challenge_round_trips_through_its_header_value()
    {
        var c = new DigestChallenge("telephony.local", "abc\"def", DigestAlgorithm.Sha256, true, "op", Stale: true);
        Assert.That(DigestChallenge.TryParse(c.ToString(), out var back), Is.True);
        Assert.That(back, Is.EqualTo(c));
    }

    [Test]
    public void Credentials_round_trip_and_reject_malformed()
    {
        var c = new DigestCredentials("1001", "r", "n", "sip:r", "abcd", DigestAlgorithm.Md5, "cn", "auth", "0000000a");
        Assert.That(DigestCredentials.TryParse(c.ToString(), out var back), Is.True);
        Assert.That(back, Is.EqualTo(c));
        Assert.That(back.NonceCountValue, Is.EqualTo(10u));
        Assert.That(DigestCredentials.TryParse("Digest username=\"1001\", realm=\"r", out _), Is.False);
        Assert.That(DigestCredentials.TryParse("Basic abcd", out _), Is.False);
        Assert.That(DigestCredentials.TryParse("Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"x\", response=\"y\", qop=auth, nc=zz, cnonce=\"c\"", out _), Is.False);
        Assert.That(DigestCredentials.TryParse("Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"x\", response=\"y\", algorithm=SHA-512-256", out _), Is.False);
        Assert.That(DigestCredentials.TryParse(string.Concat(Enumerable.Repeat("a=b, ", 100)).Insert(0, "Digest "), out _), Is.False);
    }

    [Test]
    public void Client_prefers_sha256_and_counts_nc()
    {
        var chosen = DigestClient.Choose(["Digest realm=\"r\", nonce=\"n\", algorithm=MD5, qop=\"auth\"", "Digest realm=\"r\", nonce=\"n\", algorithm=SHA-256, qop=\"auth\""]);
        Assert.That(chosen!.Algorithm, Is.EqualTo(DigestAlgorithm.Sha256));
        var client = new DigestClient("1001", "pw");
        Assert.That(client.Answer(chosen, "REGISTER", "sip:r").NonceCount, Is.EqualTo("00000001"));
        Assert.That(client.Answer(chosen, "REGISTER", "sip:r").NonceCount, Is.EqualTo("00000002"));
    }
}
