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

/// <summary>G.711 µ-law (RFC 3551 §4.5.14, static payload type 0). Stateless: one instance serves every stream.</summary>
public sealed class PcmuCodec : IAudioCodec
{
    public static readonly PcmuCodec Instance = new();

    public string EncodingName => "PCMU";
    public int PayloadType => 0;
    public int RtpClockRate => 8000;
    public int SampleRate => 8000;

    public int Encode(ReadOnlySpan<short> pcm, Span<byte> payload)
    {
        if (payload.Length < pcm.Length)
            throw new ArgumentException("Payload buffer too small: G.711 needs one byte per sample.", nameof(payload));
        for (int i = 0; i < pcm.Length; i++)
            payload[i] = MuLawEncoder.LinearToMuLawSample(NotMinValue(pcm[i]));
        return pcm.Length;
    }

    public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        if (pcm.Length < payload.Length)
            throw new ArgumentException("PCM buffer too small: G.711 yields one sample per byte.", nameof(pcm));
        for (int i = 0; i < payload.Length; i++)
            pcm[i] = MuLawDecoder.MuLawToLinearSample(payload[i]);
        return payload.Length;
    }
}

/// <summary>G.711 A-law (RFC 3551 §4.5.14, static payload type 8). Stateless: one instance serves every stream.</summary>
public sealed class PcmaCodec : IAudioCodec
{
    public static readonly PcmaCodec Instance = new();

    public string EncodingName => "PCMA";
    public int PayloadType => 8;
    public int RtpClockRate => 8000;
    public int SampleRate => 8000;

    public int Encode(ReadOnlySpan<short> pcm, Span<byte> payload)
    {
        if (payload.Length < pcm.Length)
            throw new ArgumentException("Payload buffer too small: G.711 needs one byte per sample.", nameof(payload));
        for (int i = 0; i < pcm.Length; i++)
            payload[i] = ALawEncoder.LinearToALawSample(NotMinValue(pcm[i]));
        return pcm.Length;
    }

    public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        if (pcm.Length < payload.Length)
            throw new ArgumentException("PCM buffer too small: G.711 yields one sample per byte.", nameof(pcm));
        for (int i = 0; i < payload.Length; i++)
            pcm[i] = ALawDecoder.ALawToLinearSample(payload[i]);
        return payload.Length;
    }
}
