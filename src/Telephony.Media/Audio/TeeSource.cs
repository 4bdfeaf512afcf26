namespace Telephony.Media.Audio;

/// <summary>
/// Reads from one source and hands each frame to extra sinks too, so a leg decoded once (through
/// its jitter buffer) can feed the recorder or mixer and an in-band DTMF detector on the same
/// tick. Reading a source twice would consume two frames; teeing keeps one read per tick.
/// </summary>
public sealed class TeeSource : IAudioSource
{
    private readonly IAudioSource _inner;
    private readonly IAudioSink[] _taps;

    public TeeSource(IAudioSource inner, params IAudioSink[] taps)
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentNullException.ThrowIfNull(taps);
        _inner = inner;
        _taps = taps;
    }

    public int SampleRate => _inner.SampleRate;

    public bool ReadFrame(Span<short> frame)
    {
        bool more = _inner.ReadFrame(frame);
        foreach (var tap in _taps)
            tap.WriteFrame(frame);
        return more;
    }
}
