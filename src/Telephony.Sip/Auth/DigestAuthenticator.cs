using System.Security.Cryptography;

namespace Telephony.Sip.Auth;

/// <summary>What the server should do with a request after checking its credentials.</summary>
public enum DigestOutcome
{
    /// <summary>Credentials verified; <see cref="DigestVerdict.Username"/> is the authenticated user.</summary>
    Authenticated,
    /// <summary>No usable credentials for our realm: challenge (401/407).</summary>
    Challenge,
    /// <summary>Credentials were right but the nonce expired: challenge with stale=true.</summary>
    Stale,
    /// <summary>Credentials present but wrong (bad response, unknown user, replay): challenge again and count a failure.</summary>
    Failed,
}

/// <summary>The result of <see cref="DigestAuthenticator.Verify"/>.</summary>
public readonly record struct DigestVerdict(DigestOutcome Outcome, string? Username = null, string? Reason = null);

/// <summary>
/// The server side of SIP digest authentication (RFC 3261 §22, RFC 8760, RFC 7616): issues
/// challenges for SHA-256 and MD5 (in that order of preference, RFC 8760 §2.4), checks
/// credentials against stateless nonces, rejects replays by nonce count. For an unknown user
/// the same hash work is done against a per-process secret so that existing and non-existing
/// users cannot be told apart by answer or by timing path.
/// </summary>
public sealed class DigestAuthenticator
{
    private readonly ICredentialStore _credentials;
    private readonly NonceService _nonces;
    private readonly NonceCountCache _counts;
    private readonly string _unknownUserPassword = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// Creates an authenticator for one realm. <paramref name="algorithms"/> are offered in that order
    /// (default SHA-256 then MD5, RFC 8760 §2.4); credentials with another algorithm are refused.
    /// </summary>
    public DigestAuthenticator(string realm, ICredentialStore credentials, TimeSpan? nonceLifetime = null, TimeProvider? time = null,
        IReadOnlyList<DigestAlgorithm>? algorithms = null)
    {
        Realm = realm;
        Algorithms = algorithms is { Count: > 0 } ? algorithms.Distinct().ToArray() : [DigestAlgorithm.Sha256, DigestAlgorithm.Md5];
        _credentials = credentials;
        var lifetime = nonceLifetime ?? TimeSpan.FromMinutes(5);
        _nonces = new NonceService(realm, lifetime, time);
        _counts = new NonceCountCache(lifetime, time: time);
    }

    /// <summary>The protection realm (our SIP domain).</summary>
    public string Realm { get; }

    /// <summary>The algorithms offered, preferred first.</summary>
    public IReadOnlyList<DigestAlgorithm> Algorithms { get; }

    /// <summary>The challenges to send, preferred first: one WWW-/Proxy-Authenticate header each.</summary>
    public IReadOnlyList<DigestChallenge> CreateChallenges(bool stale = false)
    {
        var nonce = _nonces.Create();
        return Algorithms.Select(a => new DigestChallenge(Realm, nonce, a, QopAuth: true, Stale: stale)).ToArray();
    }

    /// <summary>
    /// Checks the Authorization (or Proxy-Authorization) header values of a request.
    /// Values for other realms are ignored (RFC 3261 §22.3).
    /// </summary>
    public DigestVerdict Verify(string method, IEnumerable<string> authorizationValues)
    {
        DigestCredentials? ours = null;
        foreach (var value in authorizationValues)
        {
            if (DigestCredentials.TryParse(value, out var c) && c.Realm == Realm)
            {
                ours = c;
                break;
            }
        }
        if (ours is null)
        {
            return new DigestVerdict(DigestOutcome.Challenge);
        }

        // Same work whether or not the user exists.
        // A store of HA1s (no passwords kept) answers first; otherwise HA1 is computed from the password.
        string ha1;
        bool known;
        if (_credentials is IHa1Store ha1s && ha1s.TryGetHa1(ours.Username, Realm, ours.Algorithm, out var stored))
        {
            known = true;
            ha1 = stored;
        }
        else
        {
            known = _credentials.TryGetPassword(ours.Username, out var password);
            ha1 = DigestCalculator.Ha1(ours.Algorithm, ours.Username, Realm, known ? password : _unknownUserPassword);
        }
        var expected = DigestCalculator.Response(ours.Algorithm, ha1, ours.Nonce, ours.NonceCount, ours.Cnonce, ours.Qop, method, ours.Uri);
        bool responseOk = CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(ours.Response.ToLowerInvariant()));

        var nonceStatus = _nonces.Check(ours.Nonce, out var issuedAt);
        if (nonceStatus == NonceStatus.Invalid)
        {
            // Not our nonce (e.g. from before a restart): a fresh challenge, no failure counted unless the response is also wrong.
            return responseOk && known ? new DigestVerdict(DigestOutcome.Challenge, Reason: "unknown nonce")
                : new DigestVerdict(DigestOutcome.Failed, Reason: "unknown nonce and wrong credentials");
        }
        if (!responseOk || !known)
        {
            return new DigestVerdict(DigestOutcome.Failed, Reason: "wrong credentials");
        }
        if (!Algorithms.Contains(ours.Algorithm))
        {
            return new DigestVerdict(DigestOutcome.Failed, Reason: "algorithm not offered");
        }
        if (!string.Equals(ours.Qop, "auth", StringComparison.OrdinalIgnoreCase))
        {
            return new DigestVerdict(DigestOutcome.Failed, Reason: "qop=auth required");
        }
        if (nonceStatus == NonceStatus.Stale)
        {
            return new DigestVerdict(DigestOutcome.Stale, ours.Username, "nonce expired");
        }
        return _counts.TryUse(ours.Nonce, issuedAt, ours.NonceCountValue) switch
        {
            NonceCountCache.Result.Accepted => new DigestVerdict(DigestOutcome.Authenticated, ours.Username),
            NonceCountCache.Result.Evicted => new DigestVerdict(DigestOutcome.Stale, ours.Username, "nonce evicted"),
            _ => new DigestVerdict(DigestOutcome.Failed, ours.Username, "nonce count replayed"),
        };
    }
}
