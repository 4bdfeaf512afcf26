using Telephony.Tests.Shared;

namespace Telephony.Media.Tests.Rtp;

/// <summary>One UDP datagram of a capture: when it was captured (µs since the epoch), its ports and payload.</summary>
internal readonly record struct CapturedUdp(long Micros, int SourcePort, int DestinationPort, byte[] Payload);

/// <summary>
/// Reads the UDP datagrams out of a classic libpcap file in <c>TestData/Pcap</c> (global header,
/// per-record headers, Ethernet II [+802.1Q] / IPv4 / UDP): enough to replay captured RTP in tests.
/// Either byte order, µs or ns timestamps; anything else is an error, not an empty list.
/// </summary>
internal static class PcapReader
{
    public static List<CapturedUdp> ReadUdp(string name)
    {
        var data = TestDataFiles.Read("Pcap", name);
        if (data.Length < 24)
            throw new InvalidDataException("Not a pcap file: too short.");
        uint magic = BinaryPrimitives.ReadUInt32LittleEndian(data);
        (bool little, long fractionsPerMicro) = magic switch
        {
            0xA1B2C3D4 => (true, 1L),
            0xA1B23C4D => (true, 1000L),
            0xD4C3B2A1 => (false, 1L),
            0x4D3CB2A1 => (false, 1000L),
            _ => throw new InvalidDataException($"Not a classic pcap file (magic {magic:X8})."),
        };
        uint linkType = ReadU32(data.AsSpan(20), little);
        if (linkType != 1)
            throw new InvalidDataException($"Only Ethernet captures are supported (link type {linkType}).");

        var result = new List<CapturedUdp>();
        int offset = 24;
        while (offset + 16 <= data.Length)
        {
            long micros = (ReadU32(data.AsSpan(offset), little) * 1_000_000L) + (ReadU32(data.AsSpan(offset + 4), little) / fractionsPerMicro);
            int captured = (int)ReadU32(data.AsSpan(offset + 8), little);
            offset += 16;
            if (captured < 0 || offset + captured > data.Length)
                throw new InvalidDataException("Truncated pcap record.");
            var frame = data.AsSpan(offset, captured);
            offset += captured;
            if (TryUdp(frame, out int sport, out int dport, out var payload))
                result.Add(new CapturedUdp(micros, sport, dport, payload.ToArray()));
        }
        return result;
    }

    private static bool TryUdp(ReadOnlySpan<byte> frame, out int sport, out int dport, out ReadOnlySpan<byte> payload)
    {
        sport = dport = 0;
        payload = default;
        if (frame.Length < 14)
            return false;
        int etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[12..]);
        int ip = 14;
        if (etherType == 0x8100 && frame.Length >= 18)
        {
            etherType = BinaryPrimitives.ReadUInt16BigEndian(frame[16..]);
            ip = 18;
        }
        if (etherType != 0x0800 || frame.Length < ip + 20 || (frame[ip] >> 4) != 4 || frame[ip + 9] != 17)
            return false;
        int ihl = (frame[ip] & 0x0F) * 4;
        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(frame[(ip + 2)..]);
        int udp = ip + ihl;
        if (frame.Length < udp + 8)
            return false;
        sport = BinaryPrimitives.ReadUInt16BigEndian(frame[udp..]);
        dport = BinaryPrimitives.ReadUInt16BigEndian(frame[(udp + 2)..]);
        int udpLength = BinaryPrimitives.ReadUInt16BigEndian(frame[(udp + 4)..]);
        int end = Math.Min(Math.Min(udp + udpLength, ip + totalLength), frame.Length);
        if (end < udp + 8)
            return false;
        payload = frame[(udp + 8)..end];
        return true;
    }

    private static uint ReadU32(ReadOnlySpan<byte> span, bool little) =>
        little ? BinaryPrimitives.ReadUInt32LittleEndian(span) : BinaryPrimitives.ReadUInt32BigEndian(span);
}
