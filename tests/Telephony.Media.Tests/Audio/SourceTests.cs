namespace Telephony.Media.Tests.Audio;

public class SourceTests : TempDirectoryTests
{
    private string WriteWav(string relative, short[] samples, WaveFormat? format = null)
    {
        string path = Path.Combine(TempDir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var w = new WaveFileWriter(path, format ?? new WaveFormat(8000, 16, 1));
        var bytes = new byte[samples.Length * 2];
        Buffer.BlockCopy(samples, 0, bytes, 0, bytes.Length);
        w.Write(bytes, 0, bytes.Length);
        return path;
    }

    private static short[] ReadAll(IAudioSource src, int maxFrames = 10_000)
    {
        var all = new List<short>();
        var frame = new short[src.SampleRate / 50];
        for (int i = 0; i < maxFrames && src.ReadFrame(frame); i++)
            all.AddRange(frame);
        return [.. all];
    }

    private static short[] Constant(short value, int count) => Enumerable.Repeat(value, count).ToArray();

    [Test]
    public void Prompt_cache_decodes_once_and_shares()
    {
        string path = WriteWav("a.wav", ToneAnalysis.Tone(8000, 4000, 5000, 1000));
        var cache = new PromptCache();
        var p1 = cache.Get(path);
        var p2 = cache.Get(Path.Combine(TempDir, ".", "a.wav"));
        Assert.That(p2, Is.SameAs(p1));
        Assert.That(cache.Count, Is.EqualTo(1));
        Assert.That(p1.Duration, Is.EqualTo(TimeSpan.FromMilliseconds(500)));
        var played = ReadAll(new PromptPlayer(p1));
        Assert.That(played, Has.Length.EqualTo(4000));
        Assert.That(ToneAnalysis.Amplitude(played, 1000, 8000), Is.EqualTo(5000).Within(100));
    }

    [Test]
    public void Prompt_cache_rejects_wrong_formats_clearly()
    {
        var cache = new PromptCache();
        string stereo = WriteWav("stereo.wav", new short[320], new WaveFormat(8000, 16, 2));
        string wide = WriteWav("wide.wav", new short[320], new WaveFormat(16000, 16, 1));
        string junk = Path.Combine(TempDir, "junk.wav");
        File.WriteAllText(junk, "this is not a wav file at all");
        Assert.That(() => cache.Get(stereo), Throws.TypeOf<InvalidDataException>().With.Message.Contains("2 channel"));
        Assert.That(() => cache.Get(wide), Throws.TypeOf<InvalidDataException>().With.Message.Contains("16000 Hz"));
        Assert.That(() => cache.Get(junk), Throws.TypeOf<InvalidDataException>());
        Assert.That(() => cache.Get(Path.Combine(TempDir, "missing.wav")), Throws.TypeOf<FileNotFoundException>());
        Assert.That(cache.Count, Is.Zero, "failures are not cached");
    }

    [Test]
    public void Prompt_sequence_plays_words_in_order_across_frame_boundaries()
    {
        var a = new Prompt("a", Constant(100, 250));
        var b = new Prompt("b", Constant(200, 100));
        var c = new Prompt("c", Constant(300, 10));
        var player = new PromptPlayer(a, b, c);
        var played = ReadAll(player);
        Assert.That(played, Has.Length.EqualTo(480), "360 samples rounded up to 3 frames");
        Assert.That(played.Take(250).All(s => s == 100) && played.Skip(250).Take(100).All(s => s == 200)
            && played.Skip(350).Take(10).All(s => s == 300) && played.Skip(360).All(s => s == 0), Is.True);
        Assert.That(player.ReadFrame(new short[160]), Is.False);
    }

    [Test]
    public void Chinese_ringback_is_450_hz_one_second_on_four_off()
    {
        var pcm = ReadAll(Tones.ChineseRingback(), maxFrames: 500); // 10 s
        Assert.That(ToneAnalysis.Amplitude(pcm.AsSpan(1000, 6000), 450, 8000), Is.EqualTo(6000).Within(150));
        Assert.That(ToneAnalysis.Amplitude(pcm.AsSpan(1000, 6000), 425, 8000), Is.LessThan(3000));
        Assert.That(ToneAnalysis.Rms(pcm.AsSpan(8000, 32000)), Is.Zero, "1 s - 5 s off");
        Assert.That(ToneAnalysis.Rms(pcm.AsSpan(40000, 8000)), Is.GreaterThan(4000), "on again at 5 s");
    }

    [Test]
    public void Chinese_busy_is_450_hz_350_ms_cadence()
    {
        var pcm = ReadAll(Tones.ChineseBusy(), maxFrames: 100);
        Assert.That(ToneAnalysis.Rms(pcm.AsSpan(0, 2800)), Is.GreaterThan(4000));
        Assert.That(ToneAnalysis.Rms(pcm.AsSpan(2800, 2800)), Is.Zero);
        Assert.That(ToneAnalysis.Rms(pcm.AsSpan(5600, 2800)), Is.GreaterThan(4000));
        Assert.That(ToneAnalysis.Amplitude(pcm.AsSpan(0, 2800), 450, 8000), Is.EqualTo(6000).Within(200));
    }

    [TestCase(8000, 1234.0)]
    [TestCase(16000, 6100.0)]
    public void Continuous_tone_has_the_requested_frequency_and_is_phase_continuous(int rate, double freq)
    {
        var pcm = ReadAll(Tones.Continuous(freq, 8000, rate), maxFrames: 25);
        Assert.That(ToneAnalysis.Amplitude(pcm, freq, rate), Is.EqualTo(8000).Within(100));
        Assert.That(ToneAnalysis.Amplitude(pcm, freq + 200, rate), Is.LessThan(100));
        // No clicks at frame boundaries: the step between samples never exceeds the sine's maximum slope.
        double maxStep = 8000 * 2 * Math.PI * freq / rate + 2;
        for (int i = 1; i < pcm.Length; i++)
            Assert.That(Math.Abs(pcm[i] - pcm[i - 1]), Is.LessThanOrEqualTo(maxStep));
    }

    [Test]
    public void Music_on_hold_loops_and_silence_is_silent()
    {
        var moh = new LoopingPlayer(new Prompt("moh", [.. Enumerable.Range(1, 100).Select(i => (short)i)]));
        var frame = new short[160];
        Assert.That(moh.ReadFrame(frame), Is.True);
        Assert.That(frame[99], Is.EqualTo(100));
        Assert.That(frame[100], Is.EqualTo(1), "wrapped to the start");
        for (int i = 0; i < 1000; i++)
            Assert.That(moh.ReadFrame(frame), Is.True);

        var silence = new SilenceSource(frames: 2);
        Array.Fill(frame, (short)5);
        Assert.That(silence.ReadFrame(frame) && frame.All(s => s == 0), Is.True);
        Assert.That(silence.ReadFrame(frame), Is.True);
        Assert.That(silence.ReadFrame(frame), Is.False);
    }
}
