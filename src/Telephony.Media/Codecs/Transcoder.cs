namespace Telephony.Media.Codecs;

/// <summary>
/// Converts payloads of one codec into another for one stream direction: decode, resample
/// between 8 and 16 kHz when the PCM rates differ (G.722 ↔ G.711), encode. Buffers are
/// allocated once; a frame costs no allocation. Not thread-safe: one per direction.
/// </summary>
public sealed class Transcoder
{
    private const int MaxSamples = 960; // 60 ms at 16 kHz
    private readonly IAudioCodec _from;
    private readonly IAudioCodec _to;
    private readonly short[] _decoded = new short[MaxSamples];
    private readonly short[] _resampled = new short[MaxSamples];
    private readonly Downsampler2To1? _down;
    private readonly Upsampler1To2? _up;

    public Transcoder(IAudioCodec from, IAudioCodec to)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        _from = from;
        _to = to;
        if (from.SampleRate == to.SampleRate)
            return;
        if (from.SampleRate == 16000 && to.SampleRate == 8000)
            _down = new Downsampler2To1(MaxSamples);
        else if (from.SampleRate == 8000 && to.SampleRate == 16000)
            _up = new Upsampler1To2(MaxSamples / 2);
        else
            throw new NotSupportedException($"No resampler from {from.SampleRate} Hz to {to.SampleRate} Hz.");
    }

    public IAudioCodec From => _from;
    public IAudioCodec To => _to;

    /// <summary>Transcodes one payload; returns the bytes written to <paramref name="output"/>.</summary>
    public int Transcode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        int maxDecoded = _from.SampleRate == 16000 ? input.Length * 2 : input.Length;
        if (maxDecoded > MaxSamples)
            throw new ArgumentException($"Payload longer than 60 ms ({input.Length} bytes).", nameof(input));
        int samples = _from.Decode(input, _decoded);
        ReadOnlySpan<short> pcm = _decoded.AsSpan(0, samples);
        if (_down is not null)
            pcm = _resampled.AsSpan(0, _down.Process(pcm, _resampled));
        else if (_up is not null)
            pcm = _resampled.AsSpan(0, _up.Process(pcm, _resampled));
        return _to.Encode(pcm, output);
    }
}
