using System.Buffers.Binary;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Telephony.Media.Recording;

public enum RepairOutcome
{
    /// <summary>Header sizes already matched the file.</summary>
    AlreadyValid,
    /// <summary>Stale RIFF/data sizes were rewritten (and a torn last sample frame cut off).</summary>
    Repaired,
    /// <summary>Not a RIFF/WAVE file we can fix (left untouched).</summary>
    NotRepairable,
}

public sealed record RepairResult(string Path, RepairOutcome Outcome, long DataBytes, string? Problem = null)
{
    /// <summary>Bytes of audio per second from the fmt chunk; 0 when the file has none we could read.</summary>
    public int ByteRate { get; init; }

    /// <summary>How long the audio plays (its data bytes at <see cref="ByteRate"/>); null when not known.</summary>
    public TimeSpan? Duration => ByteRate > 0 ? TimeSpan.FromSeconds((double)DataBytes / ByteRate) : null;
}

/// <summary>
/// Fixes WAV files whose header sizes are stale because the recording process died: walks the
/// RIFF chunks (RFC 2361 / Microsoft RIFF) to the "data" chunk, takes everything after it up to
/// the end of the file (whole sample frames only) as the audio, and rewrites the RIFF size and
/// the data size. Run over the recordings folder at startup, before new recordings begin.
/// </summary>
public static class RecordingRepair
{
    public static IReadOnlyList<RepairResult> RepairDirectory(string directory, ILogger? logger = null)
    {
        logger ??= NullLogger.Instance;
        var results = new List<RepairResult>();
        if (!Directory.Exists(directory))
            return results;
        foreach (var file in Directory.EnumerateFiles(directory, "*.wav", SearchOption.AllDirectories))
        {
            RepairResult r;
            try
            {
                r = RepairFile(file);
            }
            catch (IOException ex)
            {
                r = new RepairResult(file, RepairOutcome.NotRepairable, 0, ex.Message);
            }
            catch (UnauthorizedAccessException ex)
            {
                r = new RepairResult(file, RepairOutcome.NotRepairable, 0, ex.Message);
            }
            if (r.Outcome == RepairOutcome.Repaired)
                RecordingLog.Repaired(logger, file, r.DataBytes);
            else if (r.Outcome == RepairOutcome.NotRepairable)
                RecordingLog.NotRepairable(logger, file, r.Problem);
            results.Add(r);
        }
        return results;
    }

    public static RepairResult RepairFile(string path)
    {
        using var fs = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
        long length = fs.Length;
        Span<byte> head = stackalloc byte[12];
        if (length < 12 || fs.Read(head) != 12 || !head[..4].SequenceEqual("RIFF"u8) || !head[8..12].SequenceEqual("WAVE"u8))
            return new RepairResult(path, RepairOutcome.NotRepairable, 0, "no RIFF/WAVE header");

        int blockAlign = 0;
        int byteRate = 0;
        long position = 12;
        Span<byte> chunk = stackalloc byte[8];
        Span<byte> fmt = stackalloc byte[16];
        while (position + 8 <= length)
        {
            fs.Position = position;
            fs.ReadExactly(chunk);
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(chunk[4..]);
            if (chunk[..4].SequenceEqual("fmt "u8))
            {
                if (size < 16 || position + 8 + 16 > length)
                    return new RepairResult(path, RepairOutcome.NotRepairable, 0, "truncated fmt chunk");
                fs.ReadExactly(fmt);
                byteRate = BinaryPrimitives.ReadInt32LittleEndian(fmt[8..]);
                blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(fmt[12..]);
            }
            else if (chunk[..4].SequenceEqual("data"u8))
            {
                if (blockAlign <= 0)
                    return new RepairResult(path, RepairOutcome.NotRepairable, 0, "data chunk before a valid fmt chunk");
                long dataStart = position + 8;
                long available = length - dataStart;
                long dataBytes = available - available % blockAlign;
                uint riffSize = BinaryPrimitives.ReadUInt32LittleEndian(head[4..]);
                if (size == dataBytes && riffSize == dataStart + dataBytes - 8 && dataStart + dataBytes == length)
                    return new RepairResult(path, RepairOutcome.AlreadyValid, dataBytes) { ByteRate = byteRate };
                long declaredEnd = dataStart + size + (size & 1);
                if (size < dataBytes && ChunksEndTheFile(fs, declaredEnd, length))
                    return new RepairResult(path, RepairOutcome.AlreadyValid, size) { ByteRate = byteRate }; // other chunks follow the audio
                if (dataStart + dataBytes - 8 > uint.MaxValue)
                    return new RepairResult(path, RepairOutcome.NotRepairable, 0, "larger than 4 GiB");
                Span<byte> u32 = stackalloc byte[4];
                BinaryPrimitives.WriteUInt32LittleEndian(u32, (uint)(dataStart + dataBytes - 8));
                fs.Position = 4;
                fs.Write(u32);
                BinaryPrimitives.WriteUInt32LittleEndian(u32, (uint)dataBytes);
                fs.Position = position + 4;
                fs.Write(u32);
                fs.SetLength(dataStart + dataBytes);
                fs.Flush(flushToDisk: true);
                return new RepairResult(path, RepairOutcome.Repaired, dataBytes) { ByteRate = byteRate };
            }
            position += 8 + size + (size & 1); // chunks are word-aligned
        }
        return new RepairResult(path, RepairOutcome.NotRepairable, 0, "no data chunk");
    }

    /// <summary>
    /// True when whole chunks (a printable four-character id such as "LIST" and a size) run from
    /// <paramref name="offset"/> exactly to the end of the file: a complete WAV with chunks after its audio.
    /// Audio written past a stale data size is not mistaken for that, even when four of its bytes happen
    /// to be printable (about one time in fifty for speech), because its "sizes" do not chain to the end.
    /// </summary>
    private static bool ChunksEndTheFile(FileStream fs, long offset, long length)
    {
        Span<byte> header = stackalloc byte[8];
        if (offset + 8 > length)
            return false;
        while (offset + 8 <= length)
        {
            fs.Position = offset;
            fs.ReadExactly(header);
            foreach (byte b in header[..4])
            {
                if (b is < 0x20 or > 0x7E)
                    return false;
            }
            uint size = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            offset += 8 + size + (size & 1);
        }
        return offset == length || offset == length + 1; // a last odd-sized chunk may lack its pad byte
    }
}
