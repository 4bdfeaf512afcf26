namespace Telephony.Sip.Tests.Auth;

public sealed class DigestAuthenticatorTests
{
    private FakeTimeProvider _time = null!;
    private DigestAuthenticator _auth = null!;

    [SetUp]
    public void SetUp()
    {
        _time = new FakeTimeProvider(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        _auth = new DigestAuthenticator("telephony.local", new InMemoryCredentialStore(new Dictionary<string, string> { ["1001"] = "secret" }), TimeSpan.FromMinutes(5), _time);
    }

    private string Answer(DigestChallenge challenge, string user = "1001", string password = "secret", DigestClient? client = null) =>
        (client ?? new DigestClient(user, password)).Answer(challenge, "REGISTER", "sip:telephony.local").ToString();

    [Test]
    public void Challenges_offer_sha256_then_md5_with_qop_auth()
    {
        var challenges = _auth.CreateChallenges();
        Assert.That(challenges.Select(c => c.Algorithm), Is.EqualTo(new[] { DigestAlgorithm.Sha256, DigestAlgorithm.Md5 }));
        Assert.That(challenges.All(c => c.QopAuth && c.Realm == "telephony.local"), Is.True);
    }

    [TestCase(0)]
    [TestCase(1)]
    public void Right_password_authenticates_with_either_algorithm(int which)
    {
        var challenge = _auth.CreateChallenges()[which];
        var verdict = _auth.Verify("REGISTER", [Answer(challenge)]);
        Assert.That(verdict.Outcome, Is.EqualTo(DigestOutcome.Authenticated));
        Assert.That(verdict.Username, Is.EqualTo("1001"));
    }

    [Test]
    public void No_credentials_or_other_realm_means_challenge()
    {
        Assert.That(_auth.Verify("REGISTER", []).Outcome, Is.EqualTo(DigestOutcome.Challenge));
        var foreign = new DigestChallenge("elsewhere", "x", DigestAlgorithm.Md5, true);
        Assert.That(_auth.Verify("REGISTER", [Answer(foreign)]).Outcome, Is.EqualTo(DigestOutcome.Challenge));
    }

    [Test]
    public void Wrong_password_and_unknown_user_fail_alike()
    {
        var challenge = _auth.CreateChallenges()[0];
        var wrong = _auth.Verify("REGISTER", [Answer(challenge, password: "guess")]);
        var unknown = _auth.Verify("REGISTER", [Answer(challenge, user: "9999", password: "secret")]);
        Assert.That(wrong.Outcome, Is.EqualTo(DigestOutcome.Failed));
        Assert.That(unknown.Outcome, Is.EqualTo(DigestOutcome.Failed));
        Assert.That(unknown.Reason, Is.EqualTo(wrong.Reason));
    }

    [Test]
    public void Replayed_nonce_count_is_rejected_and_increasing_count_accepted()
    {
        var challenge = _auth.CreateChallenges()[0];
        var first = Answer(challenge);
        Assert.That(_auth.Verify("REGISTER", [first]).Outcome, Is.EqualTo(DigestOutcome.Authenticated));
        Assert.That(_auth.Verify("REGISTER", [first]).Outcome, Is.EqualTo(DigestOutcome.Failed));
        var client = new DigestClient("1001", "secret");
        client.Answer(challenge, "REGISTER", "x"); // nc=1 used above by another client object
        Assert.That(_auth.Verify("REGISTER", [Answer(challenge, client: client)]).Outcome, Is.EqualTo(DigestOutcome.Authenticated));
    }

    [Test]
    public void Expired_nonce_with_right_password_is_stale_and_wrong_password_is_failed()
    {
        var challenge = _auth.CreateChallenges()[0];
        _time.Advance(TimeSpan.FromMinutes(6));
        Assert.That(_auth.Verify("REGISTER", [Answer(challenge)]).Outcome, Is.EqualTo(DigestOutcome.Stale));
        Assert.That(_auth.Verify("REGISTER", [Answer(challenge, password: "x")]).Outcome, Is.EqualTo(DigestOutcome.Failed));
        Assert.That(_auth.CreateChallenges(stale: true)[0].ToString(), Does.Contain("stale=true"));
    }

    [Test]
    public void Forged_or_foreign_nonce_is_not_accepted()
    {
        var forged = new DigestChallenge("telephony.local", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", DigestAlgorithm.Sha256, true);
        Assert.That(_auth.Verify("REGISTER", [Answer(forged)]).Outcome, Is.EqualTo(DigestOutcome.Challenge));
        var otherProcess = new DigestAuthenticator("telephony.local", new InMemoryCredentialStore(new Dictionary<string, string>()), null, _time);
        Assert.That(_auth.Verify("REGISTER", [Answer(otherProcess.CreateChallenges()[0])]).Outcome, Is.EqualTo(DigestOutcome.Challenge));
    }

    [Test]
    public void Nonce_service_detects_tampering_and_future_stamps()
    {
        var nonces = new NonceService("r", TimeSpan.FromSeconds(30), _time);
        var n = nonces.Create();
        Assert.That(nonces.Check(n, out _), Is.EqualTo(NonceStatus.Valid));
        var tampered = (n[0] == 'A' ? 'B' : 'A') + n[1..];
        Assert.That(nonces.Check(tampered, out _), Is.EqualTo(NonceStatus.Invalid));
        Assert.That(nonces.Check("not a nonce", out _), Is.EqualTo(NonceStatus.Invalid));
        _time.Advance(TimeSpan.FromSeconds(31));
        Assert.That(nonces.Check(n, out _), Is.EqualTo(NonceStatus.Stale));
    }

    [Test]
    public void Nonce_count_cache_is_bounded_and_evicted_nonces_come_back_stale()
    {
        var cache = new NonceCountCache(TimeSpan.FromMinutes(5), capacity: 3, time: _time);
        var t0 = _time.GetUtcNow();
        for (int i = 0; i < 3; i++)
        {
            Assert.That(cache.TryUse($"n{i}", t0.AddSeconds(i), 1), Is.EqualTo(NonceCountCache.Result.Accepted));
        }
        Assert.That(cache.TryUse("n3", t0.AddSeconds(3), 1), Is.EqualTo(NonceCountCache.Result.Accepted));
        Assert.That(cache.Count, Is.EqualTo(3));
        Assert.That(cache.TryUse("n0", t0, 2), Is.EqualTo(NonceCountCache.Result.Evicted));
        _time.Advance(TimeSpan.FromMinutes(10));
        Assert.That(cache.TryUse("n9", _time.GetUtcNow(), 1), Is.EqualTo(NonceCountCache.Result.Accepted));
        Assert.That(cache.Count, Is.EqualTo(1));
    }

    [Test]
    public void Failure_limiter_bans_after_repeated_failures_and_lifts_the_ban()
    {
        var limiter = new AuthFailureLimiter(3, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), time: _time);
        var ip = IPAddress.Loopback;
        Assert.That(limiter.RecordFailure(ip), Is.False);
        Assert.That(limiter.RecordFailure(ip), Is.False);
        Assert.That(limiter.IsBanned(ip), Is.False);
        Assert.That(limiter.RecordFailure(ip), Is.True);
        Assert.That(limiter.IsBanned(ip), Is.True);
        Assert.That(limiter.IsBanned(IPAddress.Parse("127.0.0.2")), Is.False);
        _time.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        Assert.That(limiter.IsBanned(ip), Is.False);
    }

    [Test]
    public void Failure_limiter_forgets_failures_outside_the_window()
    {
        var limiter = new AuthFailureLimiter(3, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), capacity: 2, time: _time);
        var ip = IPAddress.Loopback;
        limiter.RecordFailure(ip);
        limiter.RecordFailure(ip);
        _time.Advance(TimeSpan.FromMinutes(2));
        Assert.That(limiter.RecordFailure(ip), Is.False);
        for (int i = 0; i < 50; i++)
        {
            limiter.RecordFailure(IPAddress.Parse($"10.0.0.{i}"));
        }
        Assert.That(limiter.IsBanned(ip), Is.False);
    }

    [Test]
    public void A_table_filled_with_forged_failures_still_bans_a_guesser()
    {
        // Issue 10, finding 4: 12,000 forged one-off failures filled the 10,000-address table, then 40 of 40 guesses went unbanned.
        var limiter = new AuthFailureLimiter(5, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), capacity: 10_000, time: _time);
        for (int i = 0; i < 12_000; i++)
        {
            limiter.RecordFailure(new IPAddress(new byte[] { 10, (byte)(i >> 16), (byte)(i >> 8), (byte)i }));
        }
        var guesser = IPAddress.Parse("203.0.113.50");
        int guesses = 0;
        while (guesses < 40 && !limiter.IsBanned(guesser))
        {
            limiter.RecordFailure(guesser);
            guesses++;
        }
        Assert.That(limiter.IsBanned(guesser), Is.True, $"still unbanned after {guesses} wrong guesses");
        Assert.That(guesses, Is.LessThanOrEqualTo(5));
    }

    [Test]
    public void A_full_table_aggregates_evicted_failures_by_network()
    {
        var limiter = new AuthFailureLimiter(3, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(5), capacity: 2, time: _time);
        for (int i = 1; i <= 10; i++)
        {
            limiter.RecordFailure(IPAddress.Parse($"2001:db8:0:1::{i:x}")); // one /64, a new address each time
        }
        Assert.That(limiter.IsBanned(IPAddress.Parse("2001:db8:0:1::ffff")), Is.True, "the /64 is banned as a whole");
        Assert.That(limiter.IsBanned(IPAddress.Parse("2001:db8:0:2::1")), Is.False, "the next /64 is not");
    }

    [Test]
    public void Offered_algorithms_are_configurable_and_others_are_refused()
    {
        var md5Only = new DigestAuthenticator("telephony.local", new InMemoryCredentialStore(new Dictionary<string, string> { ["1001"] = "secret" }),
            null, _time, [DigestAlgorithm.Md5]);
        var challenges = md5Only.CreateChallenges();
        Assert.That(challenges.Select(c => c.Algorithm), Is.EqualTo(new[] { DigestAlgorithm.Md5 }));
        var sha = challenges[0] with { Algorithm = DigestAlgorithm.Sha256 };
        Assert.That(md5Only.Verify("REGISTER", [Answer(sha)]).Outcome, Is.EqualTo(DigestOutcome.Failed));
        Assert.That(md5Only.Verify("REGISTER", [Answer(challenges[0])]).Outcome, Is.EqualTo(DigestOutcome.Authenticated));
    }
}
