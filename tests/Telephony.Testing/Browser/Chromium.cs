using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Telephony.Testing.Browser;

/// <summary>
/// One headless Chromium driven by Debian's chromedriver for one test (or one fixture): explicit binary
/// and driver paths (nothing is downloaded), a fresh profile, fake media devices with the permission
/// prompt auto-accepted, and helpers for waits, screenshots (saved under the test output and attached to
/// the test result) and the browser console. Disposing quits the browser and ends the driver by its PID.
/// </summary>
public sealed class Chromium : IDisposable
{
    private readonly ChromeDriverService _service;
    private readonly ChromeDriver _driver;
    private readonly ChromiumOptions _options;

    private Chromium(ChromeDriverService service, ChromeDriver driver, ChromiumOptions options)
    {
        _service = service;
        _driver = driver;
        _options = options;
    }

    /// <summary>The driver, for anything the helpers below do not cover.</summary>
    public ChromeDriver Driver => _driver;

    /// <summary>Whether this machine has both the browser and the driver (tests are inconclusive without them).</summary>
    public static bool IsInstalled(ChromiumOptions? options = null)
    {
        options ??= new ChromiumOptions();
        return File.Exists(options.BrowserPath) && File.Exists(options.DriverPath);
    }

    /// <summary>Starts a browser, or marks the test inconclusive when Chromium is not installed.</summary>
    public static Chromium Start(ChromiumOptions? options = null)
    {
        options ??= new ChromiumOptions();
        if (!IsInstalled(options))
            Assert.Ignore($"Chromium tests need {options.BrowserPath} and {options.DriverPath} (apt-get install chromium chromium-driver).");

        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(options.DriverPath)!, Path.GetFileName(options.DriverPath));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var chrome = new ChromeOptions { BinaryLocation = options.BrowserPath };
        chrome.AddArguments(
            "--headless=new",
            "--no-sandbox",                     // containers and CI run as root without user namespaces
            "--disable-dev-shm-usage",          // small /dev/shm in containers
            "--disable-gpu",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--disable-background-networking",  // no update checks, no safe-browsing fetches: loopback only
            "--disable-component-update",
            "--disable-sync",
            "--metrics-recording-only",
            "--mute-audio",
            "--autoplay-policy=no-user-gesture-required",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            $"--lang={options.Language}",
            $"--window-size={options.Width},{options.Height}");
        if (options.LoopbackPeerConnections)
            chrome.AddArgument("--allow-loopback-in-peer-connection");
        if (options.FakeAudioCapture is { } wav)
            chrome.AddArgument($"--use-file-for-fake-audio-capture={wav}");
        chrome.AddUserProfilePreference("intl.accept_languages", options.Language);
        chrome.SetLoggingPreference(LogType.Browser, LogLevel.All);

        try
        {
            var driver = new ChromeDriver(service, chrome, TimeSpan.FromSeconds(60));
            return new Chromium(service, driver, options);
        }
        catch
        {
            service.Dispose();
            throw;
        }
    }

    /// <summary>Opens <paramref name="url"/>.</summary>
    public void Open(Uri url) => _driver.Navigate().GoToUrl(url);

    /// <summary>Waits until an element matching <paramref name="css"/> is displayed, and returns it.</summary>
    public IWebElement WaitVisible(string css, TimeSpan? timeout = null) =>
        Until(d => d.FindElements(By.CssSelector(css)).FirstOrDefault(e => e.Displayed), timeout, $"'{css}' visible");

    /// <summary>Waits until the element matching <paramref name="css"/> shows text containing <paramref name="text"/>.</summary>
    public IWebElement WaitText(string css, string text, TimeSpan? timeout = null) =>
        Until(d => d.FindElements(By.CssSelector(css)).FirstOrDefault(e => e.Displayed && e.Text.Contains(text, StringComparison.Ordinal)),
            timeout, $"'{css}' showing \"{text}\"");

    /// <summary>Waits until <paramref name="condition"/> gives a non-null value; fails with what was awaited, the page text and the console.</summary>
    public T Until<T>(Func<IWebDriver, T?> condition, TimeSpan? timeout = null, string? what = null) where T : class
    {
        var wait = new WebDriverWait(_driver, timeout ?? _options.Wait) { PollingInterval = TimeSpan.FromMilliseconds(50) };
        wait.IgnoreExceptionTypes(typeof(StaleElementReferenceException), typeof(NoSuchElementException));
        try
        {
            return wait.Until(d => condition(d))!;
        }
        catch (WebDriverTimeoutException)
        {
            Screenshot("timeout");
            Assert.Fail($"Timed out waiting for {what ?? "a condition"}.\nPage: {PageText()}\nConsole:\n{string.Join('\n', ConsoleLines())}");
            throw;
        }
    }

    /// <summary>Runs a script in the page and returns its value.</summary>
    public object? Script(string script, params object[] args) => _driver.ExecuteScript(script, args);

    /// <summary>The visible text of the page body (for failure messages).</summary>
    public string PageText()
    {
        try
        {
            return _driver.FindElement(By.TagName("body")).Text;
        }
        catch (WebDriverException e)
        {
            return "(no page: " + e.Message + ")";
        }
    }

    /// <summary>The browser console lines since the last call (errors from the page's scripts show here).</summary>
    public IReadOnlyList<string> ConsoleLines()
    {
        try
        {
            return _driver.Manage().Logs.GetLog(LogType.Browser).Select(l => $"{l.Level} {l.Message}").ToList();
        }
        catch (WebDriverException)
        {
            return [];
        }
    }

    /// <summary>
    /// Saves a PNG of the page as <c>screenshots/&lt;test&gt;-&lt;name&gt;.png</c> under the test output folder,
    /// attaches it to the test result, and returns its path.
    /// </summary>
    public string Screenshot(string name)
    {
        var folder = Path.Combine(TestContext.CurrentContext.WorkDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var safe = string.Concat((TestContext.CurrentContext.Test.Name + "-" + name).Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
        var path = Path.Combine(folder, safe + ".png");
        _driver.GetScreenshot().SaveAsFile(path);
        TestContext.AddTestAttachment(path, name);
        return path;
    }

    public void Dispose()
    {
        try
        {
            _driver.Quit();
        }
        catch (WebDriverException)
        {
            // The browser is already gone; the driver process is ended below.
        }
        _driver.Dispose();
        _service.Dispose();
    }
}
