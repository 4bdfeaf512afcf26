using NAudio.Wave;

namespace Telephony.Testing.Audio;

/// <summary>The WAV files the call tests write (tone microphones) and read back (recordings, peers' dumps).</summary>
public static class Wav
{
    /// <summary>An 8 kHz mono 16-bit WAV's samples (the format is asserted).</summary>
    public static short[] ReadMono(string path)
    {
        using var reader = new WaveFileReader(path);
        Assert.That((reader.WaveFormat.SampleRate, reader.WaveFormat.Channels, reader.WaveFormat.BitsPerSample), Is.EqualTo((8000, 1, 16)), path);
        var bytes = new byte[reader.Length];
        int read = reader.Read(bytes, 0, bytes.Length);
        var samples = new short[read / 2];
        Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 2);
        return samples;
    }

    /// <summary>A stereo 16-bit recording as its two channels (left = caller, right = agent).</summary>
    public static (short[] Left, short[] Right) ReadStereo(string path)
    {
        using var wav = new WaveFileReader(path);
        Assert.That(wav.WaveFormat.Channels, Is.EqualTo(2), path);
        var bytes = new byte[wav.Length];
        int frames = wav.Read(bytes, 0, bytes.Length) / 4;
        var left = new short[frames];
        var right = new short[frames];
        for (int i = 0; i < frames; i++)
        {
            left[i] = BitConverter.ToInt16(bytes, i * 4);
            right[i] = BitConverter.ToInt16(bytes, (i * 4) + 2);
        }
        return (left, right);
    }

    /// <summary>A steady sine as an 8 kHz mono 16-bit WAV (a peer's microphone).</summary>
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
