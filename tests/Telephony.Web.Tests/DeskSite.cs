using System.Globalization;
using Telephony.Media;
using Telephony.Sip.UserAgent;
using Telephony.Testing.Sip;
using Telephony.Testing.Phones;

namespace Telephony.Web.Tests;

/// <summary>
/// The whole server on real loopback sockets (Kestrel for the page and the hub, SIP for the phones) with
/// seats 1049–1051 (English-queue agents in the shipped agents file), a long wrap-up so a test ends it by
/// going Ready, and the test phones' own media engine. RTP ports come from this project's range.
/// </summary>
internal sealed class DeskSite : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    /// <param name="moreSettings">Settings on top of the site's (a trunk, say).</param>
    public DeskSite(IReadOnlyDictionary<string, string>? moreSettings = null)
    {
        Server = new TelephonyTestServer(new TelephonyTestServerOptions
        {
            Seats = TelephonyTestServerOptions.SeatsWith("pw-", "1049", "1050", "1051"),
            Kestrel = true,
            Settings = new Dictionary<string, string>((moreSettings ?? new Dictionary<string, string>()).Concat(new Dictionary<string, string>
            {
                // Loopback, ephemeral: never the default 0.0.0.0:5060 another test process may hold.
                ["Sip:Udp"] = "127.0.0.1:0",
                ["Sip:Tcp"] = "127.0.0.1:0",
                ["ContactCenter:RingTimeoutSeconds"] = "10",
                ["ContactCenter:WrapUpSeconds"] = "60",
                ["Calls:RtpPortMin"] = "27100",
                ["Calls:RtpPortMax"] = "27499",
            }.Where(kv => moreSettings?.ContainsKey(kv.Key) != true))),
        });
        PhoneMedia = Telephony.Testing.Phones.PhoneMedia.Start(27500, 27899);
    }

    public TelephonyTestServer Server { get; }

    public MediaEngine PhoneMedia { get; }

    public Uri Http => Server.Http!;

    public T Service<T>() where T : notnull => Server.Service<T>();

    /// <summary>The seat's SIP phone, registered (it does not answer by itself).</summary>
    public async Task<TestPhone> SeatPhoneAsync(string seat, double toneHz)
    {
        var phone = await TestPhone.StartAsync($"sip:{seat}@test.local", toneHz, PhoneMedia, seat, "pw-" + seat);
        _owned.Add(phone);
        var registered = await phone.Ua.RegisterAsync($"sip:127.0.0.1:{Server.SipPort()}", 300);
        Assert.That(registered.StatusCode, Is.EqualTo(200), "REGISTER");
        return phone;
    }

    /// <summary>A citizen's phone calling from <paramref name="number"/>.</summary>
    public async Task<TestPhone> CitizenAsync(string number, double toneHz)
    {
        var phone = await TestPhone.StartAsync($"sip:{number}@127.0.0.1", toneHz, PhoneMedia);
        _owned.Add(phone);
        return phone;
    }

    /// <summary>
    /// A citizen calls 12345 from <paramref name="number"/> and presses 9 (the English queue) once answered by the IVR;
    /// returns the citizen's phone and call (the agent's leg is rung next).
    /// </summary>
    public async Task<(TestPhone Citizen, SipCall Call)> EnglishQueueCallAsync(string number, double toneHz)
    {
        var citizen = await CitizenAsync(number, toneHz);
        var call = await citizen.Ua.CallAsync(Server.Uri("12345"), citizen.Offer());
        citizen.ApplyAnswer((await call.NextAsync<CallEstablished>()).RemoteSdp);
        await Task.Delay(300);
        Assert.That((await call.SendDtmfAsync('9')).StatusCode, Is.EqualTo(200));
        return (citizen, call);
    }

    /// <summary>Signs in (<see cref="SignIn"/>) and goes Ready from the page.</summary>
    public void SignInReady(Chromium browser, string agent, string seat)
    {
        SignIn(browser, agent, seat);
        browser.Driver.FindElement(By.Id("btn-ready")).Click();
        WaitState(browser, "Ready");
    }

    /// <summary>Opens the desktop and signs in; returns when the seat is shown logged in (Not ready).</summary>
    public void SignIn(Chromium browser, string agent, string seat)
    {
        browser.Open(Http);
        browser.WaitVisible("#login-user").SendKeys("agent" + agent);
        browser.Driver.FindElement(By.Id("login-password")).SendKeys("demo-agent-" + agent);
        browser.Driver.FindElement(By.Id("login-seat")).SendKeys(seat);
        browser.Driver.FindElement(By.Id("login-submit")).Click();
        WaitState(browser, "NotReady");
        Assert.That(browser.Driver.FindElement(By.Id("seat-ext")).Text, Is.EqualTo(seat));
    }

    /// <summary>Waits until the page's state badge shows <paramref name="state"/> (the seat state's name).</summary>
    public static IWebElement WaitState(Chromium browser, string state, TimeSpan? timeout = null) =>
        browser.WaitVisible($"#state-badge[data-state='{state}']", timeout);

    /// <summary>The seat as the server's store has it.</summary>
    public Task<Telephony.ContactCenter.Seats.SeatSnapshot?> SeatAsync(string extension) =>
        Service<Telephony.ContactCenter.Routing.AutomaticCallDistributor>().Store.GetSeatAsync(extension);

    public static string Seconds(double s) => s.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        for (int i = _owned.Count - 1; i >= 0; i--)
        {
            await _owned[i].DisposeAsync();
        }
        await PhoneMedia.DisposeAsync();
        await Server.DisposeAsync();
    }
}
