using Telephony.ContactCenter.Seats;

namespace Telephony.Web.Tests;

/// <summary>A server restart while the agent is Ready: the page comes back by itself, at its seat, Ready, without a reload.</summary>
public sealed class DeskRestartTests
{
    [Test]
    [CancelAfter(120_000)]
    public async Task After_a_server_restart_the_page_is_back_at_its_seat_and_ready_without_a_reload()
    {
        await using var site = new DeskSite();
        using var browser = Chromium.Start();
        site.SignIn(browser, "1050", "1050");
        browser.Driver.FindElement(By.Id("btn-ready")).Click();
        DeskSite.WaitState(browser, "Ready");
        browser.Script("window.sameDocument = 'yes';");

        await site.Server.RestartAsync();
        // The restarted server keeps seats in-process: it knows no seat until the page logs in again.
        browser.WaitVisible("#connection[data-state='online']", TimeSpan.FromSeconds(40));
        DeskSite.WaitState(browser, "Ready", TimeSpan.FromSeconds(20));
        var deadline = DateTime.UtcNow.AddSeconds(10);
        SeatSnapshot? seat = null;
        while (DateTime.UtcNow < deadline && (seat = await site.SeatAsync("1050")) is not { State: SeatState.Ready })
        {
            await Task.Delay(50);
        }
        Assert.That((seat?.State, seat?.AgentId), Is.EqualTo(((SeatState?)SeatState.Ready, "1050")), "the restarted server has the seat logged in and Ready");
        Assert.That(browser.Script("return window.sameDocument;"), Is.EqualTo("yes"), "no reload: the same document reconnected");
        Assert.That(browser.Driver.FindElement(By.Id("seat-ext")).Text, Is.EqualTo("1050"));
    }
}
