using Telephony.Cases.Storage;
using Telephony.Sip.UserAgent;
using Telephony.Testing.Calls;
using Telephony.Testing.Sip;

namespace Telephony.Web.Tests;

/// <summary>
/// A supervisor's recordings page and a call's own trace, on a real call: a citizen reaches agent 1049 (SIP phone),
/// they talk, the citizen hangs up; the supervisor finds the call, plays it in the page (the audit has the row),
/// hears the caller's channel alone, and opens its ladder, which lists INVITE, 180/200, ACK and BYE in order.
/// </summary>
public sealed class RecordingsAndTraceTests
{
    [Test]
    [CancelAfter(150_000)]
    public async Task A_supervisor_plays_a_recording_the_audit_has_the_row_and_the_ladder_shows_the_finished_call()
    {
        await using var site = new DeskSite();
        var seatPhone = await site.SeatPhoneAsync("1049", 1200);
        using var browser = Chromium.Start(new ChromiumOptions { Width = 1366, Height = 1000 });
        site.SignInReady(browser, "1049", "1049");

        var (citizen, call) = await site.EnglishQueueCallAsync("13900139077", 500);
        var ringing = await seatPhone.Ua.IncomingCalls.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        await ringing.AcceptAsync(seatPhone.Answer(ringing.Invite.Body));
        await ringing.NextAsync<CallEstablished>();
        citizen.Listening = true;
        await Task.Delay(3000);
        await call.HangupAsync(); // the citizen leaves the post-call survey too
        await site.Service<ICallRecordStore>().WaitForRecordAsync(call.CallId);

        // The supervisor, in the same browser (the agent's desk session put aside).
        browser.Script("sessionStorage.clear();");
        browser.Open(new Uri(site.Http, "/recordings.html"));
        browser.WaitVisible("#login-form input[name='username']").SendKeys("supervisor");
        browser.Driver.FindElement(By.CssSelector("#login-form input[name='password']")).SendKeys("demo-supervisor");
        browser.Driver.FindElement(By.CssSelector("#login-form button[type='submit']")).Click();
        var row = browser.WaitVisible($"#results tr[data-call-id='{call.CallId}']");
        Assert.That(row.Text, Does.Contain("13900139077").And.Contain("english").And.Contain("1049"));
        row.FindElement(By.CssSelector("button.play")).Click();
        browser.Until(d => (bool)browser.Script("const a = document.getElementById('audio'); return a.currentTime > 0.5 && !a.paused;")! ? "playing" : null,
            TimeSpan.FromSeconds(15), "the recording playing in the page");
        browser.Driver.FindElement(By.CssSelector("input[name='channel'][value='left']")).Click(); // the caller's side alone
        await Task.Delay(500);
        Assert.That(browser.Script("return document.getElementById('player-error').textContent;"), Is.EqualTo(""));

        var audit = await site.Service<IRecordingStore>().ListRecordingAccessAsync(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddMinutes(1), call.CallId, 10);
        Assert.That(audit.Select(a => (a.UserName, a.Role, a.Action, a.Channel)), Is.EqualTo(new[] { ("supervisor", "supervisor", "listen", "both") }), "one listen, however many ranges the player fetched");
        browser.WaitVisible($"#audit-rows tr[data-call-id='{call.CallId}']"); // and the page shows it
        browser.Screenshot("recordings");

        browser.Open(new Uri(site.Http, $"/trace.html?call={Uri.EscapeDataString(call.CallId)}"));
        browser.WaitVisible("#ladder-table tbody tr");
        browser.Until(d => d.FindElements(By.CssSelector("#mos-chart polyline[data-leg='caller']")).FirstOrDefault(), null, "the caller's MOS line");
        var rows = browser.Driver.FindElements(By.CssSelector("#ladder-table tbody tr"))
            .Select(r => (Leg: r.FindElements(By.TagName("td"))[2].Text, Label: r.GetAttribute("data-label")!)).ToList();
        Assert.That(browser.Driver.FindElement(By.Id("live")).Text, Is.EqualTo("ended"));
        foreach (var leg in new[] { "caller", "leg 2" })
        {
            var labels = rows.Where(r => r.Leg == leg).Select(r => r.Label).ToList();
            int invite = labels.IndexOf("INVITE"), ok = labels.IndexOf("200 OK"), ack = labels.IndexOf("ACK"), bye = labels.IndexOf("BYE");
            Assert.That(new[] { invite, ok, ack, bye }, Has.All.GreaterThanOrEqualTo(0), $"{leg}: INVITE, 200, ACK, BYE all there ({string.Join(", ", labels)})");
            Assert.That(new[] { invite, ok, ack, bye }, Is.Ordered.Ascending, $"{leg}: INVITE, 200, ACK, BYE in order ({string.Join(", ", labels)})");
            if (labels.IndexOf("180 Ringing") is var ringing180 and >= 0)
            {
                Assert.That(ringing180, Is.GreaterThan(invite).And.LessThan(ok), "a 180 comes between the INVITE and the 200");
            }
        }
        var shot = browser.Screenshot("trace");
        var docs = FindDocsFolder();
        if (docs is not null)
        {
            File.Copy(shot, Path.Combine(docs, "trace.png"), overwrite: true);
        }
    }

    // The repository's docs folder, when the tests run from a checkout (the screenshot in docs/ is refreshed by this test).
    private static string? FindDocsFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Telephony.sln")))
            {
                return Path.Combine(dir.FullName, "docs");
            }
        }
        return null;
    }
}
