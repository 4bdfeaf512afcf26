namespace Telephony.Media.Audio;

/// <summary>
/// Plays prompts one after another ("you are number" + "3" + "in the queue"), 20 ms at a time.
/// The samples are the cache's shared arrays; the player only keeps a position.
/// </summary>
public sealed class PromptPlayer : IAudioSource
{
    private readonly Prompt[] _prompts;
    private int _index;
    private int _offset;

    public PromptPlayer(params Prompt[] prompts) : this((IEnumerable<Prompt>)prompts)
    {
    }

    public PromptPlayer(IEnumerable<Prompt> prompts)
    {
        ArgumentNullException.ThrowIfNull(prompts);
        _prompts = [.. prompts];
        foreach (var p in _prompts)
        {
            if (p.SampleRate != 8000)
                throw new ArgumentException($"Prompt {p.Name} is {p.SampleRate} Hz; players work at 8000 Hz.", nameof(prompts));
        }
    }

    public int SampleRate => 8000;
    public bool IsFinished => _index >= _prompts.Length;

    public bool ReadFrame(Span<short> frame)
    {
        if (IsFinished)
        {
            frame.Clear();
            return false;
        }
        int written = 0;
        while (written < frame.Length && _index < _prompts.Length)
        {
            var samples = _prompts[_index].Samples.Span;
            int n = Math.Min(frame.Length - written, samples.Length - _offset);
            samples.Slice(_offset, n).CopyTo(frame[written..]);
            written += n;
            _offset += n;
            if (_offset >= samples.Length)
            {
                _index++;
                _offset = 0;
            }
        }
        frame[written..].Clear();
        return true;
    }
}

/// <summary>Music on hold: loops one prompt for as long as it is read.</summary>
public sealed class LoopingPlayer : IAudioSource
{
    private readonly Prompt _prompt;
    private int _offset;

    public LoopingPlayer(Prompt prompt)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        if (prompt.Samples.IsEmpty)
            throw new ArgumentException($"Prompt {prompt.Name} is empty; nothing to loop.", nameof(prompt));
        _prompt = prompt;
    }

    public int SampleRate => _prompt.SampleRate;

    public bool ReadFrame(Span<short> frame)
    {
        var samples = _prompt.Samples.Span;
        int written = 0;
        while (written < frame.Length)
        {
            int n = Math.Min(frame.Length - written, samples.Length - _offset);
            samples.Slice(_offset, n).CopyTo(frame[written..]);
            written += n;
            _offset = (_offset + n) % samples.Length;
        }
        return true;
    }
}

/// <summary>Silence, forever or for a given number of frames.</summary>
public sealed class SilenceSource(int sampleRate = 8000, long frames = long.MaxValue) : IAudioSource
{
    private long _left = frames;

    public int SampleRate { get; } = sampleRate;

    public bool ReadFrame(Span<short> frame)
    {
        frame.Clear();
        if (_left <= 0)
            return false;
        _left--;
        return true;
    }
}
