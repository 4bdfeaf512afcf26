using System.Buffers.Binary;

namespace Telephony.Media.Dtmf;

/// <summary>DTMF digits and their RFC 4733 §3.2 event codes (0-9, * = 10, # = 11, A-D = 12-15).</summary>
public static class DtmfDigits
{
    private const string Alphabet = "0123456789*#ABCD";

    public static bool TryGetEventCode(char digit, out int code)
    {
        code = Alphabet.IndexOf(char.ToUpperInvariant(digit), StringComparison.Ordinal);
        return code >= 0;
    }

    public static bool TryGetDigit(int eventCode, out char digit)
    {
        digit = '\0';
        if (eventCode is < 0 or > 15)
            return false;
        digit = Alphabet[eventCode];
        return true;
    }

    public static bool IsDigit(char c) => Alphabet.Contains(char.ToUpperInvariant(c), StringComparison.Ordinal);
}

/// <summary>
/// The 4-byte telephone-event payload (RFC 4733 §2.3):
/// event (8) | E (1) | R (1) | volume (6) | duration (16, in RTP timestamp units).
/// </summary>
public readonly record struct TelephoneEvent(int EventCode, bool End, int Volume, int Duration)
{
    public const int Size = 4;

    public static bool TryRead(ReadOnlySpan<byte> payload, out TelephoneEvent value)
    {
        value = default;
        // §2.5.2.3: a payload may carry several events back to back; the first one is current.
        if (payload.Length < Size)
            return false;
        value = new TelephoneEvent(
            payload[0],
            (payload[1] & 0x80) != 0,
            payload[1] & 0x3F,
            BinaryPrimitives.ReadUInt16BigEndian(payload[2..]));
        return true;
    }

    public void Write(Span<byte> payload)
    {
        if (payload.Length < Size)
            throw new ArgumentException("A telephone-event payload needs 4 bytes.", nameof(payload));
        payload[0] = (byte)EventCode;
        payload[1] = (byte)((End ? 0x80 : 0) | (Volume & 0x3F));
        BinaryPrimitives.WriteUInt16BigEndian(payload[2..], (ushort)Math.Clamp(Duration, 0, ushort.MaxValue));
    }
}
