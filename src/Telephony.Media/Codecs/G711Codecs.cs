using NAudio.Codecs;

using static Telephony.Media.Codecs.G711Input;

namespace Telephony.Media.Codecs;

internal static class G711Input
{
    /// <summary>
    /// NAudio's G.711 encoders negate negative samples in 16 bits, so -32768 overflows to itself
    /// and encodes as a near-silent code. One step up gives the correct full-scale code.
    /// </summary>
    public static short NotMinValue(short sample) => sample == short.MinValue ? (short)-32767 : sample;
}

/// <summary>
/// G.711 (RFC 3551 §4.5.14): one byte per sample at 8 kHz, stateless, so one instance serves
/// every stream. The two laws differ only in their name, payload type and per-sample mapping.
/// </summary>
public abstract class G711Codec(string encodingName, int payloadType, Func<short, byte> encodeSample, Func<byte, short> decodeSample) : IAudioCodec
{
    public string EncodingName => encodingName;
    public int PayloadType => payloadType;
    public int RtpClockRate => 8000;
    public int SampleRate => 8000;

    public int Encode(ReadOnlySpan<short> pcm, Span<byte> payload)
    {
        if (payload.Length < pcm.Length)
            throw new ArgumentException("Payload buffer too small: G.711 needs one byte per sample.", nameof(payload));
        for (int i = 0; i < pcm.Length; i++)
            payload[i] = encodeSample(NotMinValue(pcm[i]));
        return pcm.Length;
    }

    public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        if (pcm.Length < payload.Length)
            throw new ArgumentException("PCM buffer too small: G.711 yields one sample per byte.", nameof(pcm));
        for (int i = 0; i < payload.Length; i++)
            pcm[i] = decodeSample(payload[i]);
        return payload.Length;
    }
}

/// <summary>G.711 µ-law, static payload type 0.</summary>
public sealed class PcmuCodec() : G711Codec("PCMU", 0, MuLawEncoder.LinearToMuLawSample, MuLawDecoder.MuLawToLinearSample)
{
    public static readonly PcmuCodec Instance = new();
}

/// <summary>G.711 A-law, static payload type 8.</summary>
public sealed class PcmaCodec() : G711Codec("PCMA", 8, ALawEncoder.LinearToALawSample, ALawDecoder.ALawToLinearSample)
{
    public static readonly PcmaCodec Instance = new();
}
