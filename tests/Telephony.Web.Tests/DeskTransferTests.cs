using Telephony.ContactCenter.Routing;
using Telephony.ContactCenter.Seats;
using Telephony.Sip.UserAgent;
using Telephony.Testing.Calls;
using Telephony.Testing.Sip;

namespace Telephony.Web.Tests;

/// <summary>
/// The desk's transfer panel and the knowledge list's directory buttons: agent 1049 talks to a citizen on the seat's
/// SIP phone, finds 110 in the knowledge list (an emergency entry with transfer and conference buttons), then
/// transfers the call to agent 1050 from the panel; the first phone is hung up, the page shows wrap-up, 1050's phone
/// rings and the call record names both in its parties.
/// </summary>
public sealed class DeskTransferTests
{
    [Test]
    [CancelAfter(150_000)]
    public async Task The_agent_transfers_the_call_to_a_colleague_from_the_transfer_panel()
    {
        await using var site = new DeskSite();
        var seatPhone = await site.SeatPhoneAsync("1049", 1200);
        using var browser = Chromium.Start(new ChromiumOptions { Width = 1366, Height = 1000 });
        site.SignInReady(browser, "1049", "1049");

        browser.Driver.FindElement(By.Id("kb-query")).SendKeys("110");
        var police = browser.WaitText("#kb-results li[data-kind='emergency']", "110");
        Assert.That(police.FindElements(By.CssSelector("button.kb-transfer, button.kb-conference")), Has.Count.EqualTo(2), "transfer and conference buttons");

        var (citizen, call) = await site.EnglishQueueCallAsync("13900139013", 500);
        var ringing = await seatPhone.Ua.IncomingCalls.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        await ringing.AcceptAsync(seatPhone.Answer(ringing.Invite.Body));
        browser.WaitVisible("#call-phase[data-phase='talking']");
        browser.Driver.FindElement(By.Id("case-matter")).SendKeys("Street light out on Elm Road");

        var colleague = await site.SeatPhoneAsync("1050", 1700);
        var acd = site.Service<AutomaticCallDistributor>();
        Assert.That((await acd.LoginAsync("1050", "1050")).Succeeded && (await acd.SetReadyAsync("1050", "1050")).Succeeded, Is.True, "the colleague is Ready");

        browser.Driver.FindElement(By.Id("xfer-target")).SendKeys("agent:1050");
        browser.Screenshot("transfer-panel");
        browser.Driver.FindElement(By.Id("btn-xfer")).Click();
        browser.WaitText("#xfer-status", "agent:1050");
        await ringing.NextAsync<CallEnded>();
        DeskSite.WaitState(browser, "WrapUp");
        var second = await colleague.Ua.IncomingCalls.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        await second.AcceptAsync(colleague.Answer(second.Invite.Body));
        await Task.Delay(500);
        await call.HangupAsync();
        var record = await site.Service<Telephony.Cases.Storage.ICallRecordStore>().WaitForRecordAsync(call.CallId);
        Assert.That(record.AgentId, Is.EqualTo("1050"));
        Assert.That(record.Parties, Does.Contain("agent 1049 transferred to agent 1050"));
    }
}
