using System.Diagnostics;
using Telephony.LoadGen.Day;
using Telephony.Testing.Hosting;

namespace Telephony.LoadGen.Tests;

/// <summary>
/// The day scenario, small: the peak hour of the curve squeezed into two short windows, five agents, seconds-long
/// calls, through the whole server (SIP, RTP, IVR with the shipped script, ACD, hub, call records). Its report's
/// figures must equal what <c>GET /api/kpis</c> says for every half hour and for the day.
/// </summary>
[NonParallelizable]
public sealed class DaySmokeTests
{
    [Test]
    [CancelAfter(90_000)]
    public async Task A_short_day_reports_the_same_figures_as_the_kpis_endpoint()
    {
        var folder = Directory.CreateTempSubdirectory("telephony-day-").FullName;
        try
        {
            var agentsFile = Path.Combine(folder, "agents.json");
            AllRoundAgents.Write(Path.Combine(AppContext.BaseDirectory, "agents.json"), agentsFile);
            var seats = TelephonyTestServerOptions.SeatsWith("sip-", "1001", "1002", "1003", "1004", "1005");
            await using var server = new TelephonyTestServer(new TelephonyTestServerOptions
            {
                Seats = seats,
                Kestrel = true,
                Settings = new Dictionary<string, string>
                {
                    ["Sip:Udp"] = "127.0.0.1:0",
                    ["Sip:Tcp"] = "",
                    ["Sip:AuthMaxFailures"] = "50",
                    ["ContactCenter:AgentsFile"] = agentsFile,
                    ["ContactCenter:SeatCount"] = "5",
                    // The simulated agents end their own after-call work; the server's timer is only a backstop.
                    ["ContactCenter:WrapUpSeconds"] = "120",
                    ["Calls:RtpPortMin"] = "46000",
                    ["Calls:RtpPortMax"] = "46399",
                },
            });
            var options = new DayOptions
            {
                Server = $"127.0.0.1:{server.SipPort()}",
                Http = server.Http!,
                Domain = "test.local",
                SeatPasswords = seats,
                MaxAgents = 5,
                // 10:00–11:00, the peak hour: about 0.4 calls/s at this scale, each half hour played for 12 s.
                FromHour = 10,
                ToHour = 11,
                Scale = 0.8,
                PeakSlotSeconds = 12,
                TalkSeconds = 3,
                WrapSeconds = 1,
                PatienceSeconds = 20,
                Seed = 7,
                RtpPortMin = 45000,
                RtpPortMax = 45399,
            };
            var clock = Stopwatch.StartNew();
            var report = await DayScenario.RunAsync(options, TestContext.Out, CancellationToken.None);
            clock.Stop();
            var text = report.ToMarkdown();
            await TestContext.Out.WriteLineAsync(text);

            Assert.That(report.Slots, Has.Count.EqualTo(2));
            Assert.That(report.Day.Server.Offered, Is.GreaterThan(0), "calls reached the server");
            Assert.That(report.Day.Server.Answered, Is.GreaterThan(0), "agents answered");
            Assert.That(report.Failures, Is.Empty, "every call got through the IVR to an agent or gave up");
            foreach (var slot in report.Slots.Append(report.Day))
            {
                Assert.That(slot.Disagreements, Is.Empty, $"driver vs /api/kpis in {slot.Slot.Label}");
                Assert.That((slot.Driver.Offered, slot.Driver.Answered, slot.Driver.Abandoned),
                    Is.EqualTo((slot.Server.Offered, slot.Server.Answered, slot.Server.Abandoned)));
            }
            Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(60)), "the smoke run stays short");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
