using System.Net;
using Telephony.Media.Audio;
using Telephony.Media.Clock;
using Telephony.Media.Mixing;
using Telephony.Media.Ports;
using Telephony.Softphone.Core.Media;

namespace Telephony.Interop.Tests.Media;

/// <summary>
/// A supervised call mixed over real RTP on loopback: caller, agent and supervisor are three RTP
/// endpoints of our own (each sends one steady tone), each negotiated by SDP offer/answer with a
/// server-side leg; the server legs decode through their jitter buffers into one <see cref="AudioMixer"/>
/// and send each participant its own mix. Every endpoint must hear exactly the tones the mode allows.
/// Ports: endpoints 27400-27459, server legs 27460-27519.
/// </summary>
[NonParallelizable]
public sealed class MixOverRtpTests
{
    private const double CallerHz = 500, AgentHz = 1100, SupervisorHz = 1700;
    private const double Amplitude = 6000;

    [TestCase(SupervisionMode.Monitor)]
    [TestCase(SupervisionMode.Whisper)]
    [TestCase(SupervisionMode.Barge)]
    [CancelAfter(20_000)]
    public async Task Each_party_hears_exactly_the_tones_the_mode_allows(SupervisionMode mode)
    {
        var endpointPool = new RtpPortPool(IPAddress.Loopback, 27400, 27459);
        var serverPool = new RtpPortPool(IPAddress.Loopback, 27460, 27519);
        await using var clock = new MediaClock();
        var mixer = new AudioMixer(capacity: 3);
        var legs = new List<CallMedia>();
        try
        {
            var tones = new[] { CallerHz, AgentHz, SupervisorHz };
            var heard = new FrameHandoff[3];
            var ids = new int[3];
            for (int p = 0; p < 3; p++)
            {
                var endpoint = CallMedia.Open(endpointPool, clock, null, out var error) ?? throw new InvalidOperationException(error);
                var server = CallMedia.Open(serverPool, clock, null, out error) ?? throw new InvalidOperationException(error);
                legs.Add(endpoint);
                legs.Add(server);
                var answer = server.TryAnswer(endpoint.CreateOffer(), out error) ?? throw new InvalidOperationException(error);
                Assert.That(endpoint.TryAcceptAnswer(answer, out error), Is.True, error);

                // Server side: what the leg hears is the participant's mixer input; its mixer output is what the leg sends.
                var toMixer = new FrameHandoff();
                var fromMixer = new FrameHandoff();
                ids[p] = mixer.Add(p.ToString(System.Globalization.CultureInfo.InvariantCulture), toMixer, fromMixer);
                server.Start(fromMixer, toMixer);

                heard[p] = new FrameHandoff(keepCopy: true, capacity: 1);
                endpoint.Start(new ToneGenerator([tones[p]], Amplitude), heard[p]);
            }
            MixPolicies.Supervise(mixer, ids[0], ids[1], ids[2], mode);
            clock.Add(mixer);
            clock.Start();
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            clock.Remove(mixer);

            bool[,] allowed = mode switch
            {
                // listener rows: caller, agent, supervisor; talker columns: caller, agent, supervisor
                SupervisionMode.Monitor => new[,] { { false, true, false }, { true, false, false }, { true, true, false } },
                SupervisionMode.Whisper => new[,] { { false, true, false }, { true, false, true }, { true, true, false } },
                _ => new[,] { { false, true, true }, { true, false, true }, { true, true, false } },
            };
            string[] names = ["caller", "agent", "supervisor"];
            for (int listener = 0; listener < 3; listener++)
            {
                var samples = heard[listener].Written;
                Assert.That(samples, Has.Length.GreaterThan(8000), $"{names[listener]} received a second of audio");
                var steady = samples.AsSpan(samples.Length / 2); // past the jitter buffers' start-up
                for (int talker = 0; talker < 3; talker++)
                {
                    double level = AudioMatch.ToneAmplitude(steady, tones[talker]);
                    TestContext.Progress.WriteLine($"{mode}: {names[listener]} hears {names[talker]}'s {tones[talker]} Hz at {level:F0}");
                    if (allowed[listener, talker])
                    {
                        Assert.That(level, Is.GreaterThan(Amplitude * 0.7), $"{mode}: {names[listener]} hears {names[talker]}");
                    }
                    else
                    {
                        Assert.That(level, Is.LessThan(Amplitude * 0.02), $"{mode}: {names[listener]} must not hear {names[talker]}");
                    }
                }
            }
        }
        finally
        {
            clock.Remove(mixer);
            foreach (var leg in legs)
            {
                await leg.DisposeAsync();
            }
        }
    }
}
