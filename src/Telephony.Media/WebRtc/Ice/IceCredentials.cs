using System.Security.Cryptography;

namespace Telephony.Media.WebRtc.Ice;

/// <summary>
/// ICE short-term credentials of one side (RFC 8445 §5.3, RFC 8839 §5.4): a username fragment of at
/// least 4 and a password of at least 22 ice-chars ([A-Za-z0-9+/]), at least 24 and 128 bits of randomness.
/// </summary>
public sealed record IceCredentials(string UsernameFragment, string Password)
{
    private const string IceChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    /// <summary>Fresh random credentials (8-char ufrag, 24-char password: 48 and 144 bits).</summary>
    public static IceCredentials Generate() => new(Random(8), Random(24));

    /// <summary>Whether both parts are ice-chars of allowed lengths (RFC 8839 §5.4: ufrag 4-256, pwd 22-256).</summary>
    public static bool IsValid(string? ufrag, string? password) =>
        ufrag is { Length: >= 4 and <= 256 } && password is { Length: >= 22 and <= 256 }
        && ufrag.All(IceChars.Contains) && password.All(IceChars.Contains);

    private static string Random(int length) => RandomNumberGenerator.GetString(IceChars, length);
}
