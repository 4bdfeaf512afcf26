using Telephony.Media.Mixing;

namespace Telephony.Media.Tests.Mixing;

public class MixerTests
{
    /// <summary>Collects what a participant hears.</summary>
    private sealed class Capture : IAudioSink
    {
        public List<short> Samples { get; } = [];
        public void WriteFrame(ReadOnlySpan<short> frame) => Samples.AddRange(frame.ToArray());
    }

    private sealed class Constant(short value) : IAudioSource
    {
        public int SampleRate => 8000;
        public bool ReadFrame(Span<short> frame)
        {
            frame.Fill(value);
            return true;
        }
    }

    [Test]
    public void Sums_what_each_hears_minus_itself_with_saturation()
    {
        var mixer = new AudioMixer();
        var outs = new[] { new Capture(), new Capture(), new Capture() };
        int a = mixer.Add("a", new Constant(20000), outs[0]);
        int b = mixer.Add("b", new Constant(15000), outs[1]);
        int c = mixer.Add("c", new Constant(-30000), outs[2]);
        MixPolicies.Conference(mixer, a, b, c);
        mixer.Mix();
        Assert.That(outs[0].Samples[0], Is.EqualTo(-15000), "b + c");
        Assert.That(outs[1].Samples[0], Is.EqualTo(-10000), "a + c");
        Assert.That(outs[2].Samples[0], Is.EqualTo(32767), "a + b = 35000 clips instead of wrapping");
        mixer.SetHears(c, b, false);
        mixer.SetHears(b, c, false);
        mixer.SetHears(b, a, false);
        mixer.Mix();
        Assert.That(outs[2].Samples[160], Is.EqualTo(20000), "c hears only a");
        Assert.That(outs[1].Samples[160], Is.Zero, "b hears nobody");
        Assert.That(AudioMixer.Saturate(-40000), Is.EqualTo(short.MinValue));
        Assert.That(mixer.Hears(a, a), Is.False);
    }

    [Test]
    public void Removing_a_participant_takes_it_out_of_every_mix()
    {
        var mixer = new AudioMixer();
        var outA = new Capture();
        int a = mixer.Add("a", new Constant(1), outA);
        int b = mixer.Add("b", new Constant(10), null);
        int c = mixer.Add("c", new Constant(100), null);
        MixPolicies.Conference(mixer, a, b, c);
        mixer.Remove(b);
        mixer.Mix();
        Assert.That(outA.Samples[0], Is.EqualTo(100));
        Assert.That(mixer.Count, Is.EqualTo(2));
        Assert.That(() => mixer.SetHears(a, b, true), Throws.InstanceOf<ArgumentOutOfRangeException>());
        int d = mixer.Add("d", new Constant(1000), null);
        Assert.That(d, Is.EqualTo(b), "slot reused");
        Assert.That(mixer.Hears(a, d), Is.False, "a newcomer is not heard until allowed");
    }

    private const double CallerHz = 500, AgentHz = 1100, ThirdHz = 1700, Amp = 5000;

    /// <summary>Runs one second of a three-party mix and returns what each party heard.</summary>
    private static (short[] Caller, short[] Agent, short[] Third) RunThreeParty(Action<AudioMixer, int, int, int> policy)
    {
        var mixer = new AudioMixer();
        var caps = new[] { new Capture(), new Capture(), new Capture() };
        // Inputs arrive through frame queues fed by "legs", as from the jitter buffers.
        var queues = new[] { new FrameQueue(), new FrameQueue(), new FrameQueue() };
        var tones = new[] { Tones.Continuous(CallerHz, Amp), Tones.Continuous(AgentHz, Amp), Tones.Continuous(ThirdHz, Amp) };
        int caller = mixer.Add("caller", queues[0], caps[0]);
        int agent = mixer.Add("agent", queues[1], caps[1]);
        int third = mixer.Add("third", queues[2], caps[2]);
        policy(mixer, caller, agent, third);
        var frame = new short[160];
        for (long t = 0; t < 50; t++)
        {
            for (int i = 0; i < 3; i++)
            {
                tones[i].ReadFrame(frame);
                queues[i].WriteFrame(frame);
            }
            mixer.OnTick(t);
        }
        return ([.. caps[0].Samples], [.. caps[1].Samples], [.. caps[2].Samples]);
    }

    private static void AssertHearsExactly(short[] heard, string who, params double[] expected)
    {
        Assert.That(heard, Has.Length.EqualTo(8000), who);
        Assert.That(ToneAnalysis.Rms(heard), Is.GreaterThan(Amp / 3), $"{who} hears silence");
        foreach (double f in new[] { CallerHz, AgentHz, ThirdHz })
        {
            double a = ToneAnalysis.Amplitude(heard, f, 8000);
            if (expected.Contains(f))
                Assert.That(a, Is.EqualTo(Amp).Within(Amp * 0.05), $"{who} should hear {f} Hz");
            else
                Assert.That(a, Is.LessThan(Amp * 0.01), $"{who} must not hear {f} Hz");
        }
    }

    [Test]
    public void Pair_with_listener_the_listener_hears_both_nobody_hears_it()
    {
        var (caller, agent, sup) = RunThreeParty((m, c, a, s) => m.SetHearing(HearingMatrix.PairWithListener, c, a, s));
        AssertHearsExactly(caller, "caller", AgentHz);
        AssertHearsExactly(agent, "agent", CallerHz);
        AssertHearsExactly(sup, "supervisor", CallerHz, AgentHz);
    }

    [Test]
    public void Pair_with_prompter_only_the_second_of_the_pair_hears_the_third()
    {
        var (caller, agent, sup) = RunThreeParty((m, c, a, s) => m.SetHearing(HearingMatrix.PairWithPrompter, c, a, s));
        AssertHearsExactly(caller, "caller", AgentHz);
        AssertHearsExactly(agent, "agent", CallerHz, ThirdHz);
        AssertHearsExactly(sup, "supervisor", CallerHz, AgentHz);
    }

    [Test]
    public void Everyone_of_three_hears_all()
    {
        var (caller, agent, sup) = RunThreeParty((m, c, a, s) => m.SetHearing(HearingMatrix.Everyone(3), c, a, s));
        AssertHearsExactly(caller, "caller", AgentHz, ThirdHz);
        AssertHearsExactly(agent, "agent", CallerHz, ThirdHz);
        AssertHearsExactly(sup, "supervisor", CallerHz, AgentHz);
    }

    [Test]
    public void Three_party_call_with_partner_hotline_is_a_conference()
    {
        var (caller, agent, partner) = RunThreeParty((m, c, a, p) => MixPolicies.Conference(m, c, a, p));
        AssertHearsExactly(caller, "caller", AgentHz, ThirdHz);
        AssertHearsExactly(agent, "agent", CallerHz, ThirdHz);
        AssertHearsExactly(partner, "partner", CallerHz, AgentHz);
    }

    [Test]
    public void Mixing_allocates_nothing_per_tick()
    {
        var mixer = new AudioMixer();
        var sink = new NullSink();
        int a = mixer.Add("a", Tones.Continuous(500), sink);
        int b = mixer.Add("b", Tones.Continuous(700), sink);
        int c = mixer.Add("c", Tones.Continuous(900), sink);
        mixer.SetHearing(HearingMatrix.PairWithPrompter, a, b, c);
        for (int i = 0; i < 10; i++)
            mixer.Mix();
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
            mixer.Mix();
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }

    [Test]
    public void Hearing_matrix_rules_are_copies_and_apply_every_pair()
    {
        var listener = HearingMatrix.PairWithListener;
        var prompter = listener.With(1, 2);
        Assert.That((listener.Hears(1, 2), prompter.Hears(1, 2), prompter.Hears(2, 2)), Is.EqualTo((false, true, false)));
        Assert.That(prompter.Without(1, 2).Hears(1, 2), Is.False);
        Assert.That(() => listener.Hears(3, 0), Throws.InstanceOf<ArgumentOutOfRangeException>());

        var mixer = new AudioMixer();
        int a = mixer.Add("a", new Constant(1), null);
        int b = mixer.Add("b", new Constant(2), null);
        int c = mixer.Add("c", new Constant(3), null);
        mixer.SetHearing(HearingMatrix.Everyone(3), a, b, c);
        mixer.SetHearing(HearingMatrix.PairWithListener, a, b, c);
        Assert.That((mixer.Hears(a, c), mixer.Hears(b, c), mixer.Hears(c, a)), Is.EqualTo((false, false, true)), "switching clears what the new rules do not allow");
        Assert.That(() => mixer.SetHearing(HearingMatrix.Everyone(2), a, b, c), Throws.ArgumentException);
    }

    private sealed class NullSink : IAudioSink
    {
        public void WriteFrame(ReadOnlySpan<short> frame)
        {
        }
    }
}
