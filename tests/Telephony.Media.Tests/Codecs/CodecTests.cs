namespace Telephony.Media.Tests.Codecs;

public class CodecTests
{
    [Test]
    public void Pcmu_known_vectors()
    {
        Span<byte> payload = stackalloc byte[3];
        PcmuCodec.Instance.Encode([0, short.MaxValue, short.MinValue], payload);
        // G.711 µ-law: zero encodes to 0xFF; full-scale positive to 0x80, negative to 0x00.
        Assert.That(payload.ToArray(), Is.EqualTo(new byte[] { 0xFF, 0x80, 0x00 }));
        Span<short> pcm = stackalloc short[3];
        PcmuCodec.Instance.Decode([0xFF, 0x80, 0x00], pcm);
        // µ-law decodes to at most ±32124 (G.711 table, segment 7 step 15).
        Assert.That(pcm.ToArray(), Is.EqualTo(new short[] { 0, 32124, -32124 }));
    }

    [Test]
    public void Pcma_known_vectors()
    {
        Span<byte> payload = stackalloc byte[1];
        PcmaCodec.Instance.Encode([0], payload);
        // A-law: the smallest positive segment, 0x80, with even bits inverted = 0xD5.
        Assert.That(payload[0], Is.EqualTo(0xD5));
        Span<short> pcm = stackalloc short[1];
        PcmaCodec.Instance.Decode([0xD5], pcm);
        Assert.That(Math.Abs(pcm[0]), Is.LessThanOrEqualTo(8));
    }

    [TestCase("PCMU")]
    [TestCase("PCMA")]
    public void G711_round_trip_of_speech_band_tone_keeps_high_snr(string name)
    {
        Assert.That(CodecRegistry.Default.TryCreate(name, 8000, out var codec), Is.True);
        var tone = ToneAnalysis.Tone(8000, 1600, 8000, 1000);
        var payload = new byte[160];
        var decoded = new short[1600];
        for (int f = 0; f < 10; f++)
        {
            Assert.That(codec!.Encode(tone.AsSpan(f * 160, 160), payload), Is.EqualTo(160));
            Assert.That(codec.Decode(payload, decoded.AsSpan(f * 160, 160)), Is.EqualTo(160));
        }
        // G.711 gives about 38 dB SNR for a loud sine; demand a clear margin above 30.
        Assert.That(ToneAnalysis.SnrDb(tone, decoded), Is.GreaterThan(30));
    }

    [Test]
    public void G722_round_trip_of_wideband_tone()
    {
        var codec = new G722AudioCodec();
        Assert.That(codec.RtpClockRate, Is.EqualTo(8000));
        Assert.That(codec.SampleRate, Is.EqualTo(16000));
        var tone = ToneAnalysis.Tone(16000, 16000, 8000, 1000, 5000);
        var payload = new byte[160];
        var decoded = new short[16000];
        for (int f = 0; f < 50; f++)
        {
            Assert.That(codec.Encode(tone.AsSpan(f * 320, 320), payload), Is.EqualTo(160));
            Assert.That(codec.Decode(payload, decoded.AsSpan(f * 320, 320)), Is.EqualTo(320));
        }
        // ADPCM has a small delay; look at the steady state and by frequency content.
        var tail = decoded.AsSpan(8000);
        Assert.That(ToneAnalysis.Amplitude(tail, 1000, 16000), Is.EqualTo(8000).Within(1200));
        Assert.That(ToneAnalysis.Amplitude(tail, 5000, 16000), Is.EqualTo(8000).Within(1600), "5 kHz survives: it is wideband");
        Assert.That(ToneAnalysis.Amplitude(tail, 3000, 16000), Is.LessThan(400));
    }

    [Test]
    public void Registry_finds_codecs_by_name_and_static_payload_type()
    {
        var reg = CodecRegistry.Default;
        Assert.That(reg.TryCreate("pcmu", 8000, out var pcmu) && pcmu.PayloadType == 0, Is.True);
        Assert.That(reg.TryCreate(8, out var pcma) && pcma.EncodingName == "PCMA", Is.True);
        Assert.That(reg.TryCreate("G722", 8000, out var g1) && reg.TryCreate(9, out var g2) && !ReferenceEquals(g1, g2), Is.True,
            "stateful G.722 gets one instance per stream");
        Assert.That(reg.TryCreate("G722", 16000, out _), Is.False, "G.722 rtpmap clock is 8000 (RFC 3551 §4.5.2)");
        Assert.That(reg.TryCreate("opus", 48000, out _), Is.False);
        Assert.That(reg.TryCreate(96, out _), Is.False);
    }

    [Test]
    public void Transcoder_g722_to_pcmu_keeps_telephone_band_and_drops_wideband()
    {
        var t = new Transcoder(new G722AudioCodec(), PcmuCodec.Instance);
        var encoder = new G722AudioCodec();
        var wide = ToneAnalysis.Tone(16000, 16000, 6000, 1000, 6000);
        var g722 = new byte[160];
        var pcmu = new byte[160];
        var narrow = new short[8000];
        for (int f = 0; f < 50; f++)
        {
            encoder.Encode(wide.AsSpan(f * 320, 320), g722);
            Assert.That(t.Transcode(g722, pcmu), Is.EqualTo(160));
            PcmuCodec.Instance.Decode(pcmu, narrow.AsSpan(f * 160, 160));
        }
        var tail = narrow.AsSpan(4000);
        Assert.That(ToneAnalysis.Amplitude(tail, 1000, 8000), Is.EqualTo(6000).Within(1000));
        // 6 kHz would alias to 2 kHz at 8 kHz without the low-pass filter.
        Assert.That(ToneAnalysis.Amplitude(tail, 2000, 8000), Is.LessThan(300));
    }

    [Test]
    public void Transcoder_pcma_to_g722_upsamples()
    {
        var t = new Transcoder(PcmaCodec.Instance, new G722AudioCodec());
        var decoder = new G722AudioCodec();
        var narrow = ToneAnalysis.Tone(8000, 8000, 6000, 800);
        var pcma = new byte[160];
        var g722 = new byte[160];
        var wide = new short[16000];
        for (int f = 0; f < 50; f++)
        {
            PcmaCodec.Instance.Encode(narrow.AsSpan(f * 160, 160), pcma);
            Assert.That(t.Transcode(pcma, g722), Is.EqualTo(160));
            decoder.Decode(g722, wide.AsSpan(f * 320, 320));
        }
        var tail = wide.AsSpan(8000);
        Assert.That(ToneAnalysis.Amplitude(tail, 800, 16000), Is.EqualTo(6000).Within(1000));
        Assert.That(ToneAnalysis.Amplitude(tail, 7200, 16000), Is.LessThan(300), "the image at 8000-800 Hz is filtered");
    }

    [Test]
    public void Codecs_reject_too_small_buffers()
    {
        Assert.That(() => PcmuCodec.Instance.Encode(new short[160], new byte[10]), Throws.ArgumentException);
        Assert.That(() => new G722AudioCodec().Decode(new byte[160], new short[100]), Throws.ArgumentException);
    }
}

public class HotPathAllocationTests
{
    [Test]
    public void Encode_decode_transcode_and_jitter_pop_allocate_nothing_per_frame()
    {
        var pcm8 = new short[160];
        var pcm16 = new short[320];
        var payload = new byte[160];
        var out2 = new byte[160];
        var g722 = new G722AudioCodec();
        var transcoder = new Transcoder(g722, PcmuCodec.Instance);
        var jitter = new Telephony.Media.Jitter.JitterDecodingSource(PcmuCodec.Instance, 0);
        var packet = Jitter.TestRtp.Packet(0, 0, 0, 1, new byte[160]);
        void Once(int i)
        {
            PcmuCodec.Instance.Encode(pcm8, payload);
            PcmaCodec.Instance.Decode(payload, pcm8);
            g722.Encode(pcm16, payload);
            g722.Decode(payload, pcm16);
            transcoder.Transcode(payload, out2);
            packet[3] = (byte)i;
            packet[2] = (byte)(i >> 8);
            jitter.Push(packet);
            jitter.ReadFrame(pcm8);
        }
        for (int i = 0; i < 20; i++)
            Once(i);
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 20; i < 1020; i++)
            Once(i);
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.Zero);
    }
}
