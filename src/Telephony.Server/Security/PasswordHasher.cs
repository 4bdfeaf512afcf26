using System.Globalization;
using System.Security.Cryptography;

namespace Telephony.Server.Security;

/// <summary>
/// PBKDF2-SHA256 password hashes in the form <c>pbkdf2-sha256$iterations$salt$hash</c>
/// (base64), so the users file need not hold passwords. Verification is constant-time.
/// </summary>
public static class PasswordHasher
{
    private const string Prefix = "pbkdf2-sha256";
    public const int DefaultIterations = 100_000;

    public static string Hash(string password, int iterations = DefaultIterations)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, 32);
        return string.Join('$', Prefix, iterations.ToString(CultureInfo.InvariantCulture), Convert.ToBase64String(salt), Convert.ToBase64String(hash));
    }

    /// <summary>The iteration count of an encoded hash; null when it is malformed.</summary>
    public static int? Iterations(string encoded)
    {
        var parts = encoded.Split('$');
        return parts.Length == 4 && parts[0] == Prefix
            && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var iterations) && iterations is >= 1 and <= MaxIterations
            ? iterations : null;
    }

    /// <summary>The most iterations a hash may ask for (a bigger one is refused rather than computed).</summary>
    public const int MaxIterations = 10_000_000;

    /// <summary>True when <paramref name="password"/> matches; false for a wrong password or a malformed hash.</summary>
    public static bool Verify(string password, string encoded)
    {
        if (Iterations(encoded) is not { } iterations)
        {
            return false;
        }
        var parts = encoded.Split('$');

        try
        {
            var salt = Convert.FromBase64String(parts[2]);
            var expected = Convert.FromBase64String(parts[3]);
            var actual = Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, expected.Length);
            return CryptographicOperations.FixedTimeEquals(actual, expected);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}
