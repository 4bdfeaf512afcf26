using OpenQA.Selenium.Interactions;
using OpenQA.Selenium.Support.UI;
using Telephony.Cases;
using Telephony.Cases.Storage;
using Telephony.ContactCenter.Seats;
using Telephony.Sip.UserAgent;
using Telephony.Testing.Calls;
using Telephony.Testing.Sip;

namespace Telephony.Web.Tests;

/// <summary>
/// A real call from a citizen's phone through the IVR (9: English) to an agent whose seat has a SIP phone:
/// the page shows the pop with the citizen's two earlier cases before the phone rings; the phone answers;
/// the agent saves a case during the call (linked to the call record and recording), hangs up from the
/// page, and ends the wrap-up by going Ready (the end is in the call record).
/// </summary>
public sealed class DeskCallTests
{
    private const string Citizen = "13900139002";

    [Test]
    [CancelAfter(120_000)]
    public async Task The_pop_shows_the_citizens_history_before_the_ring_and_a_case_saved_in_the_call_is_linked_to_it()
    {
        await using var site = new DeskSite();
        var cases = site.Service<CaseService>();
        var staff = new Actor("earlier agent", ActorRole.Agent);
        var answered = await cases.CreateAsync(new CaseIntake { Channel = CaseChannel.Phone, Category = CaseCategory.Consultation, Description = "Bus 101 timetable", CitizenPhone = Citizen }, staff);
        answered = await cases.TransitionAsync(answered.Id, new Transition { Action = CaseAction.AnswerDirectly, ExpectedVersion = answered.Version, ReplyText = "every 30 minutes" }, staff);
        var open = await cases.CreateAsync(new CaseIntake { Channel = CaseChannel.Web, Category = CaseCategory.Complaint, Description = "Street light broken on Elm Road", CitizenPhone = Citizen }, staff);
        open = await cases.TransitionAsync(open.Id, new Transition { Action = CaseAction.Dispatch, ExpectedVersion = open.Version, DepartmentId = 7 }, staff);

        var seatPhone = await site.SeatPhoneAsync("1049", 1200);
        using var browser = Chromium.Start(new ChromiumOptions { Width = 1366, Height = 1000 }); // a laptop screen: the screenshots go into the README
        site.SignInReady(browser, "1049", "1049");

        var (citizen, call) = await site.EnglishQueueCallAsync(Citizen, 500);

        // The INVITE reaches the seat's phone only after the page acknowledged the pop, which it does once
        // the history is on screen: so at the ring the pop must already list both earlier cases.
        var ringing = await seatPhone.Ua.IncomingCalls.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        var rows = browser.Driver.FindElements(By.CssSelector("#history-cases tbody tr"));
        Assert.That(rows.Select(r => r.FindElement(By.CssSelector("td")).Text), Is.EqualTo(new[] { open.Number, answered.Number }), "newest first, before the ring");
        Assert.That(rows.Select(r => r.GetAttribute("class")), Is.EqualTo(new[] { "open", "" }), "the open case is highlighted");
        Assert.That(browser.Driver.FindElement(By.Id("pop-caller")).Text, Is.EqualTo(Citizen));
        Assert.That(browser.Driver.FindElement(By.Id("pop-queue")).Text, Is.EqualTo("english"));
        Assert.That(browser.Driver.FindElement(By.Id("pop-keys")).Text, Does.Contain('9'));
        Assert.That(browser.Driver.FindElement(By.Id("repeat-flag")).Displayed, Is.True, "cases from today: a repeat caller");
        browser.WaitVisible("#call-phase[data-phase='ringing']");
        browser.Screenshot("pop");

        await ringing.AcceptAsync(seatPhone.Answer(ringing.Invite.Body));
        browser.WaitVisible("#call-phase[data-phase='talking']");
        browser.WaitVisible("#case-panel");
        Assert.That(browser.Driver.FindElement(By.Id("case-phone")).GetAttribute("value"), Is.EqualTo(Citizen), "prefilled phone");
        Assert.That(browser.Driver.FindElement(By.Id("case-call")).GetAttribute("value"), Is.EqualTo(call.CallId), "prefilled call id");
        Assert.That(browser.Driver.FindElement(By.Id("case-channel")).GetAttribute("value"), Is.EqualTo("phone"));
        browser.Screenshot("call");

        new SelectElement(browser.Driver.FindElement(By.Id("case-category"))).SelectByValue("Complaint");
        new SelectElement(browser.Driver.FindElement(By.Id("case-district"))).SelectByIndex(1);
        browser.Driver.FindElement(By.Id("case-address")).SendKeys("Elm Road 12");
        browser.Driver.FindElement(By.Id("case-matter")).SendKeys("The street light is still broken; it is dark at night.");
        browser.Driver.FindElement(By.Id("case-dispatch")).Click();
        var departments = new SelectElement(browser.Driver.FindElement(By.Id("case-department")));
        departments.SelectByIndex(6);
        long department = long.Parse(departments.SelectedOption.GetAttribute("value")!, System.Globalization.CultureInfo.InvariantCulture);
        browser.Driver.FindElement(By.Id("case-save")).Click();
        var result = browser.WaitText("#case-result", "saved");
        browser.Screenshot("case-form");

        long caseId = long.Parse(result.GetAttribute("data-case-id")!, System.Globalization.CultureInfo.InvariantCulture);
        var saved = await cases.GetAsync(caseId, Actor.System);
        var early = await site.Service<ICallRecordStore>().GetCallRecordAsync(call.CallId);
        Assert.That((saved.CallId, saved.CitizenPhone, saved.Channel, saved.Status, saved.DepartmentId),
            Is.EqualTo((call.CallId, Citizen, CaseChannel.Phone, CaseStatus.Dispatched, (long?)department)));
        Assert.That(saved.RecordingPath, Is.Not.Null.And.EqualTo(early!.RecordingPath), "linked to the call's recording");

        new Actions(browser.Driver).KeyDown(Keys.Alt).SendKeys("h").KeyUp(Keys.Alt).Perform();
        await ringing.NextAsync<CallEnded>();
        browser.WaitVisible("#call-phase[data-phase='ended']");
        DeskSite.WaitState(browser, "WrapUp");
        Assert.That(browser.WaitVisible("#wrapup-countdown").Text, Does.Match(@"^\d+:\d\d$"), "wrap-up countdown");
        await call.HangupAsync(); // the citizen leaves the post-call survey
        var record = await site.Service<ICallRecordStore>().WaitForRecordAsync(call.CallId);
        Assert.That((record.Outcome, record.AgentId, record.WrapUpEndedAt), Is.EqualTo(("answered", "1049", (DateTimeOffset?)null)));

        new Actions(browser.Driver).KeyDown(Keys.Alt).SendKeys("r").KeyUp(Keys.Alt).Perform();
        DeskSite.WaitState(browser, "Ready");
        browser.Until(_ => browser.Driver.FindElement(By.Id("call-panel")).Displayed ? null : "gone", what: "the pop cleared after wrap-up");
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await site.Service<ICallRecordStore>().GetCallRecordAsync(call.CallId))!.WrapUpEndedAt is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        Assert.That((await site.Service<ICallRecordStore>().GetCallRecordAsync(call.CallId))!.WrapUpEndedAt, Is.Not.Null, "Ready ended the wrap-up in the call record");
        Assert.That((await site.SeatAsync("1049"))!.State, Is.EqualTo(SeatState.Ready));
    }
}
