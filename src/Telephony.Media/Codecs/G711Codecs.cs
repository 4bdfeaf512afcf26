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
/// The mapping is taken once into tables (64 KiB to encode, 256 samples to decode): every IVR prompt
/// frame of every call is encoded here, and a table lookup per sample costs a fraction of the
/// law's arithmetic behind a delegate call.
/// </summary>
public abstract class G711Codec : IAudioCodec
{
    private readonly byte[] _encode = new byte[65536]; // indexed by the sample's 16 bits
    private readonly short[] _decode = new short[256];

    protected G711Codec(string encodingName, int payloadType, Func<short, byte> encodeSample, Func<byte, short> decodeSample)
    {
        ArgumentNullException.ThrowIfNull(encodeSample);
        ArgumentNullException.ThrowIfNull(decodeSample);
        EncodingName = encodingName;
        PayloadType = payloadType;
        for (int i = 0; i < _encode.Length; i++)
            _encode[i] = encodeSample(NotMinValue((short)i));
        for (int i = 0; i < _decode.Length; i++)
            _decode[i] = decodeSample((byte)i);
    }

    public string EncodingName { get; }
    public int PayloadType { get; }
    public int RtpClockRate => 8000;
    public int SampleRate => 8000;

    public int Encode(ReadOnlySpan<short> pcm, Span<byte> payload)
    {
        if (payload.Length < pcm.Length)
            throw new ArgumentException("Payload buffer too small: G.711 needs one byte per sample.", nameof(payload));
        var table = _encode;
        for (int i = 0; i < pcm.Length; i++)
            payload[i] = table[(ushort)pcm[i]];
        return pcm.Length;
    }

    public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        if (pcm.Length < payload.Length)
            throw new ArgumentException("PCM buffer too small: G.711 yields one sample per byte.", nameof(pcm));
        var table = _decode;
        for (int i = 0; i < payload.Length; i++)
            pcm[i] = table[payload[i]];
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
