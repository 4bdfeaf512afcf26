namespace Telephony.Media.Tests.Jitter;

public class JitterBufferTests
{
    private const uint Ssrc = 42;

    private static byte[] Pkt(ushort seq, uint ssrc = Ssrc, int pt = 0) =>
        TestRtp.Packet(pt, seq, (uint)(seq * 160), ssrc, TestRtp.Filled((byte)seq));

    /// <summary>Pops until <paramref name="count"/> non-buffering results; returns the first payload byte of frames, -1 for losses.</summary>
    private static List<int> Drain(AdaptiveJitterBuffer jb, int count, int maxTicks = 200)
    {
        var output = new List<int>();
        var payload = new byte[480];
        for (int t = 0; t < maxTicks && output.Count < count; t++)
        {
            var status = jb.Pop(payload, out var p);
            if (status == JitterPopStatus.Frame)
                output.Add(payload[0]);
            else if (status == JitterPopStatus.Lost)
                output.Add(-1);
        }
        return output;
    }

    [Test]
    public void Reorders_by_sequence_and_drops_duplicates()
    {
        var jb = new AdaptiveJitterBuffer(new JitterBufferOptions { MinDepthFrames = 3 });
        foreach (ushort s in new ushort[] { 10, 12, 11, 11, 13, 15, 14, 12 })
            jb.Push(Pkt(s), 0);
        Assert.That(Drain(jb, 6), Is.EqualTo(new[] { 10, 11, 12, 13, 14, 15 }));
        Assert.That(jb.Stats.Duplicates, Is.EqualTo(2));
        Assert.That(jb.Stats.Played, Is.EqualTo(6));
    }

    [Test]
    public void Reordered_start_of_stream_is_not_lost()
    {
        var jb = new AdaptiveJitterBuffer(new JitterBufferOptions { MinDepthFrames = 3 });
        foreach (ushort s in new ushort[] { 502, 500, 501, 503 })
            jb.Push(Pkt(s), 0);
        Assert.That(Drain(jb, 4), Is.EqualTo(new[] { 500 & 0xFF, 501 & 0xFF, 502 & 0xFF, 503 & 0xFF }));
        Assert.That(jb.Push(Pkt(499), 0), Is.False, "after playout began, older packets are late");
    }

    [Test]
    public void Reports_losses_for_concealment()
    {
        var jb = new AdaptiveJitterBuffer(new JitterBufferOptions { MinDepthFrames = 2 });
        foreach (ushort s in new ushort[] { 1, 2, 4, 7 })
            jb.Push(Pkt(s), 0);
        Assert.That(Drain(jb, 7), Is.EqualTo(new[] { 1, 2, -1, 4, -1, -1, 7 }));
        Assert.That(jb.Stats.Lost, Is.EqualTo(3));
    }

    [Test]
    public void Late_packets_after_playout_are_dropped()
    {
        var jb = new AdaptiveJitterBuffer(new JitterBufferOptions { MinDepthFrames = 1 });
        jb.Push(Pkt(1), 0);
        jb.Push(Pkt(3), 0);
        Assert.That(Drain(jb, 3), Is.EqualTo(new[] { 1, -1, 3 }));
        Assert.That(jb.Push(Pkt(2), 60), Is.False);
        Assert.That(jb.Stats.Late, Is.EqualTo(1));
    }

    [Test]
    public void Handles_sequence_wrap()
    {
        var jb = new AdaptiveJitterBuffer(new JitterBufferOptions { MinDepthFrames = 2 });
        foreach (ushort s in new ushort[] { 65534, 0, 65535, 1, 2 })
        {
            uint ts = 0xFFFFFF00u + (uint)(ushort)(s - 65534) * 160; // timestamp wraps too
            jb.Push(TestRtp.Packet(0, s, ts, Ssrc, TestRtp.Filled((byte)s)), (ushort)(s - 65534) * 20);
        }
        // payload byte = low byte of seq: 65534 → 254, 65535 → 255
        Assert.That(Drain(jb, 5), Is.EqualTo(new[] { 254, 255, 0, 1, 2 }));
    }

    [Test]
    public void Ssrc_change_resets_the_stream()
    {
        var jb = new AdaptiveJitterBuffer(new JitterBufferOptions { MinDepthFrames = 1 });
        jb.Push(Pkt(100), 0);
        jb.Push(Pkt(101), 0);
        Assert.That(Drain(jb, 1), Is.EqualTo(new[] { 100 }));
        jb.Push(Pkt(5, ssrc: 99), 20);
        jb.Push(Pkt(6, ssrc: 99), 40);
        Assert.That(Drain(jb, 2), Is.EqualTo(new[] { 5, 6 }));
        Assert.That(jb.Stats.SsrcChanges, Is.EqualTo(1));
    }

    [Test]
    public void Memory_is_bounded_and_far_jumps_resync()
    {
        var opts = new JitterBufferOptions { Capacity = 16, MaxDepthFrames = 8, MaxPayloadBytes = 160 };
        var jb = new AdaptiveJitterBuffer(opts);
        for (ushort s = 0; s < 1000; s++)
            jb.Push(Pkt(s), 0);
        Assert.That(jb.BufferedPackets, Is.LessThanOrEqualTo(16));
        Assert.That(jb.Stats.Resyncs, Is.GreaterThan(0));
        Assert.That(jb.Push(TestRtp.Packet(0, 2000, 0, Ssrc, new byte[161]), 0), Is.False, "oversized payload refused");
        Assert.That(jb.Stats.Oversized, Is.EqualTo(1));
    }

    [Test]
    public void Target_depth_adapts_to_measured_jitter_within_bounds()
    {
        var opts = new JitterBufferOptions { MinDepthFrames = 1, MaxDepthFrames = 6 };
        var steady = new AdaptiveJitterBuffer(opts);
        for (ushort s = 0; s < 200; s++)
            steady.Push(Pkt(s), s * 20);
        Assert.That(steady.JitterMilliseconds, Is.LessThan(1));
        Assert.That(steady.TargetDepthFrames, Is.EqualTo(1));

        var jittery = new AdaptiveJitterBuffer(opts);
        var rng = new Random(3);
        for (ushort s = 0; s < 200; s++)
            jittery.Push(Pkt(s), s * 20 + rng.Next(0, 60)); // up to 60 ms of random delay
        Assert.That(jittery.JitterMilliseconds, Is.GreaterThan(10));
        Assert.That(jittery.TargetDepthFrames, Is.InRange(2, 6));

        var wild = new AdaptiveJitterBuffer(opts);
        for (ushort s = 0; s < 200; s++)
            wild.Push(Pkt(s), s * 20 + (s % 2) * 1000);
        Assert.That(wild.TargetDepthFrames, Is.EqualTo(6), "clamped at MaxDepthFrames");

        // One 10 s outage (arrivals stall, timestamps do not jump) must not pin the target at its maximum.
        var paused = new AdaptiveJitterBuffer(opts);
        for (ushort s = 0; s < 100; s++)
            paused.Push(Pkt(s), s * 20 + (s >= 50 ? 10_000 : 0));
        Assert.That(paused.TargetDepthFrames, Is.LessThanOrEqualTo(2));
    }

    /// <summary>
    /// Real-time simulation: packets sent every 20 ms; the first 1500 cross a network adding
    /// 5-85 ms of random delay (arriving out of order too), the next 1500 a calm one (5-7 ms).
    /// The clock pops one frame every 20 ms. Returns underruns per phase and the mean playout
    /// depth (latency in frames) over the last 500 ticks.
    /// </summary>
    private static (long JitteryUnderruns, double CalmDepth, long Played) Simulate(JitterBufferOptions options)
    {
        var jb = new AdaptiveJitterBuffer(options);
        var rng = new Random(7);
        const int count = 3000;
        var arrivals = Enumerable.Range(0, count)
            .Select(s => (Seq: s, At: s * 20 + (s < count / 2 ? 5 + rng.Next(0, 81) : 5 + rng.Next(0, 3))))
            .OrderBy(a => a.At).ToList();
        var payload = new byte[480];
        int next = 0;
        long jitteryUnderruns = 0;
        double depthSum = 0;
        int depthSamples = 0;
        for (long t = 0; t < count * 20; t += 20)
        {
            while (next < arrivals.Count && arrivals[next].At <= t)
            {
                jb.Push(Pkt((ushort)arrivals[next].Seq), arrivals[next].At);
                next++;
            }
            if (t == count / 2 * 20)
                jitteryUnderruns = jb.Stats.Underruns;
            if (t >= (count - 500) * 20)
            {
                depthSum += jb.DepthFrames;
                depthSamples++;
            }
            jb.Pop(payload, out _);
        }
        return (jitteryUnderruns, depthSum / depthSamples, jb.Stats.Played);
    }

    [Test]
    public void Adaptive_depth_grows_under_jitter_and_shrinks_when_the_network_calms()
    {
        var adaptive = Simulate(new JitterBufferOptions { MinDepthFrames = 1, MaxDepthFrames = 10, ShrinkAfterTicks = 25 });
        var shallow = Simulate(new JitterBufferOptions { MinDepthFrames = 1, MaxDepthFrames = 1, ShrinkAfterTicks = 25 });
        var deep = Simulate(new JitterBufferOptions { MinDepthFrames = 8, MaxDepthFrames = 8, ShrinkAfterTicks = 25 });
        TestContext.Out.WriteLine($"adaptive {adaptive}, shallow {shallow}, deep {deep}");
        Assert.That(adaptive.JitteryUnderruns, Is.LessThan(shallow.JitteryUnderruns), "fewer glitches than a fixed shallow buffer under jitter");
        Assert.That(adaptive.CalmDepth, Is.LessThan(deep.CalmDepth), "less latency than a fixed deep buffer once calm");
        Assert.That(adaptive.CalmDepth, Is.LessThanOrEqualTo(3.5));
        Assert.That(adaptive.Played, Is.GreaterThan(2950), "almost every packet played");
    }

    [Test]
    public void Underrun_rebuffers_and_excess_depth_is_shed()
    {
        var jb = new AdaptiveJitterBuffer(new JitterBufferOptions { MinDepthFrames = 1, MaxDepthFrames = 2, ShrinkAfterTicks = 3 });
        var payload = new byte[480];
        jb.Push(Pkt(0), 0);
        Assert.That(jb.Pop(payload, out _), Is.EqualTo(JitterPopStatus.Frame));
        Assert.That(jb.Pop(payload, out _), Is.EqualTo(JitterPopStatus.Buffering), "nothing came: underrun");
        Assert.That(jb.Stats.Underruns, Is.EqualTo(1));
        // A burst of 10 arrives at once: the depth stays above the target (≤ 2), so frames are shed.
        for (ushort s = 1; s <= 10; s++)
            jb.Push(Pkt(s), 40);
        var played = Drain(jb, 20, maxTicks: 20);
        Assert.That(jb.Stats.DroppedForLatency, Is.GreaterThan(0));
        Assert.That(played, Is.Ordered);
    }

    [Test]
    public void Decoding_source_conceals_and_resamples()
    {
        var time = new ManualTime();
        var src = new JitterDecodingSource(PcmuCodec.Instance, 0, 8000,
            new JitterBufferOptions { MinDepthFrames = 1 }, time);
        var loud = new byte[160];
        PcmuCodec.Instance.Encode(Enumerable.Repeat((short)8000, 160).ToArray(), loud);
        src.Push(TestRtp.Packet(0, 1, 160, Ssrc, loud));
        src.Push(TestRtp.Packet(0, 4, 640, Ssrc, loud));
        src.Push(TestRtp.Packet(101, 5, 800, Ssrc, [1, 0, 0, 160])); // telephone-event in the same stream
        var frame = new short[160];
        Assert.That(src.ReadFrame(frame) && frame[0] > 7000, Is.True, "frame 1");
        src.ReadFrame(frame);
        Assert.That(frame[0], Is.InRange(3500, 4500), "first loss: last frame at half level");
        src.ReadFrame(frame);
        Assert.That(frame.All(s => s == 0), Is.True, "second loss: silence");
        src.ReadFrame(frame);
        Assert.That(frame[0], Is.GreaterThan(7000), "frame 4");
        src.ReadFrame(frame);
        Assert.That(frame.All(s => s == 0), Is.True, "telephone-event plays as silence");

        var wide = new JitterDecodingSource(new G722AudioCodec(), 9, 8000, null, time);
        Assert.That(wide.SampleRate, Is.EqualTo(8000));
        Assert.That(() => new JitterDecodingSource(PcmuCodec.Instance, 0, 44100), Throws.TypeOf<NotSupportedException>());
    }
}

/// <summary>A clock the test moves by hand (the test project keeps its package set small).</summary>
internal sealed class ManualTime : TimeProvider
{
    public long Ticks { get; set; }
    public override long TimestampFrequency => TimeSpan.TicksPerSecond;
    public override long GetTimestamp() => Ticks;
    public void Advance(TimeSpan by) => Ticks += by.Ticks;
}
