namespace Telephony.Testing.Audio;

/// <summary>Reads a call recording back for the tone checks.</summary>
public static class StereoWav
{
    /// <summary>A stereo 16-bit recording as its two channels (left = caller, right = agent).</summary>
    public static (short[] Left, short[] Right) Read(string path)
    {
        using var wav = new NAudio.Wave.WaveFileReader(path);
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
}
