using Telephony.Tests.Shared;
using Telephony.Media.Recording;

namespace Telephony.Media.Tests.Recording;

/// <summary>
/// WAV files as a killed recorder leaves them (sizes never written, or written for less audio than the file holds,
/// a torn last frame), each checked with sox after the repair; and files the repair must leave alone.
/// </summary>
public class RecordingRepairTests : TempDirectoryTests
{
    private const int Rate = 8000;
    private const int FrameBytes = 4; // stereo 16-bit

    /// <summary>A stereo 8 kHz WAV header (44 bytes, 16-byte fmt) claiming <paramref name="riffSize"/> and <paramref name="dataSize"/>, then <paramref name="audio"/>.</summary>
    private string Write(string name, uint riffSize, uint dataSize, ReadOnlySpan<byte> audio)
    {
        var header = new byte[44];
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), riffSize);
        "WAVEfmt "u8.CopyTo(header.AsSpan(8));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(16), 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(20), 1); // PCM
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(22), 2);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(24), Rate);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(28), Rate * FrameBytes);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(32), FrameBytes);
        BinaryPrimitives.WriteUInt16LittleEndian(header.AsSpan(34), 16);
        "data"u8.CopyTo(header.AsSpan(36));
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(40), dataSize);
        var path = Path.Combine(TempDir, name);
        using var file = File.Create(path);
        file.Write(header);
        file.Write(audio);
        return path;
    }

    /// <summary>Speech-like audio whose bytes are often printable ASCII (a 16-bit tone of moderate level).</summary>
    private static byte[] Tone(int frames)
    {
        var audio = new byte[frames * FrameBytes];
        for (int i = 0; i < frames; i++)
        {
            short s = (short)(0x4141 + (int)(3000 * Math.Sin(2 * Math.PI * 440 * i / Rate)));
            BinaryPrimitives.WriteInt16LittleEndian(audio.AsSpan(i * FrameBytes), s);
            BinaryPrimitives.WriteInt16LittleEndian(audio.AsSpan((i * FrameBytes) + 2), s);
        }
        return audio;
    }

    [Test]
    public async Task A_header_only_file_becomes_an_empty_playable_wav()
    {
        var path = Write("header-only.wav", 0, 0, []);
        var result = RecordingRepair.RepairFile(path);
        Assert.That((result.Outcome, result.DataBytes, result.Duration), Is.EqualTo((RepairOutcome.Repaired, 0L, (TimeSpan?)TimeSpan.Zero)));
        Assert.That(await Soxi.DurationSecondsAsync(path), Is.Zero);
    }

    [Test]
    public async Task Sizes_never_written_are_taken_from_the_file_length_and_a_torn_frame_is_cut()
    {
        var audio = Tone(12_000); // 1.5 s
        var path = Write("never-written.wav", 0, 0, [.. audio, 0x41, 0x42, 0x43]);
        var result = RecordingRepair.RepairFile(path);
        Assert.That((result.Outcome, result.DataBytes), Is.EqualTo((RepairOutcome.Repaired, (long)audio.Length)));
        Assert.That(result.Duration!.Value.TotalSeconds, Is.EqualTo(1.5).Within(1e-9));
        Assert.That(await Soxi.DurationSecondsAsync(path), Is.EqualTo(1.5).Within(0.001));
        Assert.That(new FileInfo(path).Length, Is.EqualTo(44 + audio.Length));
        Assert.That(RecordingRepair.RepairFile(path).Outcome, Is.EqualTo(RepairOutcome.AlreadyValid), "idempotent");
    }

    [Test]
    public async Task Sizes_of_the_last_checkpoint_grow_to_the_audio_written_after_it_even_when_that_audio_looks_like_a_chunk()
    {
        // The header was last written after 1 s; 1.25 s more reached the disk before the process died. The bytes
        // right after the declared end are printable, as a chunk id would be: the repair must not take them for one.
        var audio = Tone(18_000);
        var checkpoint = (uint)(8_000 * FrameBytes);
        "LIST"u8.CopyTo(audio.AsSpan((int)checkpoint));
        var path = Write("checkpointed.wav", checkpoint + 36, checkpoint, audio);
        var result = RecordingRepair.RepairFile(path);
        Assert.That((result.Outcome, result.DataBytes), Is.EqualTo((RepairOutcome.Repaired, (long)audio.Length)));
        Assert.That(await Soxi.DurationSecondsAsync(path), Is.EqualTo(2.25).Within(0.001));
    }

    [Test]
    public void A_complete_wav_with_a_chunk_after_its_audio_is_left_alone()
    {
        var audio = Tone(800);
        byte[] list = [.. "LIST"u8, 4, 0, 0, 0, .. "INFO"u8];
        var path = Write("with-list.wav", (uint)(36 + audio.Length + list.Length), (uint)audio.Length, [.. audio, .. list]);
        var before = File.ReadAllBytes(path);
        Assert.That(RecordingRepair.RepairFile(path).Outcome, Is.EqualTo(RepairOutcome.AlreadyValid));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(before));
    }

    [TestCase(new byte[0], TestName = "An empty file is left alone")]
    [TestCase(new byte[] { 0x52, 0x49, 0x46, 0x46, 0, 0 }, TestName = "A file cut inside its RIFF header is left alone")]
    [TestCase(new byte[] { 0x4A, 0x55, 0x4E, 0x4B, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14 }, TestName = "Junk is left alone")]
    public void Files_that_are_no_repairable_wav_are_left_untouched(byte[] content)
    {
        var path = Path.Combine(TempDir, "broken.wav");
        File.WriteAllBytes(path, content);
        Assert.That(RecordingRepair.RepairFile(path).Outcome, Is.EqualTo(RepairOutcome.NotRepairable));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(content));
    }

    [Test]
    public void A_file_cut_inside_its_fmt_chunk_is_left_untouched()
    {
        var path = Write("cut.wav", 0, 0, []);
        var cut = File.ReadAllBytes(path)[..30];
        File.WriteAllBytes(path, cut);
        Assert.That(RecordingRepair.RepairFile(path).Outcome, Is.EqualTo(RepairOutcome.NotRepairable));
        Assert.That(File.ReadAllBytes(path), Is.EqualTo(cut));
    }

    [Test]
    public void NAudio_reads_the_repaired_audio_back()
    {
        var audio = Tone(4_000);
        var path = Write("naudio.wav", 36, 0, audio);
        RecordingRepair.RepairFile(path);
        using var reader = new WaveFileReader(path);
        Assert.That(reader.Length, Is.EqualTo(audio.Length));
    }
}
