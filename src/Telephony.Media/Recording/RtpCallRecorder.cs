using Microsoft.Extensions.Logging;
using Telephony.Media.Jitter;

namespace Telephony.Media.Recording;

/// <summary>
/// Records a call straight from its RTP: attach it as the bridge's <see cref="IRtpTap"/> (leg 0 =
/// caller, leg 1 = agent) and as a media clock listener. Each leg goes through its own
/// <see cref="JitterDecodingSource"/> (reorder, conceal, decode, resample to 8 kHz), and the
/// <see cref="CallRecorder"/> pulls one frame per leg per tick. Packets of other legs or payload
/// types (telephone-event) do not disturb the audio.
/// </summary>
public sealed class RtpCallRecorder : IRtpTap, IMediaTickListener, IDisposable
{
    private readonly JitterDecodingSource _caller;
    private readonly JitterBufferOptions? _jitter;
    private readonly TimeProvider? _time;
    private JitterDecodingSource _agent;
    private IAudioSource? _agentChannelOverride;

    public RtpCallRecorder(string path, IAudioCodec callerCodec, int callerPayloadType, IAudioCodec agentCodec, int agentPayloadType,
        CallRecorderOptions? options = null, JitterBufferOptions? jitter = null, TimeProvider? time = null, ILogger? logger = null)
    {
        _caller = new JitterDecodingSource(callerCodec, callerPayloadType, 8000, jitter, time);
        _agent = new JitterDecodingSource(agentCodec, agentPayloadType, 8000, jitter, time);
        _jitter = jitter;
        _time = time;
        Recorder = new CallRecorder(path, _caller, new AgentChannel(this), options, logger);
    }

    /// <summary>
    /// The agent side is now another party with its own codec and payload type (the call was
    /// handed over to a partner hotline): decode leg 1 with these from here on.
    /// </summary>
    public void RecordAgentLegAs(IAudioCodec codec, int payloadType) =>
        Volatile.Write(ref _agent, new JitterDecodingSource(codec, payloadType, 8000, _jitter, _time));

    /// <summary>
    /// Records the agent channel from <paramref name="source"/> (8 kHz) instead of the agent's RTP:
    /// the centre's side of a supervised call, agent plus a whispering or barging supervisor.
    /// Null goes back to the agent's RTP. While a source is set, agent packets given to the tap
    /// are not needed and should not be given (they would wait, stale, in the jitter buffer).
    /// </summary>
    public void RecordAgentChannelFrom(IAudioSource? source) => Volatile.Write(ref _agentChannelOverride, source);

    public CallRecorder Recorder { get; }
    public JitterBufferStats CallerStats => _caller.Stats;
    public JitterBufferStats AgentStats => Volatile.Read(ref _agent).Stats;

    public void OnRtpPacket(int leg, ReadOnlySpan<byte> rtpPacket)
    {
        if (leg == 0)
            _caller.Push(rtpPacket);
        else if (leg == 1)
            Volatile.Read(ref _agent).Push(rtpPacket);
    }

    public void OnTick(long tick) => Recorder.OnTick(tick);

    /// <summary>The recorder's right channel: the agent's RTP, or the override while one is set.</summary>
    private sealed class AgentChannel(RtpCallRecorder owner) : IAudioSource
    {
        public int SampleRate => 8000;

        public bool ReadFrame(Span<short> frame) =>
            (Volatile.Read(ref owner._agentChannelOverride) ?? Volatile.Read(ref owner._agent)).ReadFrame(frame);
    }

    public void Dispose() => Recorder.Dispose();
}
