using NAudio.Codecs;
using Telephony.Media.Codecs;

namespace Telephony.Media.Tests.Codecs;

/// <summary>The G.711 tables give exactly the laws' codes for every 16-bit sample and every byte.</summary>
public sealed class G711TableTests
{
    [Test]
    public void Every_sample_encodes_and_every_byte_decodes_as_the_law_says()
    {
        var pcm = new short[65536];
        for (int i = 0; i < pcm.Length; i++) pcm[i] = (short)(i - 32768);
        var mu = new byte[pcm.Length];
        var a = new byte[pcm.Length];
        PcmuCodec.Instance.Encode(pcm, mu);
        PcmaCodec.Instance.Encode(pcm, a);
        for (int i = 0; i < pcm.Length; i++)
        {
            // -32768 is encoded as -32767 (NAudio's encoders overflow on it).
            short s = pcm[i] == short.MinValue ? (short)-32767 : pcm[i];
            if (mu[i] != MuLawEncoder.LinearToMuLawSample(s) || a[i] != ALawEncoder.LinearToALawSample(s))
            {
                Assert.Fail($"sample {pcm[i]}: µ-law {mu[i]} vs {MuLawEncoder.LinearToMuLawSample(s)}, A-law {a[i]} vs {ALawEncoder.LinearToALawSample(s)}");
            }
        }
        var bytes = new byte[256];
        for (int i = 0; i < 256; i++) bytes[i] = (byte)i;
        var muPcm = new short[256];
        var aPcm = new short[256];
        PcmuCodec.Instance.Decode(bytes, muPcm);
        PcmaCodec.Instance.Decode(bytes, aPcm);
        for (int i = 0; i < 256; i++)
        {
            Assert.That((muPcm[i], aPcm[i]), Is.EqualTo((MuLawDecoder.MuLawToLinearSample((byte)i), ALawDecoder.ALawToLinearSample((byte)i))), $"byte {i}");
        }
    }
}
