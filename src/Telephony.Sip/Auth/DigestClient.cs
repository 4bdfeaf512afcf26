using System.Globalization;
using System.Security.Cryptography;

namespace Telephony.Sip.Auth;

/// <summary>
/// The client side: answers a 401/407 challenge (RFC 3261 §22.2–22.3). Picks SHA-256 over MD5
/// when both are offered (RFC 8760 §2.4) and counts nc per nonce for reuse.
/// </summary>
public sealed class DigestClient(string username, string password)
{
    private string? _lastNonce;
    private uint _nc;

    /// <summary>The user name sent in credentials.</summary>
    public string Username { get; } = username;

    /// <summary>Chooses the challenge to answer from the header values of a 401/407; null when none is usable.</summary>
    public static DigestChallenge? Choose(IEnumerable<string> challengeValues)
    {
        DigestChallenge? best = null;
        foreach (var value in challengeValues)
        {
            if (DigestChallenge.TryParse(value, out var c) && (best is null || (c.Algorithm == DigestAlgorithm.Sha256 && best.Algorithm != DigestAlgorithm.Sha256)))
            {
                best = c;
            }
        }
        return best;
    }

    /// <summary>Builds the credentials answering <paramref name="challenge"/> for a request.</summary>
    public DigestCredentials Answer(DigestChallenge challenge, string method, string digestUri)
    {
        if (challenge.Nonce != _lastNonce)
        {
            _lastNonce = challenge.Nonce;
            _nc = 0;
        }
        _nc++;
        var ha1 = DigestCalculator.Ha1(challenge.Algorithm, Username, challenge.Realm, password);
        string? qop = challenge.QopAuth ? "auth" : null;
        string? nc = qop is null ? null : _nc.ToString("x8", CultureInfo.InvariantCulture);
        string? cnonce = qop is null ? null : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        var response = DigestCalculator.Response(challenge.Algorithm, ha1, challenge.Nonce, nc, cnonce, qop, method, digestUri);
        return new DigestCredentials(Username, challenge.Realm, challenge.Nonce, digestUri, response, challenge.Algorithm, cnonce, qop, nc, challenge.Opaque);
    }
}
