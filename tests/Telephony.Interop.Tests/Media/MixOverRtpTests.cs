using Telephony.Media.Mixing;

namespace Telephony.Interop.Tests.Media;

/// <summary>
/// A three-party call mixed over real RTP on loopback: caller, agent and third party (a supervisor
/// listening in or prompting, or a partner hotline) are three softphone-style <see cref="MediaLeg"/>s
/// (each sends one steady tone), each negotiated by SDP offer/answer with a server-style leg; the
/// server legs decode through their jitter buffers into one <see cref="AudioMixer"/> and send each
/// participant its own mix. Every endpoint must hear exactly the tones the hearing rules allow.
/// Ports 27400-27519, one media engine.
/// </summary>
[NonParallelizable]
public sealed class MixOverRtpTests
{
    private const double CallerHz = 500, AgentHz = 1100, SupervisorHz = 1700;
    private const double Amplitude = 6000;

    [TestCase("pair with listener")]
    [TestCase("pair with prompter")]
    [TestCase("everyone")]
    [CancelAfter(20_000)]
    public async Task Each_party_hears_exactly_the_tones_the_hearing_rules_allow(string mode)
    {
        await using var engine = new MediaEngine(new MediaEngineOptions { PortMin = 27400, PortMax = 27519 });
        var clock = engine.Clock;
        var mixer = new AudioMixer(capacity: 3);
        var legs = new List<MediaLeg>();
        try
        {
            var tones = new[] { CallerHz, AgentHz, SupervisorHz };
            var heard = new FrameHandoff[3];
            var ids = new int[3];
            for (int p = 0; p < 3; p++)
            {
                var endpoint = MediaLeg.Open(engine, MediaLegOptions.Softphone, out var error) ?? throw new InvalidOperationException(error);
                var server = MediaLeg.Open(engine, MediaLegOptions.Server, out error) ?? throw new InvalidOperationException(error);
                legs.Add(endpoint);
                legs.Add(server);
                var answer = server.AnswerOffer(endpoint.CreateOffer());
                Assert.That(answer.Success, Is.True, answer.Error);
                var accepted = endpoint.AcceptAnswer(MediaLeg.Body(answer));
                Assert.That(accepted.Success, Is.True, accepted.Error);

                // Server side: what the leg hears is the participant's mixer input; its mixer output is what the leg sends.
                var toMixer = new FrameHandoff();
                var fromMixer = new FrameHandoff();
                ids[p] = mixer.Add(p.ToString(System.Globalization.CultureInfo.InvariantCulture), toMixer, fromMixer);
                server.HearInto(toMixer);
                _ = server.Play(fromMixer);

                heard[p] = new FrameHandoff(keepCopy: true, capacity: 1);
                endpoint.HearInto(heard[p]);
                _ = endpoint.Play(new ToneGenerator([tones[p]], Amplitude));
            }
            mixer.SetHearing(mode switch
            {
                "pair with listener" => HearingMatrix.PairWithListener,
                "pair with prompter" => HearingMatrix.PairWithPrompter,
                _ => HearingMatrix.Everyone(3),
            }, ids);
            clock.Add(mixer);
            engine.Start();
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            clock.Remove(mixer);

            bool[,] allowed = mode switch
            {
                // listener rows: caller, agent, supervisor; talker columns: caller, agent, supervisor
                "pair with listener" => new[,] { { false, true, false }, { true, false, false }, { true, true, false } },
                "pair with prompter" => new[,] { { false, true, false }, { true, false, true }, { true, true, false } },
                _ => new[,] { { false, true, true }, { true, false, true }, { true, true, false } },
            };
            string[] names = ["caller", "agent", "third party"];
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
