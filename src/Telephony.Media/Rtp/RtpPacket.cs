using System.Buffers.Binary;

namespace Telephony.Media.Rtp;

/// <summary>Why a datagram is not a valid RTP packet (RFC 3550 §5.1, §A.1).</summary>
public enum RtpParseError
{
    None,
    TooShort,
    BadVersion,
    /// <summary>PT 72-76 collides with RTCP SR/RR/SDES/BYE/APP when the marker is set (RFC 3550 §A.1, RFC 5761 §4).</summary>
    RtcpPayloadType,
    CsrcOverflow,
    ExtensionOverflow,
    BadPadding,
}

/// <summary>
/// A read-only view of one RTP packet over a span (RFC 3550 §5.1). Parsing validates the
/// header per §A.1 and allocates nothing.
/// </summary>
public readonly ref struct RtpPacket
{
    public const int FixedHeaderLength = 12;

    private readonly ReadOnlySpan<byte> _data;

    private RtpPacket(ReadOnlySpan<byte> data, int headerLength, int payloadLength, int paddingLength)
    {
        _data = data;
        HeaderLength = headerLength;
        PayloadLength = payloadLength;
        PaddingLength = paddingLength;
    }

    public int Version => _data[0] >> 6;
    public bool HasPadding => (_data[0] & 0x20) != 0;
    public bool HasExtension => (_data[0] & 0x10) != 0;
    public int CsrcCount => _data[0] & 0x0F;
    public bool Marker => (_data[1] & 0x80) != 0;
    public int PayloadType => _data[1] & 0x7F;
    public ushort SequenceNumber => BinaryPrimitives.ReadUInt16BigEndian(_data[2..]);
    public uint Timestamp => BinaryPrimitives.ReadUInt32BigEndian(_data[4..]);
    public uint Ssrc => BinaryPrimitives.ReadUInt32BigEndian(_data[8..]);

    /// <summary>Header length including CSRCs and extension.</summary>
    public int HeaderLength { get; }
    public int PayloadLength { get; }
    /// <summary>Padding octets at the end (including the count octet), 0 without padding.</summary>
    public int PaddingLength { get; }

    public ReadOnlySpan<byte> Payload => _data.Slice(HeaderLength, PayloadLength);
    /// <summary>The whole packet.</summary>
    public ReadOnlySpan<byte> Span => _data;

    public uint GetCsrc(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, CsrcCount);
        return BinaryPrimitives.ReadUInt32BigEndian(_data[(FixedHeaderLength + (4 * index))..]);
    }

    /// <summary>The 16-bit profile-defined value of the header extension (§5.3.1); 0 without one.</summary>
    public ushort ExtensionProfile =>
        HasExtension ? BinaryPrimitives.ReadUInt16BigEndian(_data[(FixedHeaderLength + (4 * CsrcCount))..]) : (ushort)0;

    /// <summary>The header extension's data (without its 4-octet header); empty without one.</summary>
    public ReadOnlySpan<byte> ExtensionData
    {
        get
        {
            if (!HasExtension)
            {
                return [];
            }

            int start = FixedHeaderLength + (4 * CsrcCount) + 4;
            return _data[start..HeaderLength];
        }
    }

    /// <summary>Parses and validates a datagram as RTP.</summary>
    public static bool TryParse(ReadOnlySpan<byte> data, out RtpPacket packet) => TryParse(data, out packet, out _);

    public static bool TryParse(ReadOnlySpan<byte> data, out RtpPacket packet, out RtpParseError error)
    {
        packet = default;
        if (data.Length < FixedHeaderLength)
        {
            error = RtpParseError.TooShort;
            return false;
        }

        if (data[0] >> 6 != 2)
        {
            error = RtpParseError.BadVersion;
            return false;
        }

        int pt = data[1] & 0x7F;
        if (pt is >= 72 and <= 76)
        {
            error = RtpParseError.RtcpPayloadType;
            return false;
        }

        int header = FixedHeaderLength + (4 * (data[0] & 0x0F));
        if (header > data.Length)
        {
            error = RtpParseError.CsrcOverflow;
            return false;
        }

        if ((data[0] & 0x10) != 0)
        {
            if (header + 4 > data.Length)
            {
                error = RtpParseError.ExtensionOverflow;
                return false;
            }

            int words = BinaryPrimitives.ReadUInt16BigEndian(data[(header + 2)..]);
            header += 4 + (4 * words);
            if (header > data.Length)
            {
                error = RtpParseError.ExtensionOverflow;
                return false;
            }
        }

        int padding = 0;
        if ((data[0] & 0x20) != 0)
        {
            // §5.1: the last octet counts the padding octets, itself included; never 0 (§A.1).
            padding = data[^1];
            if (padding == 0 || header + padding > data.Length)
            {
                error = RtpParseError.BadPadding;
                return false;
            }
        }

        packet = new RtpPacket(data, header, data.Length - header - padding, padding);
        error = RtpParseError.None;
        return true;
    }
}

/// <summary>Header fields for writing an RTP packet.</summary>
public struct RtpHeader
{
    public bool Marker;
    public int PayloadType;
    public ushort SequenceNumber;
    public uint Timestamp;
    public uint Ssrc;
}

/// <summary>Writes RTP packets into spans and rewrites header fields in place (no allocation).</summary>
public static class RtpWriter
{
    /// <summary>
    /// Writes a packet: fixed header, CSRC list, optional extension (data length a multiple of 4),
    /// payload and padding (<paramref name="padding"/> octets, 0 or 1..255, count octet included).
    /// Returns the packet length; throws only for programming errors (destination too small, bad arguments).
    /// </summary>
    public static int Write(
        Span<byte> destination, in RtpHeader header, ReadOnlySpan<byte> payload,
        ReadOnlySpan<uint> csrcs = default, ushort extensionProfile = 0, ReadOnlySpan<byte> extensionData = default,
        bool hasExtension = false, int padding = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(csrcs.Length, 15);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)header.PayloadType, 127u);
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)padding, 255u);
        if (extensionData.Length % 4 != 0)
        {
            throw new ArgumentException("extension data must be a multiple of 4 octets", nameof(extensionData));
        }

        hasExtension |= !extensionData.IsEmpty;
        int length = RtpPacket.FixedHeaderLength + (4 * csrcs.Length) + (hasExtension ? 4 + extensionData.Length : 0)
                     + payload.Length + padding;
        if (destination.Length < length)
        {
            throw new ArgumentException($"destination holds {destination.Length} octets, the packet needs {length}", nameof(destination));
        }

        destination[0] = (byte)(0x80 | (padding > 0 ? 0x20 : 0) | (hasExtension ? 0x10 : 0) | csrcs.Length);
        destination[1] = (byte)((header.Marker ? 0x80 : 0) | header.PayloadType);
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], header.SequenceNumber);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], header.Timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], header.Ssrc);
        int at = RtpPacket.FixedHeaderLength;
        foreach (uint csrc in csrcs)
        {
            BinaryPrimitives.WriteUInt32BigEndian(destination[at..], csrc);
            at += 4;
        }

        if (hasExtension)
        {
            BinaryPrimitives.WriteUInt16BigEndian(destination[at..], extensionProfile);
            BinaryPrimitives.WriteUInt16BigEndian(destination[(at + 2)..], (ushort)(extensionData.Length / 4));
            extensionData.CopyTo(destination[(at + 4)..]);
            at += 4 + extensionData.Length;
        }

        payload.CopyTo(destination[at..]);
        at += payload.Length;
        if (padding > 0)
        {
            destination.Slice(at, padding - 1).Clear();
            destination[at + padding - 1] = (byte)padding;
            at += padding;
        }

        return at;
    }

    public static void SetMarker(Span<byte> packet, bool marker) =>
        packet[1] = (byte)((packet[1] & 0x7F) | (marker ? 0x80 : 0));

    public static void SetPayloadType(Span<byte> packet, int payloadType) =>
        packet[1] = (byte)((packet[1] & 0x80) | (payloadType & 0x7F));

    public static void SetSequenceNumber(Span<byte> packet, ushort sequence) =>
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], sequence);

    public static void SetTimestamp(Span<byte> packet, uint timestamp) =>
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], timestamp);

    public static void SetSsrc(Span<byte> packet, uint ssrc) =>
        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], ssrc);
}
