using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Telephony.ContactCenter.Routing;
using Telephony.ContactCenter.Seats;
using static Telephony.Testing.Audio.ThreePartyTones;

namespace Telephony.Web.Tests;

/// <summary>
/// Monitor, whisper, barge and leave with one click from the supervisor's browser's own audio (WebRTC): a citizen's
/// phone (500 Hz) talks to an agent's SIP phone (1200 Hz); the supervisor's wall runs in headless Chromium whose
/// fake microphone plays a 1700 Hz tone made with sox. In monitor the page hears both parties (WebAudio analyser,
/// and getStats counts the audio arriving) and nobody hears the supervisor; in whisper the agent hears the supervisor
/// and the citizen does not; in barge both do; after leave the page's connection is closed and citizen and agent
/// hear each other only.
/// </summary>
public sealed class WallListeningTests
{
    private const string Citizen = "13900139013";

    [Test]
    [CancelAfter(150_000)]
    public async Task The_supervisor_monitors_whispers_and_barges_from_the_browser_by_click(CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("wall-listen-").FullName;
        try
        {
            var microphone = Path.Combine(dir, "supervisor-mic.wav");
            using (var sox = Process.Start(new ProcessStartInfo("sox", $"-n -r 48000 -c 1 -b 16 {microphone} synth 120 sine {SupervisorHz} vol 0.4") { UseShellExecute = false })!)
            {
                await sox.WaitForExitAsync(ct);
                Assert.That(sox.ExitCode, Is.Zero, "sox made the supervisor's tone");
            }

            await using var site = new DeskSite();
            var seatPhone = await site.SeatPhoneAsync("1049", AgentHz);
            var acd = site.Service<AutomaticCallDistributor>();
            Assert.That((await acd.LoginAsync("1049", "1049")).Succeeded, Is.True, "the agent logs in (no desk: the seat rings after the pop's lead time)");
            Assert.That((await acd.SetReadyAsync("1049", "1049")).Succeeded, Is.True);

            using var wall = Chromium.Start(new ChromiumOptions { Width = 1600, Height = 1100, FakeAudioCapture = microphone, LoopbackPeerConnections = true, Wait = TimeSpan.FromSeconds(15) });
            try
            {
                WallTests.SignInAsSupervisor(site, wall);
                wall.Script("const s = document.getElementById('listen-from'); s.value = 'browser'; s.dispatchEvent(new Event('change'));");
                Assert.That(wall.Script("return document.getElementById('listen-from').value"), Is.EqualTo("browser"), "the page offers its own audio");

                // A real call: IVR (9: English), the seat's phone rings and answers.
                var (citizen, call) = await site.EnglishQueueCallAsync(Citizen, CallerHz);
                var ringing = await seatPhone.Ua.IncomingCalls.ReadAsync(ct).AsTask().WaitAsync(TimeSpan.FromSeconds(30), ct);
                await ringing.AcceptAsync(seatPhone.Answer(ringing.Invite.Body));
                wall.WaitVisible(".seat[data-seat='1049'][data-state='OnCall']");

                // Monitor by one click: the page's peer connection comes up and hears citizen and agent; nobody hears it.
                WallTests.Click(wall, "1049", "monitor");
                wall.Until(_ => wall.Script("return window.telephonyListen.state()") as string == "connected" ? "up" : null,
                    TimeSpan.FromSeconds(20), "the page's listening connection is up");
                await Task.Delay(1500, ct);
                var monitored = await HeardInPageAsync(wall, ct);
                Assert.That(monitored.Hears(CallerHz) && monitored.Hears(AgentHz), Is.True, "the supervisor's page hears both parties in monitor: " + monitored);
                var media = Stats(wall);
                TestContext.Out.WriteLine("supervisor's page media: " + media.GetRawText());
                Assert.That(media.GetProperty("inbound-rtp").GetProperty("bytes").GetInt64(), Is.GreaterThan(8000), "audio arrives in the page (getStats)");
                Assert.That(media.GetProperty("inbound-rtp").GetProperty("energy").GetDouble(), Is.GreaterThan(0), "and it is not silence");
                await Tones.ExpectAsync(citizen, "the citizen while monitored", AgentHz);
                await Tones.ExpectAsync(seatPhone, "the agent while monitored", CallerHz);
                Assert.That((await site.SeatAsync("1049"))!.State, Is.EqualTo(SeatState.OnCall));
                WaitMode(wall, "monitor");

                // Whisper: the agent hears the supervisor, the citizen does not.
                WallTests.Click(wall, "1049", "whisper");
                WaitMode(wall, "whisper");
                await Task.Delay(300, ct);
                await Tones.ExpectAsync(seatPhone, "the agent while whispered to", CallerHz, SupervisorHz);
                await Tones.ExpectAsync(citizen, "the citizen while the supervisor whispers", AgentHz);
                var whispering = await HeardInPageAsync(wall, ct);
                Assert.That(whispering.Hears(CallerHz) && whispering.Hears(AgentHz), Is.True, "the supervisor still hears both: " + whispering);

                // Barge: both hear the supervisor.
                WallTests.Click(wall, "1049", "barge");
                WaitMode(wall, "barge");
                await Task.Delay(300, ct);
                await Tones.ExpectAsync(citizen, "the citizen while the supervisor barges", AgentHz, SupervisorHz);
                await Tones.ExpectAsync(seatPhone, "the agent while the supervisor barges", CallerHz, SupervisorHz);
                wall.Script("document.querySelector(\".seat[data-seat='1049']\").scrollIntoView({ block: 'center' })");
                var shot = wall.Screenshot("wall-listening");
                TestContext.Out.WriteLine("screenshot: " + shot);

                // Leave: the page's connection closes, citizen and agent are relayed directly again.
                WallTests.Click(wall, "1049", "leave");
                wall.Until(_ => wall.Script("return window.telephonyListen.state()") as string == "none" ? "closed" : null,
                    TimeSpan.FromSeconds(5), "the page's listening connection is closed");
                await Task.Delay(500, ct);
                await Tones.ExpectAsync(citizen, "the citizen after the supervisor left", AgentHz);
                await Tones.ExpectAsync(seatPhone, "the agent after the supervisor left", CallerHz);
                var live = site.Service<Telephony.Calls.CallManager>().LiveCalls().Single();
                Assert.That(live.Supervision, Is.Null, "nobody supervises the call any more");

                await call.HangupAsync();
                Assert.That(wall.ConsoleLines().Where(l => l.Contains("SEVERE", StringComparison.Ordinal)), Is.Empty, "no script errors on the wall");
            }
            catch
            {
                TestContext.Out.WriteLine("wall page: " + wall.PageText());
                TestContext.Out.WriteLine(string.Join('\n', wall.ConsoleLines()));
                throw;
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Waits until the tile's button of <paramref name="mode"/> is lit: the hub took the click (a push may replace the tile meanwhile).</summary>
    private static void WaitMode(Chromium browser, string mode) =>
        browser.Until(_ =>
        {
            try
            {
                var button = browser.Driver.FindElement(By.CssSelector($".seat[data-seat='1049'] button[data-action='{mode}']"));
                return button.GetAttribute("class") == "on" ? "lit" : null;
            }
            catch (Exception e) when (e is StaleElementReferenceException or NoSuchElementException)
            {
                return null;
            }
        }, TimeSpan.FromSeconds(10), $"the {mode} button shows the mode");

    /// <summary>What the page hears (dBFS at the three parties' tones), the median of ten looks over a second.</summary>
    private static async Task<PageHearing> HeardInPageAsync(Chromium browser, CancellationToken ct)
    {
        var looks = new List<double[]>();
        for (int i = 0; i < 10; i++)
        {
            var json = (string)browser.Script($"return JSON.stringify(window.telephonyListen.levels([{Hz(CallerHz)}, {Hz(AgentHz)}, {Hz(SupervisorHz)}]))")!;
            var levels = JsonSerializer.Deserialize<double?[]>(json);
            if (levels is { Length: 3 })
                looks.Add([.. levels.Select(l => l ?? double.NegativeInfinity)]);
            await Task.Delay(100, ct);
        }
        Assert.That(looks, Is.Not.Empty, "the page analyses what it hears");
        double Median(int k) => looks.Select(l => l[k]).Order().ElementAt(looks.Count / 2);
        return new PageHearing(Median(0), Median(1), Median(2));
    }

    private static string Hz(double hz) => hz.ToString(CultureInfo.InvariantCulture);

    /// <summary>The page's getStats figures of its listening connection (inbound-rtp: packets, bytes, energy).</summary>
    private static JsonElement Stats(Chromium browser)
    {
        var json = (string)browser.Driver.ExecuteAsyncScript(
            "const done = arguments[arguments.length - 1]; window.telephonyListen.stats().then(done, e => done('error: ' + e));")!;
        using var stats = JsonDocument.Parse(json);
        return stats.RootElement.Clone();
    }

    /// <summary>The page's levels at the citizen's, the agent's and its own tone: heard within 20 dB of the loudest and above the floor.</summary>
    private sealed record PageHearing(double Caller, double Agent, double Supervisor)
    {
        private double Loudest => Math.Max(Caller, Math.Max(Agent, Supervisor));

        public bool Hears(double hz)
        {
            double level = hz == CallerHz ? Caller : hz == AgentHz ? Agent : Supervisor;
            return level > -80 && level > Loudest - 20;
        }

        public override string ToString() =>
            string.Create(CultureInfo.InvariantCulture, $"{CallerHz} Hz {Caller} dB, {AgentHz} Hz {Agent} dB, {SupervisorHz} Hz {Supervisor} dB");
    }
}
