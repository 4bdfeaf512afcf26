using Telephony.Media;

namespace Telephony.Calls.Legs;

/// <summary>Plays one source to its end, then another (an announcement, then music on hold).</summary>
internal sealed class SequenceSource(IAudioSource first, IAudioSource then) : IAudioSource
{
    private bool _firstDone;

    public int SampleRate => first.SampleRate;

    public bool ReadFrame(Span<short> frame)
    {
        if (!_firstDone)
        {
            if (first.ReadFrame(frame))
            {
                return true;
            }
            _firstDone = true;
        }
        return then.ReadFrame(frame);
    }
}
