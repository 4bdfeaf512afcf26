using System.Globalization;
using System.Text.Json;

namespace Telephony.Media.Tests.Recording;

public class RecorderTests : TempDirectoryTests
{
    /// <summary>The two channels of a 16-bit stereo WAV (caller left, agent right), and its format.</summary>
    internal static (short[] Left, short[] Right, WaveFormat Format) ReadStereo(string path)
    {
        using var reader = new WaveFileReader(path);
        var bytes = new byte[reader.Length];
        int read = reader.Read(bytes, 0, bytes.Length);
        var samples = new short[read / 2];
        Buffer.BlockCopy(bytes, 0, samples, 0, samples.Length * 2);
        var left = new short[samples.Length / 2];
        var right = new short[samples.Length / 2];
        for (int i = 0; i < left.Length; i++)
        {
            left[i] = samples[2 * i];
            right[i] = samples[2 * i + 1];
        }
        return (left, right, reader.WaveFormat);
    }

    [Test]
    public void Caller_goes_left_agent_goes_right()
    {
        string path = Path.Combine(TempDir, "call.wav");
        using (var rec = new CallRecorder(path, Tones.Continuous(500, 6000), Tones.Continuous(1500, 6000)))
        {
            for (long t = 0; t < 100; t++)
                rec.OnTick(t);
        }
        var (left, right, format) = ReadStereo(path);
        Assert.That(format.Channels, Is.EqualTo(2));
        Assert.That(format.SampleRate, Is.EqualTo(8000));
        Assert.That(left, Has.Length.EqualTo(16000));
        Assert.That(ToneAnalysis.Amplitude(left, 500, 8000), Is.EqualTo(6000).Within(200));
        Assert.That(ToneAnalysis.Amplitude(left, 1500, 8000), Is.LessThan(50));
        Assert.That(ToneAnalysis.Amplitude(right, 1500, 8000), Is.EqualTo(6000).Within(200));
        Assert.That(ToneAnalysis.Amplitude(right, 500, 8000), Is.LessThan(50));
    }

    [Test]
    public void Missing_frames_and_missed_ticks_become_silence_and_keep_alignment()
    {
        string path = Path.Combine(TempDir, "gaps.wav");
        var caller = new FrameQueue();
        var agent = new FrameQueue();
        var one = Enumerable.Repeat((short)1000, 160).ToArray();
        using (var rec = new CallRecorder(path, caller, agent))
        {
            caller.WriteFrame(one);
            agent.WriteFrame(one);
            rec.OnTick(0);
            agent.WriteFrame(one);   // caller sends nothing this tick
            rec.OnTick(1);
            caller.WriteFrame(one);
            agent.WriteFrame(one);
            rec.OnTick(4);           // ticks 2 and 3 were missed
            rec.OnTick(4);           // a repeated tick writes nothing
        }
        var (left, right, _) = ReadStereo(path);
        Assert.That(left, Has.Length.EqualTo(5 * 160));
        short[] FrameLevels(short[] ch) => [.. Enumerable.Range(0, 5).Select(f => ch[f * 160 + 80])];
        Assert.That(FrameLevels(left), Is.EqualTo(new short[] { 1000, 0, 0, 0, 1000 }));
        Assert.That(FrameLevels(right), Is.EqualTo(new short[] { 1000, 1000, 0, 0, 1000 }));
    }

    [Test]
    public void Pause_writes_silence_and_records_the_pause_in_metadata()
    {
        string path = Path.Combine(TempDir, "paused.wav");
        var rec = new CallRecorder(path, Tones.Continuous(700, 5000), Tones.Continuous(900, 5000));
        for (long t = 0; t < 50; t++)
            rec.OnTick(t);
        rec.Pause("card number");
        Assert.That(rec.IsPaused, Is.True);
        for (long t = 50; t < 100; t++)
            rec.OnTick(t);
        rec.Resume();
        for (long t = 100; t < 150; t++)
            rec.OnTick(t);
        rec.Dispose();

        var (left, right, _) = ReadStereo(path);
        Assert.That(left, Has.Length.EqualTo(150 * 160));
        Assert.That(ToneAnalysis.Rms(left.AsSpan(8000, 8000)), Is.Zero);
        Assert.That(ToneAnalysis.Rms(right.AsSpan(8000, 8000)), Is.Zero);
        Assert.That(ToneAnalysis.Rms(left.AsSpan(0, 8000)), Is.GreaterThan(3000));
        Assert.That(ToneAnalysis.Rms(right.AsSpan(16000, 8000)), Is.GreaterThan(3000));

        var meta = JsonSerializer.Deserialize<RecordingMetadata>(File.ReadAllText(rec.MetadataPath))!;
        Assert.That(meta.Completed, Is.True);
        Assert.That(meta.DurationSeconds, Is.EqualTo(3.0));
        Assert.That(meta.Pauses, Has.Count.EqualTo(1));
        Assert.That(meta.Pauses[0], Is.EqualTo(new RecordingPause(1.0, 2.0, "card number")));
    }

    [Test]
    public void Repair_fixes_stale_sizes_and_leaves_good_and_foreign_files_alone()
    {
        string good = Path.Combine(TempDir, "good.wav");
        using (var rec = new CallRecorder(good, new SilenceSource(), new SilenceSource()))
        {
            for (long t = 0; t < 10; t++)
                rec.OnTick(t);
        }
        string stale = Path.Combine(TempDir, "sub", "stale.wav");
        Directory.CreateDirectory(Path.GetDirectoryName(stale)!);
        File.Copy(good, stale);
        byte[] goodBytes = File.ReadAllBytes(good);
        int dataSizeOffset = goodBytes.AsSpan().IndexOf("data"u8) + 4; // NAudio writes an 18-byte fmt chunk
        using (var fs = new FileStream(stale, FileMode.Open))
        {
            fs.Position = 4;
            fs.Write(new byte[] { 36, 0, 0, 0 });  // RIFF size as if empty
            fs.Position = dataSizeOffset;
            fs.Write(new byte[] { 0, 0, 0, 0 });   // data size 0
            fs.Position = fs.Length;
            fs.Write(new byte[] { 1, 2, 3 });      // a torn last sample frame
        }
        string junk = Path.Combine(TempDir, "junk.wav");
        File.WriteAllText(junk, "not audio");

        var results = RecordingRepair.RepairDirectory(TempDir).ToDictionary(r => Path.GetFileName(r.Path));
        Assert.That(results["good.wav"].Outcome, Is.EqualTo(RepairOutcome.AlreadyValid));
        Assert.That(results["stale.wav"].Outcome, Is.EqualTo(RepairOutcome.Repaired));
        Assert.That(results["stale.wav"].DataBytes, Is.EqualTo(10 * 160 * 4));
        Assert.That(results["junk.wav"].Outcome, Is.EqualTo(RepairOutcome.NotRepairable));
        Assert.That(File.ReadAllBytes(stale), Is.EqualTo(File.ReadAllBytes(good)));
        Assert.That(RecordingRepair.RepairFile(stale).Outcome, Is.EqualTo(RepairOutcome.AlreadyValid), "idempotent");
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Recording_survives_a_killed_process(CancellationToken cancel)
    {
        string path = Path.Combine(TempDir, "crash.wav");
        string testDll = typeof(CrashRecorderChild).Assembly.Location;
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add("exec");
        psi.ArgumentList.Add(testDll);
        psi.Environment["DOTNET_STARTUP_HOOKS"] = testDll;
        psi.Environment["TELEPHONY_CRASH_RECORDING"] = path;

        using var child = Process.Start(psi)!;
        long frames = 0;
        try
        {
            while (frames < 330)
            {
                string? line = await child.StandardOutput.ReadLineAsync(cancel);
                if (line is null)
                    Assert.Fail("child exited early: " + await child.StandardError.ReadToEndAsync(cancel));
                if (line!.StartsWith("frames ", StringComparison.Ordinal))
                    frames = long.Parse(line[7..], CultureInfo.InvariantCulture);
            }
        }
        finally
        {
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync(cancel);
        }
        Assert.That(child.ExitCode, Is.Not.Zero, "killed, not exited");

        // Straight after the kill the file is already playable up to the last checkpoint (1 s steps).
        var beforeRepair = ReadStereo(path);
        Assert.That(beforeRepair.Left.Length / 8000.0, Is.GreaterThanOrEqualTo(6.0));

        var result = RecordingRepair.RepairFile(path);
        Assert.That(result.Outcome, Is.AnyOf(RepairOutcome.Repaired, RepairOutcome.AlreadyValid));
        var (left, right, format) = ReadStereo(path);
        Assert.That(format.Channels, Is.EqualTo(2));
        Assert.That(left.Length, Is.GreaterThanOrEqualTo(frames * 160), "everything the child wrote before its last report");
        Assert.That(ToneAnalysis.Amplitude(left.AsSpan(8000, 8000), CrashRecorderChild.LeftHz, 8000), Is.EqualTo(8000).Within(200));
        Assert.That(ToneAnalysis.Amplitude(right.AsSpan(8000, 8000), CrashRecorderChild.RightHz, 8000), Is.EqualTo(8000).Within(200));

        // sox must accept it too.
        var sox = new ProcessStartInfo("sox") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in new[] { path, "-n", "stat" })
            sox.ArgumentList.Add(a);
        using var soxProc = Process.Start(sox)!;
        string stat = await soxProc.StandardError.ReadToEndAsync(cancel);
        await soxProc.WaitForExitAsync(cancel);
        Assert.That(soxProc.ExitCode, Is.Zero, stat);
        var lengthLine = stat.Split('\n').Single(l => l.StartsWith("Length (seconds)", StringComparison.Ordinal));
        double soxSeconds = double.Parse(lengthLine.Split(':')[1].Trim(), CultureInfo.InvariantCulture);
        Assert.That(soxSeconds, Is.EqualTo(left.Length / 8000.0).Within(0.001));
    }
}

public class RtpCallRecorderTests : TempDirectoryTests
{
    [Test]
    public void Records_two_rtp_legs_with_different_codecs_into_the_right_channels()
    {
        string path = Path.Combine(TempDir, "not-yet-there", "call.wav"); // the recorder makes the folder
        var pcmu = Telephony.Media.Codecs.PcmuCodec.Instance;
        var g722 = new Telephony.Media.Codecs.G722AudioCodec();
        using (var rec = new RtpCallRecorder(path, pcmu, 0, new Telephony.Media.Codecs.G722AudioCodec(), 9))
        {
            var callerTone = Tones.Continuous(600, 6000);
            var agentTone = Tones.Continuous(1300, 6000, 16000);
            var pcm8 = new short[160];
            var pcm16 = new short[320];
            var payload = new byte[160];
            for (int f = 0; f < 100; f++)
            {
                callerTone.ReadFrame(pcm8);
                pcmu.Encode(pcm8, payload);
                rec.OnRtpPacket(0, Jitter.TestRtp.Packet(0, (ushort)f, (uint)(f * 160), 1, payload));
                agentTone.ReadFrame(pcm16);
                g722.Encode(pcm16, payload);
                if (f % 10 != 5) // the agent leg loses every tenth packet
                    rec.OnRtpPacket(1, Jitter.TestRtp.Packet(9, (ushort)(f + 1000), (uint)(f * 160), 2, payload));
                rec.OnRtpPacket(2, Jitter.TestRtp.Packet(0, (ushort)f, 0, 3, new byte[160])); // unknown leg
                rec.OnTick(f);
            }
            Assert.That(rec.AgentStats.Lost, Is.EqualTo(10), "packets 5, 15, …, 95");
        }
        var (allLeft, allRight, _) = RecorderTests.ReadStereo(path);
        var left = allLeft[1600..];
        var right = allRight[1600..];
        Assert.That(ToneAnalysis.Amplitude(left, 600, 8000), Is.EqualTo(6000).Within(600));
        Assert.That(ToneAnalysis.Amplitude(left, 1300, 8000), Is.LessThan(60));
        Assert.That(ToneAnalysis.Amplitude(right, 1300, 8000), Is.GreaterThan(4000), "agent tone despite 10 % loss");
        Assert.That(ToneAnalysis.Amplitude(right, 600, 8000), Is.LessThan(60));
    }
}
