using Telephony.Media;
using Telephony.Media.Jitter;
using Telephony.Media.Mixing;
using Telephony.Media.Recording;
using Telephony.Media.Rtp;

namespace Telephony.Server.Calls;

/// <summary>
/// The media of a connected call while a supervisor is on it. Instead of relaying RTP between
/// caller and agent (the <see cref="Telephony.Media.Bridge.RtpBridge"/>), each of the three legs
/// is decoded through its own jitter buffer into one <see cref="AudioMixer"/> on the media clock,
/// and each leg is sent its own mix as <see cref="MixPolicies.Supervise"/> allows for the mode:
/// monitor (the supervisor only listens), whisper (the agent hears the supervisor, the citizen
/// does not), barge (everybody hears everybody). The recorder keeps getting the caller's and the
/// agent's packets, so the recording goes on unchanged (the supervisor is not in it).
/// </summary>
internal sealed class SupervisedMix : IDisposable
{
    private static readonly string[] Names = ["caller", "agent", "supervisor"];

    private readonly MediaEngine _engine;
    private readonly AudioMixer _mixer = new(capacity: 3);
    private readonly MediaLeg[] _legs;
    private readonly int[] _ids = new int[3];

    public SupervisedMix(MediaEngine engine, MediaLeg caller, MediaLeg agent, MediaLeg supervisor, IRtpTap? recorder, SupervisionMode mode)
    {
        _engine = engine;
        _legs = [caller, agent, supervisor];
        for (int i = 0; i < _legs.Length; i++)
        {
            var leg = _legs[i];
            var input = new JitterDecodingSource(leg.CreateCodec(), leg.Audio!.PayloadType);
            var output = new FrameQueue();
            _ids[i] = _mixer.Add(Names[i], input, output);
            // Legs 0 and 1 are the recorder's caller and agent channels, as under the bridge.
            leg.Session.Handler = new MixInput(input, i < 2 ? recorder : null, i);
            _ = leg.Play(output);
        }
        SetMode(mode);
        engine.Clock.Add(_mixer);
    }

    public SupervisionMode Mode { get; private set; }

    /// <summary>Switches who hears whom; takes effect on the next 20 ms frame.</summary>
    public void SetMode(SupervisionMode mode)
    {
        Mode = mode;
        MixPolicies.Supervise(_mixer, _ids[0], _ids[1], _ids[2], mode);
    }

    /// <summary>Stops mixing; the legs are their own handlers again (the caller's takes digits), ready to be bridged.</summary>
    public void Dispose()
    {
        _engine.Clock.Remove(_mixer);
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
