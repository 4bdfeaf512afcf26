namespace Telephony.Media.Jitter;

/// <summary>
/// The few RTP header fields the audio side needs (RFC 3550 §5.1), read without allocation.
/// Kept tiny and internal on purpose: the RTP stack proper lives in Telephony.Media.Rtp.
/// </summary>
internal readonly struct RtpFields
{
    public bool Marker { get; init; }
    public int PayloadType { get; init; }
    public ushort Sequence { get; init; }
    public uint Timestamp { get; init; }
    public uint Ssrc { get; init; }
    public int PayloadOffset { get; init; }
    public int PayloadLength { get; init; }

    public ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> packet) => packet.Slice(PayloadOffset, PayloadLength);

    /// <summary>False for anything that is not a well-formed RTP version 2 packet.</summary>
    public static bool TryRead(ReadOnlySpan<byte> packet, out RtpFields fields)
    {
        fields = default;
        if (packet.Length < 12 || (packet[0] >> 6) != 2)
            return false;
        int csrcCount = packet[0] & 0x0F;
        bool hasExtension = (packet[0] & 0x10) != 0;
        bool hasPadding = (packet[0] & 0x20) != 0;
        int offset = 12 + 4 * csrcCount;
        if (packet.Length < offset)
            return false;
        if (hasExtension)
        {
            // §5.3.1: 16-bit profile data, 16-bit length in 32-bit words, then the words.
            if (packet.Length < offset + 4)
                return false;
            int words = (packet[offset + 2] << 8) | packet[offset + 3];
            offset += 4 + 4 * words;
            if (packet.Length < offset)
                return false;
        }
        int end = packet.Length;
        if (hasPadding)
        {
            int pad = packet[^1];
            if (pad == 0 || end - pad < offset)
                return false;
            end -= pad;
        }
        fields = new RtpFields
        {
            Marker = (packet[1] & 0x80) != 0,
            PayloadType = packet[1] & 0x7F,
            Sequence = (ushort)((packet[2] << 8) | packet[3]),
            Timestamp = (uint)((packet[4] << 24) | (packet[5] << 16) | (packet[6] << 8) | packet[7]),
            Ssrc = (uint)((packet[8] << 24) | (packet[9] << 16) | (packet[10] << 8) | packet[11]),
            PayloadOffset = offset,
            PayloadLength = end - offset,
        };
        return true;
    }
}
