namespace Telephony.Media.Recording;

/// <summary>
/// A small bounded FIFO of 20 ms frames between a producer thread (a leg's decoder pushing
/// frames) and the media clock (the recorder or mixer pulling one per tick). Empty reads give
/// silence, so a leg that stops sending keeps its place in time; when the producer runs ahead
/// by more than <see cref="Capacity"/> frames the oldest frame is dropped (bounded memory).
/// </summary>
public sealed class FrameQueue : IAudioSink, IAudioSource
{
    private readonly Lock _gate = new();
    private readonly short[][] _frames;
    private readonly int[] _lengths;
    private int _head;
    private int _count;

    public FrameQueue(int sampleRate = 8000, int capacity = 8)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        SampleRate = sampleRate;
        FrameSamples = sampleRate / 50;
        _frames = new short[capacity][];
        for (int i = 0; i < capacity; i++)
            _frames[i] = new short[FrameSamples];
        _lengths = new int[capacity];
    }

    public int SampleRate { get; }
    public int FrameSamples { get; }
    public int Capacity => _frames.Length;
    public long Dropped { get; private set; }
    public long Underruns { get; private set; }

    public int Count
    {
        get { lock (_gate) return _count; }
    }

    public void WriteFrame(ReadOnlySpan<short> frame)
    {
        lock (_gate)
        {
            if (_count == _frames.Length)
            {
                _head = (_head + 1) % _frames.Length;
                _count--;
                Dropped++;
            }
            int slot = (_head + _count) % _frames.Length;
            int n = Math.Min(frame.Length, FrameSamples);
            frame[..n].CopyTo(_frames[slot]);
            _lengths[slot] = n;
            _count++;
        }
    }

    /// <summary>Next frame, or silence when none is queued. Always true: a live leg does not end.</summary>
    public bool ReadFrame(Span<short> frame)
    {
        lock (_gate)
        {
            if (_count == 0)
            {
                Underruns++;
                frame.Clear();
                return true;
            }
            int n = Math.Min(_lengths[_head], frame.Length);
            _frames[_head].AsSpan(0, n).CopyTo(frame);
            frame[n..].Clear();
            _head = (_head + 1) % _frames.Length;
            _count--;
            return true;
        }
    }
}
