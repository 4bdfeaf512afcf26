namespace Telephony.Interop.Tests.Calls;

/// <summary>
/// Whether a baresip caller heard the 12345 script's opening greeting (Mandarin: no key was pressed; on a holiday or
/// the leaders' answering day the script opens with that day's greeting instead), by correlating its dump with the
/// prompts; the same statistic on noise must fail, so audio that was still encrypted would not pass.
/// </summary>
internal static class GreetingHeard
{
    public static void AssertIn(Baresip baresip)
    {
        var heard = baresip.Heard();
        Assert.That(heard, Has.Length.GreaterThan(16000), baresip.Output);
        var greetings = new[] { "greeting", "holiday-greeting", "leaders-greeting" }.Select(name => AudioMatch.TrimSilence(
            [.. PromptCache.Load(Path.Combine(Media.BaresipMediaTests.RepoRoot(), "ivr-scripts", "prompts", "zh", name + ".wav")).Samples.Span])).ToList();
        double match = greetings.Max(g => AudioMatch.MedianPeak(AudioMatch.ChunkCorrelations(g, heard, maxLag: 3 * 8000)));
        Assert.That(match, Is.GreaterThan(0.6), "baresip heard the greeting");
        double noise = greetings.Max(g => AudioMatch.MedianPeak(AudioMatch.ChunkCorrelations(g, AudioMatch.WhiteNoise(heard.Length, 3000, 99), maxLag: 3 * 8000)));
        Assert.That(noise, Is.LessThan(0.3), "the statistic fails on noise (what encrypted audio played as plain would be)");
    }
}
