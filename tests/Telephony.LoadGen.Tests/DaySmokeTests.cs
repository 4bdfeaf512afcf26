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
            await using var server = LoadGenServer.Start(seats, agentsFile, rtpPortMin: 46000);
            var options = LoadGenServer.Options(server, seats, rtpPortMin: 45000);
            // 10:00–11:00, the peak hour: about 0.4 calls/s at this scale, each half hour played for 12 s.
            (options.FromHour, options.ToHour, options.Scale, options.PeakSlotSeconds) = (10, 11, 0.8, 12);
            (options.TalkSeconds, options.WrapSeconds, options.PatienceSeconds, options.Seed) = (3, 1, 20, 7);
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
