using System.Globalization;

namespace Telephony.Sip.Auth;

/// <summary>One digest challenge: the value of a WWW-Authenticate or Proxy-Authenticate header (RFC 3261 §22.1, RFC 7616 §3.3).</summary>
public sealed record DigestChallenge(
    string Realm,
    string Nonce,
    DigestAlgorithm Algorithm,
    bool QopAuth,
    string? Opaque = null,
    bool Stale = false)
{
    /// <summary>The header value: <c>Digest realm="…", nonce="…", algorithm=SHA-256, qop="auth"</c>.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("Digest realm=").Append(AuthParams.Quote(Realm))
            .Append(", nonce=").Append(AuthParams.Quote(Nonce));
        if (Opaque is not null)
        {
            sb.Append(", opaque=").Append(AuthParams.Quote(Opaque));
        }
        if (Stale)
        {
            sb.Append(", stale=true");
        }
        sb.Append(", algorithm=").Append(DigestAlgorithms.Token(Algorithm));
        if (QopAuth)
        {
            sb.Append(", qop=\"auth\"");
        }
        return sb.ToString();
    }

    /// <summary>Parses a challenge; false for another scheme, an unknown algorithm or missing realm/nonce.</summary>
    public static bool TryParse(string value, out DigestChallenge challenge)
    {
        challenge = null!;
        if (!AuthParams.TryParse(value, out var scheme, out var p) || !scheme.Equals("Digest", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (!p.TryGetValue("realm", out var realm) || !p.TryGetValue("nonce", out var nonce))
        {
            return false;
        }
        if (!DigestAlgorithms.TryParse(p.GetValueOrDefault("algorithm"), out var algorithm))
        {
            return false;
        }
        bool qopAuth = false;
        if (p.TryGetValue("qop", out var qop))
        {
            foreach (var option in qop.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                qopAuth |= option.Equals("auth", StringComparison.OrdinalIgnoreCase);
            }
            if (!qopAuth)
            {
                return false; // only auth-int offered: we cannot answer it
            }
        }
        bool stale = p.TryGetValue("stale", out var s) && s.Equals("true", StringComparison.OrdinalIgnoreCase);
        challenge = new DigestChallenge(realm, nonce, algorithm, qopAuth, p.GetValueOrDefault("opaque"), stale);
        return true;
    }
}

/// <summary>Digest credentials: the value of an Authorization or Proxy-Authorization header (RFC 3261 §22.2).</summary>
public sealed record DigestCredentials(
    string Username,
    string Realm,
    string Nonce,
    string Uri,
    string Response,
    DigestAlgorithm Algorithm,
    string? Cnonce = null,
    string? Qop = null,
    string? NonceCount = null,
    string? Opaque = null)
{
    /// <summary>The header value.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder("Digest username=").Append(AuthParams.Quote(Username))
            .Append(", realm=").Append(AuthParams.Quote(Realm))
            .Append(", nonce=").Append(AuthParams.Quote(Nonce))
            .Append(", uri=").Append(AuthParams.Quote(Uri))
            .Append(", response=").Append(AuthParams.Quote(Response))
            .Append(", algorithm=").Append(DigestAlgorithms.Token(Algorithm));
        if (Qop is not null)
        {
            sb.Append(", qop=").Append(Qop).Append(", nc=").Append(NonceCount).Append(", cnonce=").Append(AuthParams.Quote(Cnonce ?? string.Empty));
        }
        if (Opaque is not null)
        {
            sb.Append(", opaque=").Append(AuthParams.Quote(Opaque));
        }
        return sb.ToString();
    }

    /// <summary>Parses credentials; false if the scheme is not Digest or a required parameter is missing.</summary>
    public static bool TryParse(string value, out DigestCredentials credentials)
    {
        credentials = null!;
        if (!AuthParams.TryParse(value, out var scheme, out var p) || !scheme.Equals("Digest", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        if (!p.TryGetValue("username", out var user) || !p.TryGetValue("realm", out var realm) || !p.TryGetValue("nonce", out var nonce)
            || !p.TryGetValue("uri", out var uri) || !p.TryGetValue("response", out var response))
        {
            return false;
        }
        if (!DigestAlgorithms.TryParse(p.GetValueOrDefault("algorithm"), out var algorithm))
        {
            return false;
        }
        var qop = p.GetValueOrDefault("qop");
        var nc = p.GetValueOrDefault("nc");
        var cnonce = p.GetValueOrDefault("cnonce");
        if (qop is not null && (nc is null || cnonce is null
            || nc.Length != 8 || !uint.TryParse(nc, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _)))
        {
            return false; // RFC 7616 §3.4: with qop, nc (8 hex digits) and cnonce are required
        }
        credentials = new DigestCredentials(user, realm, nonce, uri, response, algorithm, cnonce, qop, nc, p.GetValueOrDefault("opaque"));
        return true;
    }

    /// <summary>The nonce count as a number (0 when absent).</summary>
    public uint NonceCountValue =>
        NonceCount is null ? 0 : uint.Parse(NonceCount, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
}
