namespace Telephony.Media.Mixing;

/// <summary>
/// N-party mixer driven by the media clock. Each participant has an input (what it says) and an
/// output (what it hears). A hearing matrix says who hears whom; each listener gets the sum of
/// the talkers it may hear, never itself, with saturating 16-bit arithmetic. When a listener
/// hears everybody else, its mix is the total minus its own input (one pass for the common
/// conference case). Buffers are allocated when participants join; a tick allocates nothing.
/// Membership changes (call mailbox) and ticks (clock thread) are serialised by a short lock.
/// </summary>
public sealed class AudioMixer : IMediaTickListener
{
    /// <summary>Participants at most: the hearing matrix is one 64-bit mask per listener.</summary>
    public const int MaxParticipants = 64;

    private readonly Lock _gate = new();
    private readonly int _frameSamples;
    private readonly Participant?[] _participants;
    private readonly int[] _total;
    private readonly int[] _acc;
    private readonly short[] _out;
    private ulong _activeMask;

    public AudioMixer(int sampleRate = 8000, int capacity = 8)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(capacity, MaxParticipants);
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        SampleRate = sampleRate;
        _frameSamples = sampleRate / 50;
        _participants = new Participant?[capacity];
        _total = new int[_frameSamples];
        _acc = new int[_frameSamples];
        _out = new short[_frameSamples];
    }

    public int SampleRate { get; }

    public int Count
    {
        get { lock (_gate) return System.Numerics.BitOperations.PopCount(_activeMask); }
    }

    /// <summary>Adds a participant who hears nobody yet; returns its id. Set hearing with <see cref="SetHears"/>.</summary>
    public int Add(string name, IAudioSource input, IAudioSink? output)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.SampleRate != SampleRate)
            throw new ArgumentException($"Mixer runs at {SampleRate} Hz; input {name} is {input.SampleRate} Hz.", nameof(input));
        lock (_gate)
        {
            for (int id = 0; id < _participants.Length; id++)
            {
                if (_participants[id] is null)
                {
                    _participants[id] = new Participant(name, input, output, _frameSamples);
                    _activeMask |= 1UL << id;
                    return id;
                }
            }
        }
        throw new InvalidOperationException($"Mixer is full ({_participants.Length} participants).");
    }

    public void Remove(int id)
    {
        lock (_gate)
        {
            Get(id);
            _participants[id] = null;
            _activeMask &= ~(1UL << id);
            foreach (var p in _participants)
            {
                if (p is not null)
                    p.Hears &= ~(1UL << id);
            }
        }
    }

    /// <summary>Whether <paramref name="listener"/> hears <paramref name="talker"/>. Nobody hears themselves.</summary>
    public void SetHears(int listener, int talker, bool hears)
    {
        lock (_gate)
        {
            var l = Get(listener);
            Get(talker);
            if (listener == talker)
                return;
            if (hears)
                l.Hears |= 1UL << talker;
            else
                l.Hears &= ~(1UL << talker);
        }
    }

    /// <summary>
    /// Sets who hears whom among <paramref name="ids"/> as <paramref name="hearing"/> says, party i of the
    /// matrix being participant <c>ids[i]</c>: every pair is set, to hearing or not, in one step (the next
    /// frame sees the whole change). Hearing to and from participants not named stays as it was.
    /// </summary>
    public void SetHearing(HearingMatrix hearing, params ReadOnlySpan<int> ids)
    {
        ArgumentNullException.ThrowIfNull(hearing);
        if (ids.Length != hearing.Parties)
            throw new ArgumentException($"The hearing matrix is for {hearing.Parties} parties; {ids.Length} participants given.", nameof(ids));
        lock (_gate)
        {
            for (int i = 0; i < ids.Length; i++)
            {
                var listener = Get(ids[i]);
                for (int j = 0; j < ids.Length; j++)
                {
                    Get(ids[j]);
                    if (ids[i] == ids[j])
                        continue;
                    if (hearing.Hears(i, j))
                        listener.Hears |= 1UL << ids[j];
                    else
                        listener.Hears &= ~(1UL << ids[j]);
                }
            }
        }
    }

    public bool Hears(int listener, int talker)
    {
        lock (_gate)
            return (Get(listener).Hears & (1UL << talker)) != 0;
    }

    public void OnTick(long tick) => Mix();

    /// <summary>Reads one frame from every input and writes every listener's mix to its output.</summary>
    public void Mix()
    {
        lock (_gate)
        {
            Array.Clear(_total);
            for (int id = 0; id < _participants.Length; id++)
            {
                var p = _participants[id];
                if (p is null)
                    continue;
                if (!p.Input.ReadFrame(p.Frame))
                    Array.Clear(p.Frame);
                var frame = p.Frame;
                for (int s = 0; s < frame.Length; s++)
                    _total[s] += frame[s];
            }

            for (int id = 0; id < _participants.Length; id++)
            {
                var listener = _participants[id];
                if (listener?.Output is null)
                    continue;
                ulong others = _activeMask & ~(1UL << id);
                if ((listener.Hears & others) == others)
                {
                    var self = listener.Frame;
                    for (int s = 0; s < _out.Length; s++)
                        _out[s] = Saturate(_total[s] - self[s]);
                }
                else
                {
                    Array.Clear(_acc);
                    ulong mask = listener.Hears & others;
                    while (mask != 0)
                    {
                        int talker = System.Numerics.BitOperations.TrailingZeroCount(mask);
                        mask &= mask - 1;
                        var frame = _participants[talker]!.Frame;
                        for (int s = 0; s < _acc.Length; s++)
                            _acc[s] += frame[s];
                    }
                    for (int s = 0; s < _out.Length; s++)
                        _out[s] = Saturate(_acc[s]);
                }
                listener.Output.WriteFrame(_out);
            }
        }
    }

    /// <summary>Clips a sum to the 16-bit range instead of letting it wrap around.</summary>
    public static short Saturate(int value) =>
        value > short.MaxValue ? short.MaxValue : value < short.MinValue ? short.MinValue : (short)value;

    private Participant Get(int id)
    {
        if (id < 0 || id >= _participants.Length || _participants[id] is not { } p)
            throw new ArgumentOutOfRangeException(nameof(id), $"No participant {id} in this mixer.");
        return p;
    }

    private sealed class Participant(string name, IAudioSource input, IAudioSink? output, int frameSamples)
    {
        public string Name { get; } = name;
        public IAudioSource Input { get; } = input;
        public IAudioSink? Output { get; } = output;
        public short[] Frame { get; } = new short[frameSamples];
        public ulong Hears { get; set; }
    }
}
