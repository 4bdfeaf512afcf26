using System.Diagnostics;
using Telephony.ContactCenter.Routing;
using Telephony.ContactCenter.Seats;
using Telephony.Testing.Audio;
using Telephony.Testing.Peers;

namespace Telephony.Web.Tests;

/// <summary>
/// The browser is the agent's phone (WebRTC, issue 11): a baresip citizen dials 12345 and presses 9, the
/// English agent signed in at the desktop with "This browser" as audio answers in headless Chromium, and
/// audio flows both ways through the server, which terminates ICE-lite, DTLS-SRTP and bridges to plain RTP:
/// baresip hears the browser's fake microphone, the page's analyser hears the citizen, and the server's
/// stereo recording has both. Ports: server RTP 28200-28399, baresip SIP 28500 (+1), cons 28503, RTP 28600-28609.
/// </summary>
[NonParallelizable]
public sealed class BrowserPhoneTests
{
    private const double CallerHz = 500;
    private const double BrowserHz = 1000;

    [Test]
    [CancelAfter(120_000)]
    public async Task Baresip_citizen_talks_to_the_agent_whose_phone_is_the_browser(CancellationToken ct)
    {
        var dir = Directory.CreateTempSubdirectory("webphone-").FullName;
        var tone = Path.Combine(dir, "browser-mic.wav");
        // The browser's microphone: a steady tone, made with sox (48 kHz as a headset gives it).
        using (var sox = Process.Start(new ProcessStartInfo("sox", $"-n -r 48000 -c 1 -b 16 {tone} synth 60 sine {BrowserHz} vol 0.4") { UseShellExecute = false })!)
        {
            await sox.WaitForExitAsync(ct);
            Assert.That(sox.ExitCode, Is.Zero, "sox made the tone");
        }

        await using var server = new TelephonyTestServer(new TelephonyTestServerOptions
        {
            Kestrel = true,
            Settings = new Dictionary<string, string> { ["Calls:RtpPortMin"] = "28200", ["Calls:RtpPortMax"] = "28399" },
        });
        using var browser = Chromium.Start(new ChromiumOptions { FakeAudioCapture = tone, LoopbackPeerConnections = true, Wait = TimeSpan.FromSeconds(20) });
        try
        {
            browser.Open(server.Http!);
            browser.WaitVisible("#login-user").SendKeys("agent1049");
            browser.Driver.FindElement(By.Id("login-password")).SendKeys("demo-agent-1049");
            browser.Driver.FindElement(By.Id("login-seat")).SendKeys("1049");
            browser.Script("const s = document.getElementById('login-audio'); s.value = 'browser'; s.dispatchEvent(new Event('change'));");
            Assert.That(browser.Script("return document.getElementById('login-audio').value"), Is.EqualTo("browser"));
            browser.Driver.FindElement(By.Id("login-submit")).Click();
            browser.WaitVisible("#desk-view");
            var acd = server.Service<AutomaticCallDistributor>();
            await Until(async () => (await acd.Store.GetSeatAsync("1049", ct))?.AgentId == "1049", ct, "the seat is logged in");
            browser.WaitVisible("#btn-ready").Click();
            await Until(async () => (await acd.Store.GetSeatAsync("1049", ct))?.State == SeatState.Ready, ct, "the seat is Ready");

            using var baresip = Baresip.Dial($"sip:12345@127.0.0.1:{server.SipPort()}", CallerHz, sipPort: 28500, consPort: 28503, rtpBase: 28600,
                quitAfterSeconds: 60, user: "15500000003", toneAmplitude: 8000);
            Assert.That(await baresip.WaitForAsync("Call established", TimeSpan.FromSeconds(15)), Is.True, baresip.Output);
            await Task.Delay(500, ct);
            await baresip.CommandAsync("/sndcode 9");

            // The pop, then the ring in the browser; the agent answers with the button.
            browser.WaitText("#pop-dialed", "12345");
            browser.Until(d => (bool)browser.Script("return !document.getElementById('btn-answer').disabled && window.telephonyWebPhone.offered().length > 0")! ? "ok" : null,
                TimeSpan.FromSeconds(30), "the browser phone rings");
            browser.Screenshot("ringing");
            browser.Driver.FindElement(By.Id("btn-answer")).Click();
            browser.Until(d => browser.Script("return window.telephonyWebPhone.state()") as string == "connected" ? "ok" : null,
                TimeSpan.FromSeconds(20), "the peer connection is up");
            await Until(async () => (await acd.Store.GetSeatAsync("1049", ct))?.State == SeatState.OnCall, ct, "the seat is on the call");

            // The page hears the citizen's tone through its analyser.
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            var heard = new List<long>();
            for (int i = 0; i < 10; i++)
            {
                heard.Add(Convert.ToInt64(browser.Script("return window.telephonyWebPhone.dominantFrequency()"), System.Globalization.CultureInfo.InvariantCulture));
                await Task.Delay(100, ct);
            }
            browser.Screenshot("talking");
            string media = (string)browser.Script("return window.telephonyWebPhone.stats()")!;
            TestContext.Out.WriteLine("browser media: " + media);
            // Strictly loopback: Chromium also pairs its eth0 address with our 127.0.0.1 candidate (the kernel
            // routes that over lo); the server refuses such checks, so the pair ICE selects is 127.0.0.1 both ends.
            using (var stats = System.Text.Json.JsonDocument.Parse(media))
            {
                var pair = stats.RootElement.GetProperty("pair");
                Assert.That(pair.GetProperty("local").GetString(), Does.StartWith("127.0.0.1:"), "the browser's side of the selected ICE pair");
                Assert.That(pair.GetProperty("remote").GetString(), Does.StartWith("127.0.0.1:"), "the server's side of the selected ICE pair");
            }
            Assert.That(heard.Order().ElementAt(heard.Count / 2), Is.EqualTo(CallerHz).Within(30), "the page heard the caller: " + string.Join(",", heard));

            // Re-offers from the page (a plain renegotiation, an ICE restart) are refused with the reason and never
            // applied; the call keeps its media: still connected, stable, and the page still hears the citizen.
            foreach (var (iceRestart, what) in new[] { (false, "a renegotiation"), (true, "an ICE restart") })
            {
                var outcome = (string)browser.Driver.ExecuteAsyncScript(
                    "const done = arguments[arguments.length - 1]; window.telephonyWebPhone.renegotiate(arguments[0]).then(done, e => done('error: ' + e));", iceRestart)!;
                Assert.That(outcome, Does.StartWith("refused: ").And.Contain(what), "the server refused the re-offer");
                Assert.That(browser.Script("return window.telephonyWebPhone.signalingState()"), Is.EqualTo("stable"), "nothing was applied");
            }
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
            Assert.That(browser.Script("return window.telephonyWebPhone.state()"), Is.EqualTo("connected"), "the call kept its transport");
            var after = new List<long>();
            for (int i = 0; i < 5; i++)
            {
                after.Add(Convert.ToInt64(browser.Script("return window.telephonyWebPhone.dominantFrequency()"), System.Globalization.CultureInfo.InvariantCulture));
                await Task.Delay(100, ct);
            }
            Assert.That(after.Order().ElementAt(after.Count / 2), Is.EqualTo(CallerHz).Within(30), "the page still hears the caller after the refused re-offers: " + string.Join(",", after));

            await baresip.CommandAsync("/hangup");
            await Until(async () => (await acd.Store.GetSeatAsync("1049", ct))?.State != SeatState.OnCall, ct, "the call left the seat");

            // Baresip heard the browser's microphone.
            var heardByCaller = baresip.Heard();
            var end = ToneCheck.Audible(heardByCaller[Math.Max(0, heardByCaller.Length - 16000)..Math.Max(0, heardByCaller.Length - 2000)]);
            Assert.That(end, Has.Length.GreaterThan(4000), "baresip heard the browser at the end of the call");
            Assert.That(ToneCheck.DominantFrequency(end), Is.EqualTo(BrowserHz).Within(25));

            // The server's stereo recording: the citizen left, the browser agent right.
            string? wavPath = null;
            await Until(() => Task.FromResult((wavPath = Directory.Exists(server.Recordings) ? Directory.GetFiles(server.Recordings, "*.wav", SearchOption.AllDirectories).FirstOrDefault() : null) is not null), ct, "a recording");
            await Task.Delay(500, ct);
            var (left, right) = Wav.ReadStereo(wavPath!);
            Assert.That(ToneCheck.DominantFrequency(ToneCheck.Audible(left)), Is.EqualTo(CallerHz).Within(20), "left = caller");
            Assert.That(ToneCheck.DominantFrequency(ToneCheck.Audible(right)), Is.EqualTo(BrowserHz).Within(25), "right = browser agent");
        }
        catch
        {
            TestContext.Out.WriteLine(string.Join('\n', browser.ConsoleLines()));
            throw;
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    private static async Task Until(Func<Task<bool>> condition, CancellationToken ct, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out waiting for " + what);
            }
            await Task.Delay(100, ct);
        }
    }
}
