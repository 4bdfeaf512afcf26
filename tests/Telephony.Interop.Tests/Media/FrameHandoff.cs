namespace Telephony.Interop.Tests.Media;

/// <summary>
/// 20 ms frames handed from one media path to another (what a leg heard → a mixer input, a mixer output →
/// what a leg sends, an echo), optionally keeping a copy of everything written. Bounded: a reader that falls
/// behind loses the oldest frames; an empty queue reads as silence.
/// </summary>
internal sealed class FrameHandoff(bool keepCopy = false, int capacity = 8) : IAudioSource, IAudioSink
{
    private readonly Lock _gate = new();
    private readonly Queue<short[]> _frames = new();
    private readonly List<short> _written = [];

    public int SampleRate => 8000;

    /// <summary>Everything written so far (when keeping a copy).</summary>
    public short[] Written
    {
        get { lock (_gate) return [.. _written]; }
    }

    public void WriteFrame(ReadOnlySpan<short> frame)
    {
        lock (_gate)
        {
            if (keepCopy)
            {
                _written.AddRange(frame);
            }
            if (_frames.Count >= capacity)
            {
                _frames.Dequeue();
            }
            _frames.Enqueue(frame.ToArray());
        }
    }

    public bool ReadFrame(Span<short> frame)
    {
        lock (_gate)
        {
            if (_frames.TryDequeue(out var next))
            {
                next.CopyTo(frame);
            }
            else
            {
                frame.Clear();
            }
        }
        return true;
    }
}
