using Telephony.Media.Legs;
using Telephony.Media;
using Telephony.Media.Audio;
using Telephony.Media.Jitter;
using Telephony.Media.Mixing;
using Telephony.Media.Recording;
using Telephony.Media.Rtp;

namespace Telephony.Calls.Legs;

/// <summary>
/// The media of a connected call while a third party is on it: a supervisor, or a partner hotline
/// the agent brought in (mixed as a barge: everybody hears everybody). Instead of relaying RTP between
/// caller and agent (the <see cref="Telephony.Media.Bridge.RtpBridge"/>), each of the three legs
/// is decoded through its own jitter buffer into one <see cref="AudioMixer"/> on the media clock,
/// and each leg is sent its own mix as the mode allows (<see cref="SetMode"/>):
/// monitor (the supervisor only listens), whisper (the agent hears the supervisor, the citizen
/// does not), barge (everybody hears everybody). The recording goes on: its caller channel from the
/// caller's packets as before, its agent channel from a fourth, listen-only mixer participant that
/// hears the centre's side of the call, the agent and, while whispering or barging, the supervisor.
/// </summary>
internal sealed class ThreePartyMix : IDisposable
{
    private static readonly string[] Names = ["caller", "agent", "supervisor"];
    private const int CallerLeg = 0;
    private const int AgentLeg = 1;
    private const int SupervisorLeg = 2;

    private readonly MediaEngine _engine;
    private readonly AudioMixer _mixer = new(capacity: 4);
    private readonly MediaLeg[] _legs;
    private readonly int[] _ids = new int[3];
    private readonly RtpCallRecorder? _recorder;
    private readonly int _centreSide = -1;

    public ThreePartyMix(MediaEngine engine, MediaLeg caller, MediaLeg agent, MediaLeg third, RtpCallRecorder? recorder, SupervisionMode mode)
    {
        _engine = engine;
        _recorder = recorder;
        _legs = [caller, agent, third];
        for (int i = 0; i < _legs.Length; i++)
        {
            var leg = _legs[i];
            var input = new JitterDecodingSource(leg.CreateCodec(), leg.Audio!.PayloadType);
            var output = new FrameQueue();
            _ids[i] = _mixer.Add(Names[i], input, output);
            // The recorder still takes the caller's packets (its left channel, leg 0 as under the bridge).
            leg.Session.Handler = new MixInput(input, i == CallerLeg ? recorder : null, CallerLeg);
            _ = leg.Play(output);
        }
        if (recorder is not null)
        {
            var centreSide = new FrameQueue();
            _centreSide = _mixer.Add("recording", new SilenceSource(), centreSide);
            recorder.RecordAgentChannelFrom(centreSide);
        }
        SetMode(mode);
        engine.Clock.Add(_mixer);
    }

    public SupervisionMode Mode { get; private set; }

    /// <summary>Switches who hears whom; takes effect on the next 20 ms frame.</summary>
    public void SetMode(SupervisionMode mode)
    {
        Mode = mode;
        // Who hears whom (parties 0 caller, 1 agent, 2 third party): monitor, the pair and a listener;
        // whisper, the third party also prompts the agent; barge, everybody hears everybody.
        _mixer.SetHearing(mode switch
        {
            SupervisionMode.Monitor => HearingMatrix.PairWithListener,
            SupervisionMode.Whisper => HearingMatrix.PairWithPrompter,
            _ => HearingMatrix.Everyone(3),
        }, _ids[CallerLeg], _ids[AgentLeg], _ids[SupervisorLeg]);
        if (_centreSide >= 0)
        {
            // The agent channel records what the centre says to the citizen or the agent hears from the supervisor.
            _mixer.SetHears(_centreSide, _ids[AgentLeg], true);
            _mixer.SetHears(_centreSide, _ids[SupervisorLeg], mode is SupervisionMode.Whisper or SupervisionMode.Barge);
        }
    }

    /// <summary>Stops mixing; the legs are their own handlers again (the caller's takes digits), ready to be bridged.</summary>
    public void Dispose()
    {
        _engine.Clock.Remove(_mixer);
        _recorder?.RecordAgentChannelFrom(null);
        foreach (var leg in _legs)
        {
            leg.StopPlaying();
            leg.Session.Handler = leg;
        }
    }

    /// <summary>A leg's packets into its mixer input (and to the recorder), on the RTP receive thread.</summary>
    private sealed class MixInput(JitterDecodingSource input, IRtpTap? recorder, int recorderLeg) : IRtpPacketHandler
    {
        public void OnRtpPacket(RtpSession session, Span<byte> packet, long arrivalTicks)
        {
            recorder?.OnRtpPacket(recorderLeg, packet);
            input.Push(packet);
        }
    }
}
