using NAudio.Wave;

namespace Telephony.Interop.Tests.Softphone;

/// <summary>Reads a mono 16-bit WAV and tells the dominant frequency of its audible part.</summary>
internal static class AudioCheck
{
    public static short[] ReadSamples(string path)
    {
        using var reader = new WaveFileReader(path);
        Assert.That((reader.WaveFormat.SampleRate, reader.WaveFormat.Channels, reader.WaveFormat.BitsPerSample), Is.EqualTo((8000, 1, 16)), path);
        var bytes = new byte[reader.Length];
        int read = reader.Read(bytes, 0, bytes.Length);
        var samples = new short[read / 2];
        Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 2);
        return samples;
    }

    /// <summary>Samples whose 20 ms frame is louder than <paramref name="minRms"/> (skips jitter-buffer start-up silence).</summary>
    public static short[] Audible(short[] samples, double minRms = 500)
    {
        var kept = new List<short>();
        for (int i = 0; i + 160 <= samples.Length; i += 160)
        {
            double sum = 0;
            for (int j = 0; j < 160; j++)
            {
                sum += (double)samples[i + j] * samples[i + j];
            }
            if (Math.Sqrt(sum / 160) >= minRms)
            {
                kept.AddRange(samples.AsSpan(i, 160).ToArray());
            }
        }
        return [.. kept];
    }

    /// <summary>Frequency from the zero-crossing rate (a clean sine: two crossings per period).</summary>
    public static double DominantFrequency(short[] samples, int sampleRate = 8000)
    {
        int crossings = 0;
        for (int i = 1; i < samples.Length; i++)
        {
            if ((samples[i - 1] < 0) != (samples[i] < 0))
            {
                crossings++;
            }
        }
        return crossings / 2.0 / samples.Length * sampleRate;
    }

    public static void WriteTone(string path, double frequency, double seconds, double amplitude = 8000)
    {
        using var writer = new WaveFileWriter(path, new WaveFormat(8000, 16, 1));
        int n = (int)(seconds * 8000);
        var buffer = new byte[n * 2];
        for (int i = 0; i < n; i++)
        {
            short s = (short)(amplitude * Math.Sin(2 * Math.PI * frequency * i / 8000));
            buffer[2 * i] = (byte)s;
            buffer[(2 * i) + 1] = (byte)(s >> 8);
        }
        writer.Write(buffer, 0, buffer.Length);
    }
}
