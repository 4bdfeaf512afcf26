namespace Telephony.Media.WebRtc.Stun;

/// <summary>
/// CRC-32 as ISO/IEC 13239 / ITU-T V.42 (the zlib one, reflected polynomial 0xEDB88320), which
/// FINGERPRINT uses (RFC 8489 §14.7). A table of 256 entries; System.IO.Hashing is a package we do not need for 30 lines.
/// </summary>
internal static class StunCrc32
{
    private static readonly uint[] Table = Build();

    public static uint Compute(ReadOnlySpan<byte> data) => ~Update(0xFFFFFFFF, data);

    /// <summary>Feeds <paramref name="data"/> into a running (not yet inverted) CRC.</summary>
    public static uint Update(uint crc, ReadOnlySpan<byte> data)
    {
        foreach (byte b in data)
        {
            crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        return crc;
    }

    private static uint[] Build()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            uint c = i;
            for (int k = 0; k < 8; k++)
            {
                c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            }
            table[i] = c;
        }
        return table;
    }
}
