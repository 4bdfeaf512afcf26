using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Telephony.Sip.Auth;

/// <summary>What a nonce turned out to be when checked.</summary>
public enum NonceStatus
{
    /// <summary>Issued by this process and not expired.</summary>
    Valid,
    /// <summary>Issued by this process but expired: answer with stale=true (RFC 7616 §3.3).</summary>
    Stale,
    /// <summary>Not ours (bad MAC, bad encoding, issued in the future).</summary>
    Invalid,
}

/// <summary>
/// Stateless nonces (RFC 7616 §5.4 suggests "time-stamp H(time-stamp ":" ETag ":" secret-data)"):
/// base64url( issued-at ms (8) | random (6) | HMAC-SHA256(key, issued-at | random | realm)[..16] ).
/// The server verifies them without storing anything; the key is random per process, so nonces
/// from before a restart come back as <see cref="NonceStatus.Invalid"/> and get a fresh challenge.
/// </summary>
public sealed class NonceService
{
    private const int TimeBytes = 8;
    private const int RandomBytes = 6;
    private const int MacBytes = 16;
    private const int TotalBytes = TimeBytes + RandomBytes + MacBytes;
    private static readonly TimeSpan AllowedClockSkew = TimeSpan.FromSeconds(5);

    private readonly byte[] _key;
    private readonly byte[] _realm;
    private readonly TimeProvider _time;

    /// <summary>Creates a service with a fresh random key.</summary>
    public NonceService(string realm, TimeSpan lifetime, TimeProvider? time = null, byte[]? key = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(realm);
        if (lifetime <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), "nonce lifetime must be positive");
        }
        _realm = Encoding.UTF8.GetBytes(realm);
        _key = key ?? RandomNumberGenerator.GetBytes(32);
        _time = time ?? TimeProvider.System;
        Lifetime = lifetime;
    }

    /// <summary>How long a nonce stays valid after it is issued.</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>Issues a new nonce stamped with the current time.</summary>
    public string Create()
    {
        Span<byte> raw = stackalloc byte[TotalBytes];
        BinaryPrimitives.WriteInt64BigEndian(raw, _time.GetUtcNow().ToUnixTimeMilliseconds());
        RandomNumberGenerator.Fill(raw.Slice(TimeBytes, RandomBytes));
        Mac(raw[..(TimeBytes + RandomBytes)], raw[(TimeBytes + RandomBytes)..]);
        return Base64Url(raw);
    }

    /// <summary>Checks a nonce; <paramref name="issuedAt"/> is its stamp when it is ours.</summary>
    public NonceStatus Check(string nonce, out DateTimeOffset issuedAt)
    {
        issuedAt = default;
        Span<byte> raw = stackalloc byte[TotalBytes + 3];
        if (nonce.Length != 40 || !TryFromBase64Url(nonce, raw, out int written) || written != TotalBytes)
        {
            return NonceStatus.Invalid;
        }
        Span<byte> expected = stackalloc byte[MacBytes];
        Mac(raw[..(TimeBytes + RandomBytes)], expected);
        if (!CryptographicOperations.FixedTimeEquals(expected, raw.Slice(TimeBytes + RandomBytes, MacBytes)))
        {
            return NonceStatus.Invalid;
        }
        long ms = BinaryPrimitives.ReadInt64BigEndian(raw);
        if (ms < 0 || ms > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return NonceStatus.Invalid;
        }
        issuedAt = DateTimeOffset.FromUnixTimeMilliseconds(ms);
        var now = _time.GetUtcNow();
        if (issuedAt > now + AllowedClockSkew)
        {
            return NonceStatus.Invalid;
        }
        return now - issuedAt > Lifetime ? NonceStatus.Stale : NonceStatus.Valid;
    }

    private void Mac(ReadOnlySpan<byte> stampAndRandom, Span<byte> destination)
    {
        Span<byte> input = stackalloc byte[stampAndRandom.Length + _realm.Length];
        stampAndRandom.CopyTo(input);
        _realm.CopyTo(input[stampAndRandom.Length..]);
        Span<byte> full = stackalloc byte[32];
        HMACSHA256.HashData(_key, input, full);
        full[..destination.Length].CopyTo(destination);
    }

    private static string Base64Url(ReadOnlySpan<byte> data) =>
        Convert.ToBase64String(data).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryFromBase64Url(string text, Span<byte> destination, out int written)
    {
        written = 0;
        foreach (var c in text)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            {
                return false;
            }
        }
        var standard = text.Replace('-', '+').Replace('_', '/');
        standard = standard.PadRight(standard.Length + ((4 - (standard.Length % 4)) % 4), '=');
        return Convert.TryFromBase64String(standard, destination, out written);
    }
}
