using Telephony.ContactCenter.Agents;
using Telephony.Server.Sip;

namespace Telephony.Web.Tests;

/// <summary>
/// Issue 14, the administration page: an admin adds an agent with skills and a seat with its SIP password in the
/// browser; the server has both at once (no restart), and a removed agent leaves the list.
/// </summary>
public sealed class AdminPageTests
{
    [Test]
    [CancelAfter(90_000)]
    public async Task An_admin_adds_an_agent_and_a_seat_in_the_page_and_the_server_has_them_at_once()
    {
        await using var site = new DeskSite();
        using var browser = Chromium.Start(new ChromiumOptions { Width = 1366, Height = 900 });
        browser.Open(new Uri(site.Http, "/admin.html"));
        browser.WaitVisible("#login-form input[name='username']").SendKeys("admin");
        browser.Driver.FindElement(By.CssSelector("#login-form input[name='password']")).SendKeys("demo-admin");
        browser.Driver.FindElement(By.CssSelector("#login-form button[type='submit']")).Click();
        browser.WaitVisible("#agent-rows tr[data-id='1001']");

        browser.Driver.FindElement(By.CssSelector("#agent-form input[name='id']")).SendKeys("7001");
        browser.Driver.FindElement(By.CssSelector("#agent-form input[name='name']")).SendKeys("Zhou Lei");
        browser.Driver.FindElement(By.CssSelector("#agent-form input[name='skills']")).SendKeys("zh general taxi");
        browser.Driver.FindElement(By.Id("agent-save")).Click();
        Assert.That(browser.WaitVisible("#agent-rows tr[data-id='7001']").Text, Does.Contain("Zhou Lei").And.Contain("general taxi zh"));
        Assert.That(site.Service<AgentDirectory>().Find("7001")!.Skills, Is.EquivalentTo(new[] { "zh", "general", "taxi" }));

        browser.Driver.FindElement(By.CssSelector("#seat-form input[name='extension']")).SendKeys("1052");
        browser.Driver.FindElement(By.CssSelector("#seat-form input[name='password']")).SendKeys("page-secret-1052");
        browser.Driver.FindElement(By.Id("seat-save")).Click();
        browser.WaitVisible("#seat-rows tr[data-extension='1052']");
        Assert.That(site.Service<SeatDirectory>().Contains("1052"), Is.True, "the seat can register at once");
        Assert.That(browser.Script("return document.getElementById('admin-error').textContent;"), Is.EqualTo(""));
        browser.Screenshot("admin");

        browser.Driver.FindElement(By.CssSelector("#agent-rows tr[data-id='7001']")).FindElements(By.TagName("button")).Single(b => b.Text == "Remove").Click();
        browser.Until(d => d.FindElements(By.CssSelector("#agent-rows tr[data-id='7001']")).Count == 0 ? "gone" : null, TimeSpan.FromSeconds(10), "the removed agent leaving the list");
        Assert.That(site.Service<AgentDirectory>().Find("7001"), Is.Null);
    }
}
