using OpenQA.Selenium.Interactions;
using Telephony.ContactCenter.Seats;

namespace Telephony.Web.Tests;

/// <summary>An agent signs in at a seat and works its state from the page: buttons, keyboard, language, knowledge.</summary>
public sealed class DeskStateTests
{
    [Test]
    [CancelAfter(90_000)]
    public async Task An_agent_signs_in_and_goes_ready_and_not_ready_by_button_and_keyboard()
    {
        await using var site = new DeskSite();
        using var browser = Chromium.Start();
        site.SignIn(browser, "1049", "1049");
        Assert.That(browser.Driver.FindElement(By.Id("state-badge")).Text, Is.EqualTo("Not ready"), "an English-queue agent starts in English");

        browser.Driver.FindElement(By.Id("btn-ready")).Click();
        DeskSite.WaitState(browser, "Ready");
        Assert.That((await site.SeatAsync("1049"))!.State, Is.EqualTo(SeatState.Ready));

        Keys("n");
        DeskSite.WaitState(browser, "NotReady");
        var seat = await site.SeatAsync("1049");
        Assert.That((seat!.State, seat.Reason), Is.EqualTo((SeatState.NotReady, "break")), "Alt+N: the first configured reason");
        browser.WaitText("#state-reason", "break");

        Keys("r");
        DeskSite.WaitState(browser, "Ready");
        Assert.That((await site.SeatAsync("1049"))!.State, Is.EqualTo(SeatState.Ready));
        Assert.That(browser.Driver.FindElement(By.Id("state-time")).Text, Does.Match(@"^\d+:\d\d$"), "time in state");

        browser.Driver.FindElement(By.Id("language")).Click();
        browser.WaitText("#state-badge", "空闲");
        browser.Driver.FindElement(By.Id("language")).Click();
        browser.WaitText("#state-badge", "Ready");

        browser.Driver.FindElement(By.Id("kb-query")).SendKeys("12348");
        var hit = browser.WaitText("#kb-results li[data-kind='partner']", "Legal aid");
        Assert.That(hit.Text, Does.Contain("24 h"), "the hotline's hours");

        void Keys(string key) => new Actions(browser.Driver).KeyDown(OpenQA.Selenium.Keys.Alt).SendKeys(key).KeyUp(OpenQA.Selenium.Keys.Alt).Perform();
    }
}
