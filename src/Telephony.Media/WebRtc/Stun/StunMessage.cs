using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Telephony.Media.WebRtc.Stun;

/// <summary>
/// A parsed STUN message (RFC 8489 §5, §14) over the datagram it came in: offsets into the span,
/// nothing copied, nothing allocated. <see cref="TryParse"/> checks the framing and, when present,
/// FINGERPRINT; MESSAGE-INTEGRITY is checked against a key by <see cref="VerifyIntegrity"/>.
/// Hostile input yields an error code, never an exception.
/// </summary>
public readonly ref struct StunMessage
{
    /// <summary>The fixed header: type, length, magic cookie, transaction id (RFC 8489 §5).</summary>
    public const int HeaderLength = 20;
    /// <summary>RFC 8489 §5: 0x2112A442 in network order at bytes 4..7.</summary>
    public const uint MagicCookie = 0x2112A442;
    /// <summary>RFC 8489 §14.7: FINGERPRINT is the CRC-32 XOR 0x5354554e ("STUN").</summary>
    public const uint FingerprintXor = 0x5354554e;
    private const int IntegrityLength = 20; // HMAC-SHA1
    private const ushort ComprehensionOptionalFrom = 0x8000;

    private readonly ReadOnlySpan<byte> _data;
    private readonly int _usernameOffset;
    private readonly int _usernameLength;
    private readonly int _integrityOffset; // of the attribute header; -1 when absent
    private readonly int _xorAddressOffset;
    private readonly int _xorAddressLength;
    private readonly int _unknownRequired; // a comprehension-required attribute we do not know (RFC 8489 §7.3.1)

    private StunMessage(ReadOnlySpan<byte> data, int usernameOffset, int usernameLength, int integrityOffset,
        int xorAddressOffset, int xorAddressLength, bool hasFingerprint, uint? priority, bool useCandidate,
        ulong? controlling, ulong? controlled, int unknownRequired)
    {
        _data = data;
        _usernameOffset = usernameOffset;
        _usernameLength = usernameLength;
        _integrityOffset = integrityOffset;
        _xorAddressOffset = xorAddressOffset;
        _xorAddressLength = xorAddressLength;
        HasFingerprint = hasFingerprint;
        Priority = priority;
        UseCandidate = useCandidate;
        IceControlling = controlling;
        IceControlled = controlled;
        _unknownRequired = unknownRequired;
    }

    /// <summary>Message type (method and class), e.g. <see cref="StunMessageType.BindingRequest"/>.</summary>
    public ushort Type => BinaryPrimitives.ReadUInt16BigEndian(_data);
    /// <summary>The 96-bit transaction id.</summary>
    public ReadOnlySpan<byte> TransactionId => _data.Slice(8, 12);
    /// <summary>The whole message.</summary>
    public ReadOnlySpan<byte> Bytes => _data;
    /// <summary>USERNAME's UTF-8 bytes (empty when absent).</summary>
    public ReadOnlySpan<byte> Username => _data.Slice(_usernameOffset, _usernameLength);
    public bool HasUsername => _usernameOffset > 0;
    public bool HasIntegrity => _integrityOffset > 0;
    /// <summary>FINGERPRINT was present (and, since parsing succeeded, correct).</summary>
    public bool HasFingerprint { get; }
    public uint? Priority { get; }
    public bool UseCandidate { get; }
    public ulong? IceControlling { get; }
    public ulong? IceControlled { get; }
    /// <summary>The first comprehension-required attribute type we do not understand (0 when none).</summary>
    public int UnknownRequiredAttribute => _unknownRequired;

    /// <summary>Cheap check for the demultiplexer and callers: looks like STUN (RFC 7983 first byte 0-3, cookie, length).</summary>
    public static bool LooksLikeStun(ReadOnlySpan<byte> datagram) =>
        datagram.Length >= HeaderLength && datagram[0] < 4
        && BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) == MagicCookie;

    /// <summary>Parses <paramref name="datagram"/>; on success <paramref name="message"/> views it.</summary>
    public static StunParseError TryParse(ReadOnlySpan<byte> datagram, out StunMessage message)
    {
        message = default;
        if (datagram.Length < HeaderLength)
        {
            return StunParseError.TooShort;
        }
        // The top two bits of a STUN message are zero, and the cookie is fixed (RFC 8489 §5).
        if ((datagram[0] & 0xC0) != 0 || BinaryPrimitives.ReadUInt32BigEndian(datagram[4..]) != MagicCookie)
        {
            return StunParseError.NotStun;
        }

        int length = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        if ((length & 3) != 0 || HeaderLength + length != datagram.Length)
        {
            return StunParseError.LengthMismatch;
        }

        int usernameOffset = 0, usernameLength = 0, integrityOffset = -1, xorOffset = 0, xorLength = 0, unknown = 0;
        bool fingerprint = false, useCandidate = false;
        uint? priority = null;
        ulong? controlling = null, controlled = null;
        int at = HeaderLength;
        while (at < datagram.Length)
        {
            if (datagram.Length - at < 4)
            {
                return StunParseError.AttributeOverrun;
            }
            ushort type = BinaryPrimitives.ReadUInt16BigEndian(datagram[at..]);
            int valueLength = BinaryPrimitives.ReadUInt16BigEndian(datagram[(at + 2)..]);
            int value = at + 4;
            int padded = (valueLength + 3) & ~3;
            if (padded > datagram.Length - value)
            {
                return StunParseError.AttributeOverrun;
            }
            if (fingerprint)
            {
                return StunParseError.AttributeAfterFingerprint; // FINGERPRINT is last (§14.7)
            }
            // After MESSAGE-INTEGRITY only FINGERPRINT may follow (§14.5: others are ignored; we refuse).
            if (integrityOffset > 0 && type != StunAttribute.Fingerprint)
            {
                return StunParseError.AttributeAfterIntegrity;
            }

            var v = datagram.Slice(value, valueLength);
            switch (type)
            {
                case StunAttribute.Username:
                    if (valueLength > 512) return StunParseError.MalformedAttribute; // §14.3: < 513 bytes
                    usernameOffset = value;
                    usernameLength = valueLength;
                    break;
                case StunAttribute.MessageIntegrity:
                    if (valueLength != IntegrityLength) return StunParseError.MalformedAttribute;
                    integrityOffset = at;
                    break;
                case StunAttribute.Fingerprint:
                    if (valueLength != 4) return StunParseError.MalformedAttribute;
                    if (!FingerprintMatches(datagram, at)) return StunParseError.BadFingerprint;
                    fingerprint = true;
                    break;
                case StunAttribute.XorMappedAddress:
                    if (valueLength is not (8 or 20)) return StunParseError.MalformedAttribute;
                    xorOffset = value;
                    xorLength = valueLength;
                    break;
                case StunAttribute.Priority:
                    if (valueLength != 4) return StunParseError.MalformedAttribute;
                    priority = BinaryPrimitives.ReadUInt32BigEndian(v);
                    break;
                case StunAttribute.UseCandidate:
                    if (valueLength != 0) return StunParseError.MalformedAttribute;
                    useCandidate = true;
                    break;
                case StunAttribute.IceControlling:
                    if (valueLength != 8) return StunParseError.MalformedAttribute;
                    controlling = BinaryPrimitives.ReadUInt64BigEndian(v);
                    break;
                case StunAttribute.IceControlled:
                    if (valueLength != 8) return StunParseError.MalformedAttribute;
                    controlled = BinaryPrimitives.ReadUInt64BigEndian(v);
                    break;
                default:
                    if (type < ComprehensionOptionalFrom && unknown == 0 && type is not (StunAttribute.MappedAddress or StunAttribute.ErrorCode
                        or StunAttribute.UnknownAttributes or StunAttribute.MessageIntegritySha256))
                    {
                        unknown = type;
                    }
                    break;
            }
            at = value + padded;
        }

        message = new StunMessage(datagram, usernameOffset, usernameLength, Math.Max(integrityOffset, 0), xorOffset, xorLength,
            fingerprint, priority, useCandidate, controlling, controlled, unknown);
        return StunParseError.None;
    }

    /// <summary>
    /// Checks MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 with <paramref name="key"/> (for short-term
    /// credentials, the password's UTF-8 bytes, §9.1.1) over the message up to the attribute, with the
    /// header's length counting through MESSAGE-INTEGRITY. Constant time. False when the attribute is absent.
    /// </summary>
    public bool VerifyIntegrity(ReadOnlySpan<byte> key)
    {
        if (_integrityOffset <= 0)
        {
            return false;
        }
        Span<byte> mac = stackalloc byte[IntegrityLength];
        ComputeIntegrity(_data[.._integrityOffset], key, mac);
        return CryptographicOperations.FixedTimeEquals(mac, _data.Slice(_integrityOffset + 4, IntegrityLength));
    }

    /// <summary>The XOR-MAPPED-ADDRESS (RFC 8489 §14.2), or null when absent.</summary>
    public IPEndPoint? GetXorMappedAddress()
    {
        if (_xorAddressOffset == 0)
        {
            return null;
        }
        var v = _data.Slice(_xorAddressOffset, _xorAddressLength);
        int port = BinaryPrimitives.ReadUInt16BigEndian(v[2..]) ^ (int)(MagicCookie >> 16);
        Span<byte> address = stackalloc byte[16];
        int n = v[1] == 1 ? 4 : 16;
        if (v[1] is not (1 or 2) || v.Length != 4 + n)
        {
            return null;
        }
        for (int i = 0; i < n; i++)
        {
            // XOR with the cookie, then (IPv6) the transaction id: bytes 4..19 of the header.
            address[i] = (byte)(v[4 + i] ^ _data[4 + i]);
        }
        return new IPEndPoint(new IPAddress(address[..n]), port);
    }

    /// <summary>HMAC-SHA1 over <paramref name="upToAttribute"/> with its length field set to include a 24-byte MESSAGE-INTEGRITY.</summary>
    internal static void ComputeIntegrity(ReadOnlySpan<byte> upToAttribute, ReadOnlySpan<byte> key, Span<byte> mac)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, key);
        Span<byte> header = stackalloc byte[HeaderLength];
        upToAttribute[..HeaderLength].CopyTo(header);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(upToAttribute.Length - HeaderLength + 4 + IntegrityLength));
        hmac.AppendData(header);
        hmac.AppendData(upToAttribute[HeaderLength..]);
        hmac.GetHashAndReset(mac);
    }

    /// <summary>CRC-32 over the message before the FINGERPRINT attribute at <paramref name="at"/>, the length counting through it.</summary>
    internal static uint ComputeFingerprint(ReadOnlySpan<byte> upToAttribute)
    {
        Span<byte> header = stackalloc byte[HeaderLength];
        upToAttribute[..HeaderLength].CopyTo(header);
        BinaryPrimitives.WriteUInt16BigEndian(header[2..], (ushort)(upToAttribute.Length - HeaderLength + 8));
        uint crc = StunCrc32.Update(0xFFFFFFFF, header);
        crc = StunCrc32.Update(crc, upToAttribute[HeaderLength..]);
        return ~crc ^ FingerprintXor;
    }

    private static bool FingerprintMatches(ReadOnlySpan<byte> datagram, int at) =>
        ComputeFingerprint(datagram[..at]) == BinaryPrimitives.ReadUInt32BigEndian(datagram[(at + 4)..]);

    /// <summary>The address family byte of XOR-MAPPED-ADDRESS for a socket family.</summary>
    internal static byte FamilyByte(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? (byte)2 : (byte)1;
}
