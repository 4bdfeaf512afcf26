using Telephony.LoadGen.Callbacks;
using Telephony.LoadGen.Day;
using Telephony.Testing.Hosting;

namespace Telephony.LoadGen.Tests;

/// <summary>
/// Issue 13's load scenario, small: a dozen callers queue while three agents are on a break, about half press 1 for a
/// callback and hang up; then the agents go Ready. Everyone is answered or called back through the trunk (the
/// scenario's carrier side answers as the citizens), nobody twice.
/// </summary>
[NonParallelizable]
public sealed class CallbackSmokeTests
{
    private const int CarrierPort = 42071;

    [Test]
    [CancelAfter(120_000)]
    public async Task Queued_callers_who_choose_a_callback_are_all_called_back_once_and_the_rest_answered()
    {
        var folder = Directory.CreateTempSubdirectory("telephony-callbacks-").FullName;
        try
        {
            var agentsFile = Path.Combine(folder, "agents.json");
            AllRoundAgents.Write(Path.Combine(AppContext.BaseDirectory, "agents.json"), agentsFile, queueHandleSeconds: 9000);
            var seats = TelephonyTestServerOptions.SeatsWith("sip-", "1001", "1002", "1003");
            await using var server = LoadGenServer.Start(seats, agentsFile, rtpPortMin: 46400, ("Trunks:OutboundUri", $"sip:{{number}}@127.0.0.1:{CarrierPort}"));
            var options = LoadGenServer.Options(server, seats, rtpPortMin: 45400);
            (options.TalkSeconds, options.WrapSeconds, options.Seed) = (2, 1, 3);
            var (report, clean) = await CallbackScenario.RunAsync(options, $"127.0.0.1:{CarrierPort}", callers: 12, rate: 4, share: 0.5, TestContext.Out);
            await TestContext.Out.WriteLineAsync(report);

            Assert.That(clean, Is.True, report);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
