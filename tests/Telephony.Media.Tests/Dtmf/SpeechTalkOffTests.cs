namespace Telephony.Media.Tests.Dtmf;

/// <summary>
/// Talk-off with real synthetic speech: espeak-ng (an installed peer) says hotline phrases in
/// English and Chinese, sox converts them to the 8 kHz prompt format, the prompt cache loads
/// them, and the in-band detector must find no digit in speech but every digit mixed into it.
/// </summary>
public class SpeechTalkOffTests : TempDirectoryTests
{
    private static void Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.StandardOutput.ReadToEnd();
        Assert.That(p.WaitForExit(60_000), Is.True, $"{file} timed out");
        Assert.That(p.ExitCode, Is.Zero, $"{file} failed: {err}");
    }

    private Prompt Speak(string voice, string text)
    {
        string raw = Path.Combine(TempDir, voice + ".raw.wav");
        string wav = Path.Combine(TempDir, voice + ".wav");
        Run("espeak-ng", "-v", voice, "-w", raw, text);
        Run("sox", raw, "-r", "8000", "-c", "1", "-b", "16", wav, "vol", "0.8");
        return new PromptCache().Get(wav);
    }

    private static List<char> Detect(ReadOnlySpan<short> pcm)
    {
        var digits = new List<char>();
        var det = new GoertzelDtmfDetector(e => digits.Add(e.Digit));
        for (int i = 0; i + 160 <= pcm.Length; i += 160)
            det.WriteFrame(pcm.Slice(i, 160));
        return digits;
    }

    [Test]
    [CancelAfter(120_000)]
    public void Speech_alone_gives_no_digits_and_digits_over_speech_are_found()
    {
        var en = Speak("en", "Thank you for calling the one two three four five citizen service hotline. " +
            "Please hold, your call is important to us. Press one for complaints, two for suggestions, nine nine nine.");
        var zh = Speak("zh", "您好，欢迎致电一二三四五市民服务热线。投诉请按一，建议请按二，查询请按三。请稍候，正在为您转接。");
        foreach (var speech in new[] { en, zh })
        {
            Assert.That(speech.Duration, Is.GreaterThan(TimeSpan.FromSeconds(3)));
            Assert.That(Detect(speech.Samples.Span), Is.Empty, $"talk-off in {speech.Name}");

            // The caller presses keys while the prompt plays (barge-in): tones of 4000 each over full-level speech.
            var mixed = speech.Samples.ToArray();
            string keys = "159#";
            for (int k = 0; k < keys.Length; k++)
            {
                var (lo, hi) = keys[k] switch { '1' => (697.0, 1209.0), '5' => (770.0, 1336.0), '9' => (852.0, 1477.0), _ => (941.0, 1477.0) };
                int start = 4000 + k * 4000;
                for (int i = 0; i < 800; i++) // 100 ms
                {
                    double tone = 4000 * (Math.Sin(2 * Math.PI * lo * i / 8000) + Math.Sin(2 * Math.PI * hi * i / 8000));
                    mixed[start + i] = (short)Math.Clamp(mixed[start + i] + tone, short.MinValue, short.MaxValue);
                }
            }
            Assert.That(new string([.. Detect(mixed)]), Is.EqualTo(keys), $"digits over {speech.Name}");
        }
    }
}
