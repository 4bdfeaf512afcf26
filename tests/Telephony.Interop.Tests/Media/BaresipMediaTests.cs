using System.Collections.Concurrent;

namespace Telephony.Interop.Tests.Media;

/// <summary>
/// The media engine against a real baresip 1.0 on 127.0.0.1: speech into our echo/record endpoint,
/// RFC 4733 digits from baresip's keypad, and a prompt of ours recorded by baresip.
/// Ports (Interop ranges): baresip SIP 25600-25629 (+1 TLS, cons +3), baresip RTP 27000-27059;
/// our RTP 27200-27399; our SIP on an OS-assigned port.
/// </summary>
[NonParallelizable]
public sealed class BaresipMediaTests
{
    private const string Speech = "Twelve three four five, the city hotline. Please hold the line, an agent will answer soon.";

    private static string Account(int port) => $"<sip:citizen@127.0.0.1:{port}>;regint=0;audio_codecs=PCMA,PCMU";

    [Test]
    [CancelAfter(30_000)]
    public async Task Baresip_speech_into_our_echo_endpoint_is_recorded_and_echoed_back()
    {
        var dir = Directory.CreateTempSubdirectory("media-echo-").FullName;
        try
        {
            string mic = Path.Combine(dir, "mic.wav");
            await MakeSpeechAsync(dir, Speech, mic);
            var spoken = AudioMatch.TrimSilence(Wav.ReadMono(mic));
            Assert.That(spoken, Has.Length.GreaterThan(8000), "espeak-ng produced at least a second of speech");

            await using var uas = await MediaUas.StartAsync(27200, 27259);
            var echo = new FrameHandoff(keepCopy: true);
            using var baresip = Baresip.Start(25600, 25603, 27000, Account(25600), 20, mic, dumpAudio: true,
                $"/dial sip:echo@127.0.0.1:{uas.SipPort}");
            var (call, media) = await uas.AnswerNextAsync(send: echo, heard: echo, TimeSpan.FromSeconds(10));

            // baresip hangs up by itself when its microphone file (speech + 3 s) ends.
            var ended = await call.Completion.WaitAsync(TimeSpan.FromSeconds(15));
            Assert.That(ended.Reason, Is.EqualTo(CallEndReason.RemoteHangup), baresip.Output);
            Assert.That(media.Audio!.EncodingName, Is.AnyOf("PCMA", "PCMU"));

            // Statistic: the reference in 0.5 s pieces, each at its best lag (the jitter buffer may shift the
            // delay by a few frames mid-call on a loaded machine); the median piece must correlate highly.
            var recorded = echo.Written;
            Assert.That(Similarity(spoken, recorded, "our echo endpoint recorded baresip"), Is.GreaterThan(0.6), "what we recorded is what baresip said");

            // The statistic would fail on silence and on noise of the same length and level.
            Assert.That(Similarity(spoken, new short[recorded.Length], "silence"), Is.LessThan(0.3), "silence");
            Assert.That(Similarity(spoken, AudioMatch.WhiteNoise(recorded.Length, rms: 3000, seed: 12345), "white noise"), Is.LessThan(0.3), "white noise");

            // And baresip heard its own words come back (sndfile's dump of what it decoded).
            Assert.That(await baresip.WaitForAsync("terminated", TimeSpan.FromSeconds(10)), Is.True, baresip.Output);
            await Task.Delay(300); // sndfile closes its files as the call's audio stream goes away
            var heardWav = baresip.HeardWav;
            Assert.That(heardWav, Is.Not.Null, baresip.Output);
            Assert.That(Similarity(spoken, Wav.ReadMono(heardWav!), "baresip heard the echo"), Is.GreaterThan(0.6), "baresip heard its speech echoed");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Baresip_keypad_digits_arrive_as_rfc4733_digits_once_each()
    {
        await using var uas = await MediaUas.StartAsync(27260, 27319);
        using var baresip = Baresip.Start(25610, 25613, 27020, Account(25610), 20, $"/dial sip:echo@127.0.0.1:{uas.SipPort}");
        var (call, media) = await uas.AnswerNextAsync(send: null, heard: null, TimeSpan.FromSeconds(10));
        var digits = new ConcurrentQueue<char>();
        media.DigitReceived += digits.Enqueue;
        Assert.That(media.Audio!.PeerTelephoneEventPayloadTypes, Is.Not.Empty, "baresip offered telephone-event");
        Assert.That(await baresip.WaitForAsync("Call established", TimeSpan.FromSeconds(10)), Is.True, baresip.Output);
        await Task.Delay(300);

        const string sent = "159#";
        foreach (char d in sent)
        {
            await baresip.CommandAsync($"/sndcode {d}");
            await Task.Delay(600); // one key press at a time, as a person would
        }
        var deadline = DateTime.UtcNow.AddSeconds(3);
        while (digits.Count < sent.Length && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        await Task.Delay(500); // late end-packet retransmissions must not show up as new presses
        Assert.That(new string([.. digits]), Is.EqualTo(sent), baresip.Output);

        await baresip.CommandAsync("/hangup");
        Assert.That((await call.Completion.WaitAsync(TimeSpan.FromSeconds(10))).Reason, Is.EqualTo(CallEndReason.RemoteHangup));
    }

    [Test]
    [CancelAfter(30_000)]
    public async Task Our_prompt_is_recorded_by_baresip_and_matches()
    {
        var promptPath = Path.Combine(RepoRoot(), "ivr-scripts", "prompts", "en", "greeting.wav");
        var prompt = PromptCache.Load(promptPath);
        await using var uas = await MediaUas.StartAsync(27320, 27379);
        using var baresip = Baresip.Start(25620, 25623, 27040, Account(25620), 20, microphoneWav: null, dumpAudio: true,
            $"/dial sip:echo@127.0.0.1:{uas.SipPort}");
        var (call, _) = await uas.AnswerNextAsync(send: new PromptPlayer(prompt), heard: null, TimeSpan.FromSeconds(10));
        await Task.Delay(prompt.Duration + TimeSpan.FromSeconds(1.5));
        await call.HangupAsync();
        Assert.That(await baresip.WaitForAsync("terminated", TimeSpan.FromSeconds(10)), Is.True, baresip.Output);
        await Task.Delay(300); // sndfile closes its files as the call's audio stream goes away

        var heardWav = baresip.HeardWav;
        Assert.That(heardWav, Is.Not.Null, baresip.Output);
        var heard = Wav.ReadMono(heardWav!);
        var reference = AudioMatch.TrimSilence([.. prompt.Samples.Span]);
        Assert.That(Similarity(reference, heard, "baresip recorded our prompt"), Is.GreaterThan(0.6));
        Assert.That(Similarity(reference, AudioMatch.WhiteNoise(heard.Length, 3000, 777), "white noise"), Is.LessThan(0.3), "white noise");
        // Nor is any speech enough: another prompt in the same voice does not match what baresip heard.
        var other = AudioMatch.TrimSilence([.. PromptCache.Load(Path.Combine(RepoRoot(), "ivr-scripts", "prompts", "en", "goodbye.wav")).Samples.Span]);
        Assert.That(Similarity(other, heard, "a different prompt"), Is.LessThan(0.4), "a different prompt");
    }

    /// <summary>Median best-lag correlation of the reference's 0.5 s pieces with the recording (see <see cref="AudioMatch.ChunkCorrelations"/>); logged.</summary>
    private static double Similarity(short[] reference, short[] recording, string what)
    {
        var (peak, lag) = AudioMatch.BestCorrelation(reference, recording, maxLag: 3 * 8000);
        var chunks = AudioMatch.ChunkCorrelations(reference, recording, maxLag: 3 * 8000);
        double median = AudioMatch.MedianPeak(chunks);
        TestContext.Progress.WriteLine($"{what}: median piece {median:F3}; whole {peak:F3} at {lag / 8.0:F0} ms; pieces "
            + string.Join(", ", chunks.Select(c => $"{c.Peak:F2}@{c.Lag / 8.0:F0}ms")));
        return median;
    }

    /// <summary>espeak-ng speech resampled to 8 kHz mono 16-bit, padded with 3 s of silence (baresip hangs up at the end).</summary>
    private static async Task MakeSpeechAsync(string dir, string text, string output)
    {
        string raw = Path.Combine(dir, "speech.wav");
        using (var espeak = PeerProcess.Start("espeak-ng", ["-v", "en", "-w", raw, text], dir))
        {
            Assert.That(await espeak.WaitForExitAsync(TimeSpan.FromSeconds(15)), Is.True, espeak.Output);
        }
        using var sox = PeerProcess.Start("sox", [raw, "-r", "8000", "-c", "1", "-b", "16", output, "pad", "0", "3"], dir);
        Assert.That(await sox.WaitForExitAsync(TimeSpan.FromSeconds(15)), Is.True, sox.Output);
        Assert.That(File.Exists(output), Is.True, sox.Output);
    }

    internal static string RepoRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Telephony.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new DirectoryNotFoundException("Telephony.sln not found above the test directory");
    }
}
