namespace Telephony.Testing.Browser;

/// <summary>
/// How a test wants its Chromium: the window size screenshots are taken at, and, for pages that use the
/// microphone (WebRTC), a WAV file played as the fake capture device.
/// </summary>
public sealed record ChromiumOptions
{
    /// <summary>Debian's browser; set explicitly so Selenium Manager never looks for (or downloads) one.</summary>
    public string BrowserPath { get; init; } = Environment.GetEnvironmentVariable("TELEPHONY_TEST_CHROMIUM") ?? "/usr/bin/chromium";

    /// <summary>Debian's driver (package chromium-driver), matching <see cref="BrowserPath"/>'s version.</summary>
    public string DriverPath { get; init; } = Environment.GetEnvironmentVariable("TELEPHONY_TEST_CHROMEDRIVER") ?? "/usr/bin/chromedriver";

    public int Width { get; init; } = 1280;

    public int Height { get; init; } = 860;

    /// <summary>
    /// A WAV file the fake microphone plays in a loop (<c>--use-file-for-fake-audio-capture</c>); null gives
    /// Chromium's own fake device (a beep). Media permission prompts are always auto-accepted.
    /// </summary>
    public string? FakeAudioCapture { get; init; }

    /// <summary>Page language (Accept-Language and navigator.language), e.g. "en-US" or "zh-CN".</summary>
    public string Language { get; init; } = "en-US";

    /// <summary>
    /// WebRTC with a server on loopback: Chromium gathers no loopback candidates unless told to
    /// (<c>--allow-loopback-in-peer-connection</c>); tests keep every address on 127.0.0.1.
    /// </summary>
    public bool LoopbackPeerConnections { get; init; }

    /// <summary>How long an element wait lasts before the test fails.</summary>
    public TimeSpan Wait { get; init; } = TimeSpan.FromSeconds(10);
}
