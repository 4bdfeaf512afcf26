namespace Telephony.Web.Tests;

/// <summary>The browser fixture itself: Debian's Chromium starts headless, runs a script and takes a screenshot.</summary>
public sealed class ChromiumTests
{
    [Test]
    [CancelAfter(60_000)]
    public void A_headless_chromium_runs_a_page_and_saves_a_screenshot()
    {
        using var browser = Chromium.Start();
        browser.Open(new Uri("data:text/html,<title>t</title><p id=x>hello</p><script>document.getElementById('x').textContent += ' ' + (1+1)</script>"));
        Assert.That(browser.WaitText("#x", "hello 2").Text, Is.EqualTo("hello 2"));
        var png = browser.Screenshot("blank");
        Assert.That(new FileInfo(png).Length, Is.GreaterThan(100));
    }
}
