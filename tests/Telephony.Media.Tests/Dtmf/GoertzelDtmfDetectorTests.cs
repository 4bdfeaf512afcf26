namespace Telephony.Media.Tests.Dtmf;

public class GoertzelDtmfDetectorTests
{
    private static short[] AddNoise(short[] pcm, double amplitude, int seed = 1)
    {
        var rng = new Random(seed);
        return [.. pcm.Select(s => (short)Math.Clamp(s + (rng.NextDouble() * 2 - 1) * amplitude, short.MinValue, short.MaxValue))];
    }

    [Test]
    public void All_sixteen_digits_detected_once_each()
    {
        var audio = new List<short>();
        foreach (char d in "123A456B789C*0#D")
        {
            audio.AddRange(Key(d, 80));
            audio.AddRange(Silence(60));
        }
        Assert.That(new string([.. Detect(audio)]), Is.EqualTo("123A456B789C*0#D"));
    }

    [Test]
    public void Long_tone_across_many_frames_counts_once_and_repeats_need_a_pause()
    {
        var audio = Key('5', 1000).Concat(Silence(60)).Concat(Key('5', 100)).Concat(Silence(40));
        Assert.That(Detect(audio), Is.EqualTo(new[] { '5', '5' }));
    }

    [Test]
    public void Digits_survive_moderate_noise()
    {
        var audio = new List<short>();
        foreach (char d in "90210")
        {
            audio.AddRange(Key(d, 70));
            audio.AddRange(Silence(50));
        }
        // Uniform noise of ±1500 against tones of 6000: about 18 dB SNR per tone.
        Assert.That(new string([.. Detect(AddNoise([.. audio], 1500))]), Is.EqualTo("90210"));
    }

    [Test]
    public void Too_short_tone_is_ignored()
    {
        Assert.That(Detect(Silence(40).Concat(Key('8', 30)).Concat(Silence(100))), Is.Empty);
    }

    [Test]
    public void Excessive_twist_is_rejected_and_allowed_twist_is_accepted()
    {
        Assert.That(Detect(Key('6', 100, lowAmp: 6000, highAmp: 3000).Concat(Silence(60))), Is.EqualTo(new[] { '6' }), "6 dB normal twist");
        Assert.That(Detect(Key('6', 100, lowAmp: 6000, highAmp: 1000).Concat(Silence(60))), Is.Empty, "15.6 dB normal twist");
        Assert.That(Detect(Key('6', 100, lowAmp: 1500, highAmp: 6000).Concat(Silence(60))), Is.Empty, "12 dB reverse twist");
    }

    [Test]
    public void Low_level_tone_is_ignored()
    {
        Assert.That(Detect(Key('1', 200, 80, 80)), Is.Empty);
    }

    [Test]
    public void Talk_off_speech_like_signals_do_not_trigger()
    {
        Assert.That(Detect(Voiced(8000)), Is.Empty, "voiced speech");
        Assert.That(Detect(AddNoise(new short[8000], 8000)), Is.Empty, "white noise");
        Assert.That(Detect(ToneAnalysis.Tone(8000, 8000, 8000, 770)), Is.Empty, "one row tone alone");
        // A digit's two tones buried under loud other tones (music): energy share too small.
        var music = Key('2', 500).Zip(ToneAnalysis.Tone(8000, 4000, 9000, 440, 2200), (a, b) => (short)Math.Clamp(a + b, short.MinValue, short.MaxValue));
        Assert.That(Detect(music), Is.Empty, "DTMF-like content under loud music");
    }
}

public class InBandDtmfThroughTheDecodePathTests
{
    [Test]
    public void Tones_sent_as_pcmu_rtp_are_detected_after_jitter_buffer_and_decode()
    {
        // A trunk that sends DTMF in the audio: key tones encoded as PCMU RTP, arriving reordered.
        var pcm = new List<short>();
        foreach (char d in "5#9")
        {
            var (lo, hi) = d switch { '5' => (770.0, 1336.0), '#' => (941.0, 1477.0), _ => (852.0, 1477.0) };
            pcm.AddRange(Telephony.Media.Tests.Audio.ToneAnalysis.Tone(8000, 8 * 80, 5000, lo, hi));
            pcm.AddRange(new short[8 * 60]);
        }
        var packets = new List<byte[]>();
        var payload = new byte[160];
        for (int f = 0; f * 160 + 160 <= pcm.Count; f++)
        {
            Telephony.Media.Codecs.PcmuCodec.Instance.Encode(pcm.Skip(f * 160).Take(160).ToArray(), payload);
            packets.Add(Telephony.Media.Tests.Jitter.TestRtp.Packet(0, (ushort)(60000 + f), (uint)(f * 160), 77, payload));
        }
        for (int i = 0; i + 1 < packets.Count; i += 4)
            (packets[i], packets[i + 1]) = (packets[i + 1], packets[i]); // pairwise reordering

        var digits = new List<char>();
        var leg = new Telephony.Media.Jitter.JitterDecodingSource(Telephony.Media.Codecs.PcmuCodec.Instance, 0,
            options: new Telephony.Media.Jitter.JitterBufferOptions { MinDepthFrames = 3 });
        var detector = new GoertzelDtmfDetector(e => digits.Add(e.Digit));
        var frame = new short[160];
        foreach (var p in packets)
        {
            leg.Push(p);
            leg.ReadFrame(frame);
            detector.WriteFrame(frame);
        }
        for (int i = 0; i < 10; i++)
        {
            leg.ReadFrame(frame);
            detector.WriteFrame(frame);
        }
        Assert.That(new string([.. digits]), Is.EqualTo("5#9"));
        Assert.That(leg.Stats.Lost, Is.Zero, "reordering absorbed by the jitter buffer");
    }
}
