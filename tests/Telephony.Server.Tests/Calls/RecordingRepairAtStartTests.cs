using System.Buffers.Binary;

namespace Telephony.Server.Tests.Calls;

/// <summary>A recording cut short by a crash (stale RIFF sizes) is a valid WAV again once the server has started.</summary>
[NonParallelizable]
public sealed class RecordingRepairAtStartTests
{
    [Test]
    [CancelAfter(30_000)]
    public async Task The_server_repairs_interrupted_recordings_when_it_starts()
    {
        string cut = "", garbage = "";
        const int WrittenFrames = 8000, LostFrames = 4000; // 1 s with a header, 0.5 s appended after the crash
        var junk = "not a wave file at all"u8.ToArray();
        await using var server = new CallServerFixture(useRedis: false, prepareRecordings: folder =>
        {
            Directory.CreateDirectory(Path.Combine(folder, "2026"));
            cut = Path.Combine(folder, "2026", "20261127-050000-crashed.wav");
            using (var writer = new WaveFileWriter(cut, new WaveFormat(8000, 16, 2)))
            {
                writer.Write(new byte[WrittenFrames * 4], 0, WrittenFrames * 4);
            }
            // The process died after more audio reached the disk but before the header was updated.
            using (var append = new FileStream(cut, FileMode.Append))
            {
                append.Write(Enumerable.Repeat((byte)0x11, (LostFrames * 4) + 3).ToArray()); // + a torn frame
            }
            garbage = Path.Combine(folder, "garbage.wav");
            File.WriteAllBytes(garbage, junk);
        });
        Assert.That(server.Calls.ActiveCalls, Is.Zero, "the server is up");

        var bytes = await File.ReadAllBytesAsync(cut);
        Assert.That(BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)), Is.EqualTo((uint)(bytes.Length - 8)), "RIFF size covers the file");
        using (var wav = new WaveFileReader(cut))
        {
            Assert.That(wav.Length, Is.EqualTo((WrittenFrames + LostFrames) * 4), "the audio written after the last header update is kept, the torn frame cut");
            Assert.That((wav.WaveFormat.Channels, wav.WaveFormat.SampleRate), Is.EqualTo((2, 8000)));
        }
        Assert.That(await File.ReadAllBytesAsync(garbage), Is.EqualTo(junk), "a file that is no WAV is left untouched");
    }
}
