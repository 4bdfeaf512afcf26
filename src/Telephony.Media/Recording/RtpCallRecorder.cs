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
    private readonly JitterDecodingSource _agent;

    public RtpCallRecorder(string path, IAudioCodec callerCodec, int callerPayloadType, IAudioCodec agentCodec, int agentPayloadType,
        CallRecorderOptions? options = null, JitterBufferOptions? jitter = null, TimeProvider? time = null, ILogger? logger = null)
    {
        _caller = new JitterDecodingSource(callerCodec, callerPayloadType, 8000, jitter, time);
        _agent = new JitterDecodingSource(agentCodec, agentPayloadType, 8000, jitter, time);
        Recorder = new CallRecorder(path, _caller, _agent, options, logger);
    }

    public CallRecorder Recorder { get; }
    public JitterBufferStats CallerStats => _caller.Stats;
    public JitterBufferStats AgentStats => _agent.Stats;

    public void OnRtpPacket(int leg, ReadOnlySpan<byte> rtpPacket)
    {
        if (leg == 0)
            _caller.Push(rtpPacket);
        else if (leg == 1)
            _agent.Push(rtpPacket);
    }

    public void OnTick(long tick) => Recorder.OnTick(tick);

    public void Dispose() => Recorder.Dispose();
}
