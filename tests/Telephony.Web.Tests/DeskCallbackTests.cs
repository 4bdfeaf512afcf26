using Telephony.Cases;
using Telephony.Cases.Callbacks;
using Telephony.Cases.Storage;
using Telephony.Sip.UserAgent;
using Telephony.Testing.Calls;
using Telephony.Testing.Phones;
using Telephony.Testing.Sip;

namespace Telephony.Web.Tests;

/// <summary>
/// The desk's callback card in real Chromium: agent 1049 (Not ready) lists the missed-call tasks, presses "Call back" on
/// one: the seat's SIP phone rings, then the citizen's phone behind the trunk (a test phone), and the card shows the
/// attempt's outcome; then the return visit (回访) of a case: the citizen is called from the case and the verdict saved
/// with it closes the case, its history naming the call.
/// </summary>
public sealed class DeskCallbackTests
{
    private const string Number = "13900007777";

    [Test]
    [CancelAfter(150_000)]
    public async Task The_agent_calls_a_missed_call_back_from_the_list_and_makes_a_return_visit_from_a_case()
    {
        await using var handsetMedia = Telephony.Testing.Phones.PhoneMedia.Start(27900, 27999);
        await using var handset = await TestPhone.StartAsync($"sip:{Number}@127.0.0.1", 1300, handsetMedia); // the citizen's phone behind the trunk
        var port = handset.Ua.Endpoint.LocalEndPoints.First().EndPoint.Port;
        await using var site = new DeskSite(new Dictionary<string, string>
        {
            ["Trunks:OutboundUri"] = $"sip:{{number}}@127.0.0.1:{port}",
            ["Calls:CallbackTasksQueued"] = "0", // the list's path: the ACD does not offer the task by itself here
        });
        var seatPhone = await site.SeatPhoneAsync("1049", 700);
        seatPhone.AutoAnswer();
        handset.AutoAnswer();
        var tasks = site.Service<ICallbackTaskStore>();
        var task = await tasks.AddCallbackTaskAsync(CallbackKind.MissedCall, Number, "missed-web-1", DateTimeOffset.UtcNow.AddMinutes(-4));
        var cases = site.Service<CaseService>();
        var actor = new Actor("agent1049", ActorRole.Agent);
        var created = await cases.CreateAsync(new CaseIntake { Channel = CaseChannel.Phone, Category = CaseCategory.HelpRequest, Description = "pothole on Elm Road", CitizenPhone = Number }, actor);
        await cases.TransitionAsync(created.Id, new Transition { Action = CaseAction.AnswerDirectly, ExpectedVersion = created.Version, ReplyText = "reported to roads" }, actor);

        using var browser = Chromium.Start(new ChromiumOptions { Width = 1366, Height = 1100 });
        site.SignIn(browser, "1049", "1049");
        var row = browser.WaitVisible($"#cb-list tr[data-task='{task!.Id}']");
        Assert.That(row.Text, Does.Contain(Number).And.Contain("missed call"));
        browser.Screenshot("callbacks-list");

        // Call back from the list: the seat's phone, then the citizen's; the card shows the outcome.
        row.FindElement(By.CssSelector("button.cb-dial")).Click();
        browser.WaitText("#cb-status", "answer your phone");
        var seatCall = await seatPhone.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        var citizenCall = await handset.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        Assert.That(((Telephony.Sip.Messages.SipUri)citizenCall.Invite.RequestUri).User, Is.EqualTo(Number), "dialled through the trunk");
        await Task.Delay(800);
        await citizenCall.HangupAsync();
        await seatCall.NextAsync<CallEnded>(TimeSpan.FromSeconds(10));
        browser.WaitText("#cb-status", "reached", TimeSpan.FromSeconds(15));
        Assert.That(browser.Driver.FindElement(By.Id("cb-status")).Text, Does.Contain("done"));
        Assert.That((await tasks.GetCallbackTaskAsync(task.Id))!.State, Is.EqualTo(CallbackTaskState.Done));

        // The return visit of the case: the citizen is called, and the verdict is saved with the case.
        browser.Driver.FindElement(By.Id("rv-case")).SendKeys(created.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        browser.Driver.FindElement(By.Id("rv-dial")).Click();
        browser.WaitText("#rv-status", "answer your phone");
        var visitSeat = await seatPhone.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        var visitCitizen = await handset.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        var visitCallId = visitSeat.Invite.GetHeader("X-Telephony-Call")!;
        await site.Service<ICallRecordStore>().WaitForRecordAsync(visitCallId, r => r.AnsweredAt is not null, "the live record of the answer");
        browser.Driver.FindElement(By.Id("rv-note")).SendKeys("the road is mended");
        browser.Screenshot("callbacks-card");
        browser.Driver.FindElement(By.Id("rv-save")).Click();
        browser.WaitVisible("#rv-status[data-status='Closed']");
        browser.Screenshot("return-visit-saved");
        await visitCitizen.HangupAsync();
        await visitSeat.NextAsync<CallEnded>(TimeSpan.FromSeconds(10));

        var closed = await cases.GetAsync(created.Id, actor);
        Assert.That((closed.Status, closed.Satisfaction), Is.EqualTo((CaseStatus.Closed, (Satisfaction?)Satisfaction.Satisfied)));
        Assert.That((await cases.GetAuditAsync(created.Id, actor)).Last().Note, Does.Contain(visitCallId).And.Contain("the road is mended"));
        var record = await site.Service<ICallRecordStore>().WaitForRecordAsync(visitCallId);
        Assert.That((record.Outcome, record.CaseId), Is.EqualTo(((string?)"return-visit", (long?)created.Id)));
    }
}
