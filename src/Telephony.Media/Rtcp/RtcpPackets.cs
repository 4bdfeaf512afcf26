using System.Buffers.Binary;
using System.Text;

namespace Telephony.Media.Rtcp;

/// <summary>One reception report block (RFC 3550 §6.4.1).</summary>
public readonly record struct RtcpReportBlock(
    uint Ssrc, byte FractionLost, int CumulativeLost, uint ExtendedHighestSequence, uint Jitter,
    uint LastSenderReport, uint DelaySinceLastSenderReport)
{
    public const int Length = 24;

    /// <summary>Fraction lost as a fraction 0..1 (the field is lost/expected in 1/256ths).</summary>
    public double FractionLostRatio => FractionLost / 256.0;

    public void Write(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32BigEndian(destination, Ssrc);
        // 24-bit two's complement cumulative loss, clamped (§6.4.1, §A.3).
        int lost = Math.Clamp(CumulativeLost, -0x800000, 0x7FFFFF);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ((uint)FractionLost << 24) | ((uint)lost & 0xFFFFFF));
        BinaryPrimitives.WriteUInt32BigEndian(destination[8..], ExtendedHighestSequence);
        BinaryPrimitives.WriteUInt32BigEndian(destination[12..], Jitter);
        BinaryPrimitives.WriteUInt32BigEndian(destination[16..], LastSenderReport);
        BinaryPrimitives.WriteUInt32BigEndian(destination[20..], DelaySinceLastSenderReport);
    }

    public static RtcpReportBlock Read(ReadOnlySpan<byte> source)
    {
        uint word = BinaryPrimitives.ReadUInt32BigEndian(source[4..]);
        int lost = (int)(word << 8) >> 8; // sign-extend the 24-bit field
        return new RtcpReportBlock(
            BinaryPrimitives.ReadUInt32BigEndian(source), (byte)(word >> 24), lost,
            BinaryPrimitives.ReadUInt32BigEndian(source[8..]), BinaryPrimitives.ReadUInt32BigEndian(source[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(source[16..]), BinaryPrimitives.ReadUInt32BigEndian(source[20..]));
    }
}

/// <summary>Sender information of an SR (RFC 3550 §6.4.1).</summary>
public readonly record struct RtcpSenderInfo(ulong NtpTimestamp, uint RtpTimestamp, uint PacketCount, uint OctetCount)
{
    /// <summary>The middle 32 bits of the NTP timestamp, echoed as LSR in report blocks.</summary>
    public uint CompactNtp => (uint)(NtpTimestamp >> 16);
}

/// <summary>What a compound RTCP packet told us (the parts a call needs).</summary>
public struct RtcpCompoundInfo
{
    public uint SenderSsrc;
    public bool HasSenderInfo;
    public RtcpSenderInfo SenderInfo;
    /// <summary>Whether a report block about the SSRC we asked for was found.</summary>
    public bool HasReportAboutUs;
    public RtcpReportBlock ReportAboutUs;
    public bool Bye;
}

/// <summary>Writes and reads compound RTCP packets: SR/RR + SDES CNAME (+ BYE) (RFC 3550 §6).</summary>
public static class RtcpWriter
{
    public const int SenderReport = 200;
    public const int ReceiverReport = 201;
    public const int SourceDescription = 202;
    public const int Goodbye = 203;

    /// <summary>Writes an SR (when <paramref name="sender"/> is given) or an RR with at most one report block.</summary>
    public static int WriteReport(Span<byte> destination, uint ssrc, RtcpSenderInfo? sender, RtcpReportBlock? block)
    {
        int count = block is null ? 0 : 1;
        int length = 8 + (sender is null ? 0 : 20) + (count * RtcpReportBlock.Length);
        WriteHeader(destination, count, sender is null ? ReceiverReport : SenderReport, length);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        int at = 8;
        if (sender is { } s)
        {
            BinaryPrimitives.WriteUInt64BigEndian(destination[at..], s.NtpTimestamp);
            BinaryPrimitives.WriteUInt32BigEndian(destination[(at + 8)..], s.RtpTimestamp);
            BinaryPrimitives.WriteUInt32BigEndian(destination[(at + 12)..], s.PacketCount);
            BinaryPrimitives.WriteUInt32BigEndian(destination[(at + 16)..], s.OctetCount);
            at += 20;
        }

        if (block is { } b)
        {
            b.Write(destination[at..]);
            at += RtcpReportBlock.Length;
        }

        return at;
    }

    /// <summary>Writes an SDES packet with one chunk carrying CNAME (required in every compound packet, §6.1).</summary>
    public static int WriteSdesCname(Span<byte> destination, uint ssrc, string cname)
    {
        int textLength = Math.Min(Encoding.UTF8.GetByteCount(cname), 255);
        int chunk = 4 + 2 + textLength + 1; // SSRC, type+len, text, END
        int padded = (chunk + 3) & ~3;
        WriteHeader(destination, 1, SourceDescription, 4 + padded);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        destination[8] = 1; // CNAME
        destination[9] = (byte)textLength;
        Span<byte> text = destination.Slice(10, textLength);
        if (Encoding.UTF8.GetBytes(cname, text) != textLength)
        {
            // Over-long CNAMEs were cut to 255 octets: re-encode into a buffer sized for the whole name.
            Span<byte> whole = stackalloc byte[Encoding.UTF8.GetByteCount(cname)];
            Encoding.UTF8.GetBytes(cname, whole);
            whole[..textLength].CopyTo(text);
        }

        destination.Slice(10 + textLength, padded - 6 - textLength).Clear(); // END item and padding
        return 4 + padded;
    }

    /// <summary>Writes a BYE for one SSRC (§6.6).</summary>
    public static int WriteBye(Span<byte> destination, uint ssrc)
    {
        WriteHeader(destination, 1, Goodbye, 8);
        BinaryPrimitives.WriteUInt32BigEndian(destination[4..], ssrc);
        return 8;
    }

    private static void WriteHeader(Span<byte> destination, int count, int packetType, int lengthInOctets)
    {
        destination[0] = (byte)(0x80 | count);
        destination[1] = (byte)packetType;
        BinaryPrimitives.WriteUInt16BigEndian(destination[2..], (ushort)((lengthInOctets / 4) - 1));
    }

    /// <summary>
    /// Validates a compound packet (RFC 3550 §A.2: version 2, first packet SR or RR, lengths add up,
    /// padding only in the last packet) and extracts sender info and the report block about
    /// <paramref name="ourSsrc"/>. Returns false for anything malformed.
    /// </summary>
    public static bool TryReadCompound(ReadOnlySpan<byte> data, uint ourSsrc, out RtcpCompoundInfo info)
    {
        info = default;
        if (data.Length < 8 || data.Length % 4 != 0)
        {
            return false;
        }

        int at = 0;
        bool first = true;
        while (at < data.Length)
        {
            if (data.Length - at < 4)
            {
                return false;
            }

            byte b0 = data[at];
            int pt = data[at + 1];
            int length = (BinaryPrimitives.ReadUInt16BigEndian(data[(at + 2)..]) + 1) * 4;
            if (b0 >> 6 != 2 || at + length > data.Length)
            {
                return false;
            }

            bool padding = (b0 & 0x20) != 0;
            if (padding && at + length != data.Length)
            {
                return false;
            }

            if (first && pt is not (SenderReport or ReceiverReport))
            {
                return false;
            }

            first = false;
            var packet = data.Slice(at, length);
            int count = b0 & 0x1F;
            switch (pt)
            {
                case SenderReport or ReceiverReport:
                {
                    if (packet.Length < 8)
                    {
                        return false;
                    }

                    info.SenderSsrc = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
                    int blocksAt = 8;
                    if (pt == SenderReport)
                    {
                        if (packet.Length < 28)
                        {
                            return false;
                        }

                        info.HasSenderInfo = true;
                        info.SenderInfo = new RtcpSenderInfo(
                            BinaryPrimitives.ReadUInt64BigEndian(packet[8..]), BinaryPrimitives.ReadUInt32BigEndian(packet[16..]),
                            BinaryPrimitives.ReadUInt32BigEndian(packet[20..]), BinaryPrimitives.ReadUInt32BigEndian(packet[24..]));
                        blocksAt = 28;
                    }

                    if (blocksAt + (count * RtcpReportBlock.Length) > packet.Length)
                    {
                        return false;
                    }

                    for (int i = 0; i < count; i++)
                    {
                        var block = RtcpReportBlock.Read(packet[(blocksAt + (i * RtcpReportBlock.Length))..]);
                        if (block.Ssrc == ourSsrc)
                        {
                            info.HasReportAboutUs = true;
                            info.ReportAboutUs = block;
                        }
                    }

                    break;
                }

                case Goodbye:
                    info.Bye = true;
                    break;
            }

            at += length;
        }

        return true;
    }

    /// <summary>A 64-bit NTP timestamp (seconds since 1900 in the high word, §4) for a UTC time.</summary>
    public static ulong ToNtp(DateTimeOffset utc)
    {
        var ntpEpoch = new DateTimeOffset(1900, 1, 1, 0, 0, 0, TimeSpan.Zero);
        long ticks = (utc - ntpEpoch).Ticks;
        ulong seconds = (ulong)(ticks / TimeSpan.TicksPerSecond);
        ulong fraction = (ulong)(ticks % TimeSpan.TicksPerSecond) * 0x1_0000_0000UL / TimeSpan.TicksPerSecond;
        return (seconds << 32) | fraction;
    }
}
