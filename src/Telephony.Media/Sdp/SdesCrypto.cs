using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Telephony.Media.Srtp;

namespace Telephony.Media.Sdp;

/// <summary>
/// One usable SDES a=crypto attribute (RFC 4568 §9.1): <c>&lt;tag&gt; &lt;suite&gt; inline:&lt;base64 key||salt&gt;[|lifetime][|MKI:len] [session-params]</c>,
/// reduced to what we can honour: one inline key of a suite we implement, no MKI, no key derivation rate,
/// encryption and authentication both on, and a key lifetime no call can reach.
/// </summary>
public sealed class SdesCrypto
{
    /// <summary>Longest a=crypto value we read (a real one is under 100 characters).</summary>
    public const int MaxValueLength = 512;

    /// <summary>
    /// Shortest key lifetime we accept. We never re-key within a call, so the lifetime must outlast any
    /// call: 2^24 packets are 93 hours at 50 packets a second. RFC 4568 §6.1's default is 2^48 (SRTP).
    /// </summary>
    public const long MinLifetime = 1L << 24;

    private const int KeySaltLength = SrtpSuites.MasterKeyLength + SrtpSuites.MasterSaltLength;

    private SdesCrypto(int tag, SrtpSuite suite, byte[] keySalt)
    {
        Tag = tag;
        Suite = suite;
        KeySalt = keySalt;
    }

    /// <summary>The tag that the answer echoes (RFC 4568 §5.1.2).</summary>
    public int Tag { get; }

    public SrtpSuite Suite { get; }

    /// <summary>Master key (16 bytes) followed by master salt (14 bytes).</summary>
    public ReadOnlyMemory<byte> KeySalt { get; }

    /// <summary>A line with a fresh random master key and salt (RFC 4568 §6.1: from a strong random source).</summary>
    public static SdesCrypto CreateFresh(int tag, SrtpSuite suite) => new(tag, suite, RandomNumberGenerator.GetBytes(KeySaltLength));

    /// <summary>A line with the given key and salt (our key again in a later answer).</summary>
    public static SdesCrypto Create(int tag, SrtpSuite suite, ReadOnlySpan<byte> keySalt)
    {
        if (keySalt.Length != KeySaltLength)
        {
            throw new ArgumentException($"an SDES key||salt is {KeySaltLength} bytes", nameof(keySalt));
        }
        return new SdesCrypto(tag, suite, keySalt.ToArray());
    }

    /// <summary>The SRTP context for the direction this key protects.</summary>
    public SrtpContext CreateContext() =>
        SrtpContext.Create(Suite, KeySalt.Span[..SrtpSuites.MasterKeyLength], KeySalt.Span[SrtpSuites.MasterKeyLength..]);

    /// <summary>The attribute value, e.g. <c>1 AES_CM_128_HMAC_SHA1_80 inline:...</c>.</summary>
    public string Format() => string.Create(CultureInfo.InvariantCulture, $"{Tag} {Suite.SdesName()} inline:{Convert.ToBase64String(KeySalt.Span)}");

    /// <summary>
    /// Reads one a=crypto value. Returns null with <paramref name="problem"/> saying why when the line is
    /// malformed or asks for something we cannot honour; never throws, whatever the input.
    /// </summary>
    public static SdesCrypto? Parse(string? value, out string? problem)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problem = "a=crypto has no value";
            return null;
        }
        if (value.Length > MaxValueLength)
        {
            problem = $"a=crypto is longer than {MaxValueLength} characters";
            return null;
        }

        var fields = value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 3)
        {
            problem = $"a=crypto '{Safe(value)}' is not <tag> <crypto-suite> <key-params>";
            return null;
        }
        // tag = 1*9DIGIT (RFC 4568 §9.1)
        if (fields[0].Length > 9 || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int tag))
        {
            problem = $"a=crypto tag '{Safe(fields[0])}' is not 1 to 9 digits";
            return null;
        }
        string where = $"a=crypto tag {tag}";
        if (!SrtpSuites.TryParseSdesName(fields[1], out var suite))
        {
            problem = $"{where}: crypto suite '{Safe(fields[1])}' is not supported (AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32)";
            return null;
        }
        if (fields[2].Contains(';', StringComparison.Ordinal))
        {
            problem = $"{where}: several master keys (told apart by MKI) are not supported";
            return null;
        }
        var key = ParseKey(fields[2], where, out problem);
        if (key is null)
        {
            return null;
        }
        for (int i = 3; i < fields.Length; i++)
        {
            if (!SessionParameterHonoured(fields[i], where, out problem))
            {
                return null;
            }
        }
        problem = null;
        return new SdesCrypto(tag, suite, key);
    }

    // key-param = "inline:" key-salt ["|" lifetime] ["|" mki-value ":" mki-length] (RFC 4568 §6.1, §9.2)
    private static byte[]? ParseKey(string param, string where, out string? problem)
    {
        const string method = "inline:";
        if (!param.StartsWith(method, StringComparison.OrdinalIgnoreCase))
        {
            problem = $"{where}: key method is not inline";
            return null;
        }
        var parts = param[method.Length..].Split('|');
        if (parts.Length > 3)
        {
            problem = $"{where}: key has more than a lifetime and an MKI after it";
            return null;
        }
        Span<byte> decoded = stackalloc byte[64];
        if (parts[0].Length is 0 or > 88 || !Convert.TryFromBase64String(parts[0], decoded, out int length))
        {
            problem = $"{where}: key is not base64";
            return null;
        }
        if (length != KeySaltLength)
        {
            problem = $"{where}: key and salt are {length} bytes, the suite needs {KeySaltLength}";
            return null;
        }
        for (int i = 1; i < parts.Length; i++)
        {
            string part = parts[i];
            if (part.Contains(':', StringComparison.Ordinal))
            {
                // MKI: every packet would carry a key index; we key each direction once and send none.
                problem = $"{where}: MKI '{Safe(part)}' is not supported";
                return null;
            }
            if (i == 2 || !TryParseLifetime(part, out long lifetime))
            {
                problem = $"{where}: key lifetime '{Safe(part)}' is not a number or 2^n";
                return null;
            }
            if (lifetime < MinLifetime)
            {
                problem = $"{where}: key lifetime {Safe(part)} is shorter than 2^24 packets; we do not re-key within a call";
                return null;
            }
        }
        problem = null;
        return decoded[..length].ToArray();
    }

    // lifetime = ["2^"] 1*DIGIT (RFC 4568 §9.2), at most 2^48 for these suites (RFC 3711 §9.2).
    private static bool TryParseLifetime(string text, out long lifetime)
    {
        lifetime = 0;
        if (text.StartsWith("2^", StringComparison.Ordinal))
        {
            if (text.Length is < 3 or > 4 || !int.TryParse(text.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out int power) || power > 48)
            {
                return false;
            }
            lifetime = 1L << power;
            return true;
        }
        return text.Length is > 0 and <= 15 && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out lifetime);
    }

    // RFC 4568 §6.3: a session parameter the answerer does not support makes the line unusable. WSH (a
    // minimum replay window, §6.3.7) is honoured up to our 64 packets; everything else changes what goes on
    // the wire (KDR, UNENCRYPTED_*, UNAUTHENTICATED_SRTP, FEC_*) and we do not do it.
    private static bool SessionParameterHonoured(string parameter, string where, out string? problem)
    {
        if (parameter.StartsWith("WSH=", StringComparison.Ordinal)
            && int.TryParse(parameter.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture, out int window)
            && window is >= 64 and <= SrtpReplayWindowSize)
        {
            problem = null;
            return true;
        }
        problem = $"{where}: session parameter '{Safe(parameter)}' is not supported";
        return false;
    }

    private const int SrtpReplayWindowSize = 64;

    // Hostile bytes never reach a log or a Warning header as they came: printable ASCII only, clipped.
    internal static string Safe(string text)
    {
        var clipped = SdpParser.Clip(text); // ends in … when clipped
        var sb = new StringBuilder(clipped.Length);
        foreach (char c in clipped)
        {
            sb.Append(c is (>= ' ' and <= '~' and not '"' and not '\\') or '…' ? c : '?');
        }
        return sb.ToString();
    }
}
