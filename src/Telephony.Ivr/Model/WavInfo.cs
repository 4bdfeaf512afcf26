using System.Buffers.Binary;

namespace Telephony.Ivr;

/// <summary>The format fields of a RIFF/WAVE file's <c>fmt </c> chunk.</summary>
public readonly record struct WavInfo(int AudioFormat, int Channels, int SampleRate, int BitsPerSample)
{
    /// <summary>What every prompt must be: linear PCM, 8 kHz, mono, 16-bit.</summary>
    public bool IsTelephonyPcm => AudioFormat == 1 && Channels == 1 && SampleRate == 8000 && BitsPerSample == 16;

    public override string ToString() => $"format {AudioFormat}, {SampleRate} Hz, {Channels} channel(s), {BitsPerSample}-bit";

    /// <summary>Reads the format of a WAV file; null with a reason when it is not a readable WAV.</summary>
    public static WavInfo? TryRead(string path, out string? problem)
    {
        try
        {
            using var stream = File.OpenRead(path);
            Span<byte> header = stackalloc byte[12];
            if (stream.ReadAtLeast(header, 12, throwOnEndOfStream: false) < 12
                || !header[..4].SequenceEqual("RIFF"u8) || !header[8..12].SequenceEqual("WAVE"u8))
            {
                problem = "not a RIFF/WAVE file";
                return null;
            }
            Span<byte> chunk = stackalloc byte[8];
            Span<byte> fmt = stackalloc byte[16];
            // Walk the chunks until "fmt " (bounded: a prompt has a handful of chunks).
            for (var i = 0; i < 32; i++)
            {
                if (stream.ReadAtLeast(chunk, 8, throwOnEndOfStream: false) < 8) break;
                var size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
                if (chunk[..4].SequenceEqual("fmt "u8))
                {
                    if (size < 16 || stream.ReadAtLeast(fmt, 16, throwOnEndOfStream: false) < 16) break;
                    problem = null;
                    return new WavInfo(
                        BinaryPrimitives.ReadUInt16LittleEndian(fmt),
                        BinaryPrimitives.ReadUInt16LittleEndian(fmt[2..]),
                        (int)BinaryPrimitives.ReadUInt32LittleEndian(fmt[4..]),
                        BinaryPrimitives.ReadUInt16LittleEndian(fmt[14..]));
                }
                stream.Seek(size + (size & 1), SeekOrigin.Current);
            }
            problem = "no fmt chunk";
            return null;
        }
        catch (IOException ex)
        {
            problem = ex.Message;
            return null;
        }
        catch (UnauthorizedAccessException ex)
        {
            problem = ex.Message;
            return null;
        }
    }
}
