using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using Telephony.Media;
using Telephony.Media.Audio;
using Telephony.Media.Codecs;
using Telephony.Media.Mixing;

namespace Telephony.Benchmarks;

/// <summary>Per-20 ms-frame cost of the codecs (160 samples at 8 kHz, 320 at 16 kHz for G.722).</summary>
[MemoryDiagnoser]
[MedianColumn]
public class AudioCodecBenchmarks
{
    private readonly short[] _pcm8 = new short[160];
    private readonly short[] _pcm16 = new short[320];
    private readonly byte[] _payload = new byte[160];
    private readonly byte[] _out = new byte[160];
    private readonly G722AudioCodec _g722 = new();
    private Transcoder _g722ToPcmu = null!;

    [GlobalSetup]
    public void Setup()
    {
        Tones.Continuous(1000, 8000).ReadFrame(_pcm8);
        Tones.Continuous(1000, 8000, 16000).ReadFrame(_pcm16);
        _g722ToPcmu = new Transcoder(new G722AudioCodec(), PcmuCodec.Instance);
        _g722.Encode(_pcm16, _payload);
    }

    [Benchmark] public int PcmuEncode() => PcmuCodec.Instance.Encode(_pcm8, _out);
    [Benchmark] public int PcmuDecode() => PcmuCodec.Instance.Decode(_payload, _pcm8);
    [Benchmark] public int PcmaEncode() => PcmaCodec.Instance.Encode(_pcm8, _out);
    [Benchmark] public int PcmaDecode() => PcmaCodec.Instance.Decode(_payload, _pcm8);
    [Benchmark] public int G722Encode() => _g722.Encode(_pcm16, _out);
    [Benchmark] public int G722Decode() => _g722.Decode(_payload, _pcm16);
    [Benchmark] public int G722ToPcmuTranscode() => _g722ToPcmu.Transcode(_payload, _out);
}

/// <summary>One media tick of the mixer: 3 parties (supervisor whisper) and a 6-party conference.</summary>
[MemoryDiagnoser]
[MedianColumn]
public class AudioMixerBenchmarks
{
    private sealed class Steady(short value) : IAudioSource
    {
        public int SampleRate => 8000;
        public bool ReadFrame(Span<short> frame)
        {
            frame.Fill(value);
            return true;
        }
    }

    private sealed class Discard : IAudioSink
    {
        public void WriteFrame(ReadOnlySpan<short> frame)
        {
        }
    }

    private readonly AudioMixer _whisper = new();
    private readonly AudioMixer _conference = new();

    [GlobalSetup]
    public void Setup()
    {
        var sink = new Discard();
        int c = _whisper.Add("caller", new Steady(1000), sink);
        int a = _whisper.Add("agent", new Steady(2000), sink);
        int s = _whisper.Add("supervisor", new Steady(3000), sink);
        _whisper.SetHearing(HearingMatrix.PairWithPrompter, c, a, s);
        var ids = Enumerable.Range(0, 6).Select(i => _conference.Add($"p{i}", new Steady((short)(i * 1000)), sink)).ToArray();
        MixPolicies.Conference(_conference, ids);
    }

    [Benchmark] public void WhisperThreePartyTick() => _whisper.Mix();
    [Benchmark] public void ConferenceSixPartyTick() => _conference.Mix();
}
