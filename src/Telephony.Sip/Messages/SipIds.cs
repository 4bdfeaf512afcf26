using System.Security.Cryptography;

namespace Telephony.Sip.Messages;

/// <summary>Cryptographically random identifiers: branch (§8.1.1.7), tag (§19.3), Call-ID (§8.1.1.4).</summary>
public static class SipIds
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";

    /// <summary>A new branch: the magic cookie z9hG4bK followed by 96 random bits.</summary>
    public static string NewBranch() => ViaHeader.MagicCookie + Random(19);

    /// <summary>A new tag with at least 64 random bits (§19.3 asks for 32).</summary>
    public static string NewTag() => Random(13);

    /// <summary>A new globally unique Call-ID, optionally "@host".</summary>
    public static string NewCallId(string? host = null) => host is null ? Random(24) : Random(24) + "@" + host;

    private static string Random(int length) => RandomNumberGenerator.GetString(Alphabet, length);
}
