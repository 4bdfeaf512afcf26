using System.Diagnostics;
using Telephony.ContactCenter.Seats;
using Telephony.Sip.UserAgent;
using Telephony.Testing.Calls;
using Telephony.Testing.Sip;
using static Telephony.Testing.Audio.ThreePartyTones;

namespace Telephony.Web.Tests;

/// <summary>
/// The supervisors' wall in a real browser beside an agent's desk in another, with a real call from a
/// citizen's phone to the agent's SIP phone: each seat change is on the wall within a second (pushed,
/// the wall never polls), a supervisor's forced Not ready reaches the agent's desk, and one click on the
/// live call rings the supervisor's seat phone, which then hears citizen and agent.
/// </summary>
public sealed class WallTests
{
    private const string Citizen = "13900139012";
    private static readonly TimeSpan OneSecond = TimeSpan.FromSeconds(1);

    [Test]
    [CancelAfter(150_000)]
    public async Task The_wall_follows_the_floor_within_a_second_and_controls_seats_and_calls_by_click()
    {
        await using var site = new DeskSite();
        var seatPhone = await site.SeatPhoneAsync("1049", AgentHz);
        var supervisorPhone = await site.SeatPhoneAsync("1051", SupervisorHz);
        supervisorPhone.AutoAnswer();
        using var desk = Chromium.Start();
        site.SignIn(desk, "1049", "1049");
        using var wall = Chromium.Start(new ChromiumOptions { Width = 1600, Height = 1100 }); // a wall screen: the screenshot goes into docs/
        SignInAsSupervisor(site, wall);
        WaitSeat(wall, "1049", "NotReady");
        Assert.That(wall.Driver.FindElement(By.Id("node-scope")).Text, Does.Contain("every node"), "the wall shows every node's calls, and says which node serves it");

        // The agent goes Ready on the desk: the wall shows it within a second of the store's change.
        desk.Driver.FindElement(By.Id("btn-ready")).Click();
        await WithinASecondAsync(site, wall, "1049", SeatState.Ready);

        // A real call: IVR (9: English), the seat's phone rings and answers.
        var (citizen, call) = await site.EnglishQueueCallAsync(Citizen, CallerHz);
        var ringing = await seatPhone.Ua.IncomingCalls.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        await WithinASecondAsync(site, wall, "1049", SeatState.Ringing);
        await ringing.AcceptAsync(seatPhone.Answer(ringing.Invite.Body));
        var onCall = await WithinASecondAsync(site, wall, "1049", SeatState.OnCall);
        wall.Until(_ => onCall.FindElement(By.CssSelector(".call")).Text.Contains(Citizen, StringComparison.Ordinal) ? "shown" : null, OneSecond, "the caller on the tile");
        Assert.That(onCall.FindElement(By.CssSelector(".call")).Text, Does.Contain("english"), "the queue");

        // Monitor by one click, from the supervisor's seat phone (1051): it rings, answers, hears both sides.
        wall.Driver.FindElement(By.Id("my-seat")).SendKeys("1051");
        Click(wall, "1049", "monitor");
        var supervised = await supervisorPhone.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await supervised.NextAsync<CallEstablished>();
        await Task.Delay(500);
        await Tones.ExpectAsync(supervisorPhone, "the supervisor (monitor by click)", CallerHz, AgentHz);
        await Tones.ExpectAsync(citizen, "the citizen while monitored", AgentHz);
        wall.Script("window.scrollTo(0, 0)");
        wall.Screenshot("wall");
        Click(wall, "1049", "leave");
        await supervised.NextAsync<CallEnded>().WaitAsync(TimeSpan.FromSeconds(5));

        // The agent hangs up: wrap-up on the wall within a second; the supervisor forces Not ready, the desk shows it.
        await ringing.HangupAsync();
        await WithinASecondAsync(site, wall, "1049", SeatState.WrapUp);
        await call.HangupAsync();
        var reason = wall.Driver.FindElement(By.Id("force-reason"));
        reason.Clear();
        reason.SendKeys("team meeting");
        Click(wall, "1049", "force-notready");
        DeskSite.WaitState(desk, "NotReady", TimeSpan.FromSeconds(5));
        desk.WaitText("#state-reason", "team meeting");
        var seat = await site.SeatAsync("1049");
        Assert.That((seat!.State, seat.Reason), Is.EqualTo((SeatState.NotReady, "team meeting")));
        WaitSeat(wall, "1049", "NotReady");
        Assert.That(wall.ConsoleLines().Where(l => l.Contains("SEVERE", StringComparison.Ordinal)), Is.Empty, "no script errors on the wall");
    }

    internal static void SignInAsSupervisor(DeskSite site, Chromium browser, string user = "supervisor", string password = "demo-supervisor")
    {
        browser.Open(new Uri(site.Http, "/supervisor.html"));
        browser.WaitVisible("#login-user").SendKeys(user);
        browser.Driver.FindElement(By.Id("login-password")).SendKeys(password);
        browser.Driver.FindElement(By.Id("login-submit")).Click();
        browser.WaitVisible("#seat-map .seat");
    }

    /// <summary>Clicks a tile's button; a push may replace the tile between finding and clicking, so a stale one is found again.</summary>
    internal static void Click(Chromium browser, string seat, string action) =>
        browser.Until(_ =>
        {
            try
            {
                Tile(browser, seat).FindElement(By.CssSelector($"button[data-action='{action}']")).Click();
                return "clicked";
            }
            catch (StaleElementReferenceException)
            {
                return null;
            }
        }, TimeSpan.FromSeconds(5), $"{action} on seat {seat}");

    private static IWebElement Tile(Chromium browser, string seat) => browser.Driver.FindElement(By.CssSelector($".seat[data-seat='{seat}']"));

    private static IWebElement WaitSeat(Chromium browser, string seat, string state, TimeSpan? timeout = null) =>
        browser.WaitVisible($".seat[data-seat='{seat}'][data-state='{state}']", timeout);

    /// <summary>
    /// Waits for the seat's state on the wall and checks the page showed it within a second of the store's change
    /// (the seat's StateSince against the moment the page rendered it, data-shown-at: one machine, one clock).
    /// </summary>
    private static async Task<IWebElement> WithinASecondAsync(DeskSite site, Chromium browser, string seat, SeatState state)
    {
        var tile = WaitSeat(browser, seat, state.ToString(), TimeSpan.FromSeconds(10));
        var shown = DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(tile.GetAttribute("data-shown-at")!, System.Globalization.CultureInfo.InvariantCulture));
        var snapshot = await site.SeatAsync(seat);
        Assert.That(snapshot!.State, Is.EqualTo(state));
        var lag = shown - snapshot.StateSince;
        TestContext.Out.WriteLine($"seat {seat} {state}: on the wall {lag.TotalMilliseconds:F0} ms after the change");
        Assert.That(lag, Is.LessThan(OneSecond), $"seat {seat} {state} on the wall within 1 s");
        return tile;
    }
}
