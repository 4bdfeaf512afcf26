using NAudio.Codecs;

namespace Telephony.Media.Codecs;

/// <summary>
/// G.722 at 64 kbit/s (RFC 3551 §4.5.2, static payload type 9): 16 kHz linear PCM, two samples
/// per payload byte, but an RTP clock of 8000 for historical reasons. G.722 is an ADPCM codec
/// with state, so each RTP stream (each direction) needs its own instance. NAudio's codec works on
/// arrays; we copy through scratch arrays allocated once so a frame costs no allocation.
/// </summary>
public sealed class G722AudioCodec : IAudioCodec
{
    /// <summary>Largest frame we accept per call: 60 ms at 16 kHz.</summary>
    public const int MaxSamplesPerCall = 960;

    private readonly G722Codec _codec = new();
    private readonly G722CodecState _encoderState = new(64000, G722Flags.None);
    private readonly G722CodecState _decoderState = new(64000, G722Flags.None);
    private readonly short[] _pcmScratch = new short[MaxSamplesPerCall];
    private readonly byte[] _payloadScratch = new byte[MaxSamplesPerCall / 2];

    public string EncodingName => "G722";
    public int PayloadType => 9;
    public int RtpClockRate => 8000;
    public int SampleRate => 16000;

    public int Encode(ReadOnlySpan<short> pcm, Span<byte> payload)
    {
        if (pcm.Length > MaxSamplesPerCall)
            throw new ArgumentException($"At most {MaxSamplesPerCall} samples per call.", nameof(pcm));
        int bytes = pcm.Length / 2;
        if (payload.Length < bytes)
            throw new ArgumentException("Payload buffer too small: G.722 needs one byte per two samples.", nameof(payload));
        pcm.CopyTo(_pcmScratch);
        int written = _codec.Encode(_encoderState, _payloadScratch, _pcmScratch, pcm.Length);
        _payloadScratch.AsSpan(0, written).CopyTo(payload);
        return written;
    }

    public int Decode(ReadOnlySpan<byte> payload, Span<short> pcm)
    {
        if (payload.Length > _payloadScratch.Length)
            throw new ArgumentException($"At most {_payloadScratch.Length} payload bytes per call.", nameof(payload));
        if (pcm.Length < payload.Length * 2)
            throw new ArgumentException("PCM buffer too small: G.722 yields two samples per byte.", nameof(pcm));
        payload.CopyTo(_payloadScratch);
        int samples = _codec.Decode(_decoderState, _pcmScratch, _payloadScratch, payload.Length);
        _pcmScratch.AsSpan(0, samples).CopyTo(pcm);
        return samples;
    }
}
