namespace Telephony.Media.Tests.Jitter;

/// <summary>Builds RTP packets for tests (RFC 3550 §5.1, no CSRC, no extension).</summary>
internal static class TestRtp
{
    public static byte[] Packet(int payloadType, ushort sequence, uint timestamp, uint ssrc, ReadOnlySpan<byte> payload, bool marker = false)
    {
        var packet = new byte[12 + payload.Length];
        packet[0] = 0x80;
        packet[1] = (byte)((marker ? 0x80 : 0) | payloadType);
        BinaryPrimitives.WriteUInt16BigEndian(packet.AsSpan(2), sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(4), timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet.AsSpan(8), ssrc);
        payload.CopyTo(packet.AsSpan(12));
        return packet;
    }

    /// <summary>A 160-byte payload whose bytes all equal <paramref name="marker"/>, to tell packets apart.</summary>
    public static byte[] Filled(byte marker, int length = 160)
    {
        var payload = new byte[length];
        Array.Fill(payload, marker);
        return payload;
    }
}
