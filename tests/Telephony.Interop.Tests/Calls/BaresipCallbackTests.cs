using SeatState = Telephony.ContactCenter.Seats.SeatState;
using Telephony.Calls.Commands;

namespace Telephony.Interop.Tests.Calls;

/// <summary>
/// Issue 13 with programs we did not write at the far ends, the carrier side being baresip instances reached through
/// <c>Trunks:OutboundUri</c>: a citizen's baresip chooses the callback in the queue (1), hangs up, and is called back and
/// bridged to the agent (our softphone) when one is free; and a three-party call with 110 (a baresip answering as 110,
/// reached through the dial plan) where all three hear each other, checked by each one's tone.
/// Ports (this task's range 41000-41999): citizen baresip SIP 41000 / 41010 (+1), cons 41003 / 41013, RTP 41100-41109 /
/// 41200-41209; the 110 baresip SIP 41020 (+1), cons 41023, RTP 41220-41239; softphones RTP 41300-41399 / 41400-41499;
/// the server's RTP 41500-41899.
/// </summary>
[NonParallelizable]
public sealed class BaresipCallbackTests
{
    private const double CitizenHz = 500;
    private const double AgentHz = 1200;
    private const double PoliceHz = 1700;
    private const double NobodyHz = 900; // no one sends it: the floor the tones are measured against

    private static Dictionary<string, string> Settings(int trunkPort) => new()
    {
        ["Trunks:OutboundUri"] = $"sip:{{number}}@127.0.0.1:{trunkPort}",
        ["Calls:RtpPortMin"] = "41500",
        ["Calls:RtpPortMax"] = "41899",
        ["Calls:CallbackTasksQueued"] = "0",
    };

    [Test]
    [CancelAfter(150_000)]
    public async Task A_citizens_baresip_presses_1_hangs_up_and_is_called_back_and_bridged_to_the_agent(CancellationToken ct)
    {
        const string number = "15500000123";
        await using var server = new SoftphoneServer(settings: Settings(41000));
        var dir = Directory.CreateTempSubdirectory("callback-interop-").FullName;
        try
        {
            string agentMic = Path.Combine(dir, "agent-mic.wav"), agentHeard = Path.Combine(dir, "agent-heard.wav");
            Wav.WriteTone(agentMic, AgentHz, 60);
            // The citizen: dials 12345, says nothing in the menu (a person: the general queue), answers the callback by itself.
            using var citizen = Baresip.Dial($"sip:12345@127.0.0.1:{server.SipPort}", CitizenHz, sipPort: 41000, consPort: 41003, rtpBase: 41100,
                quitAfterSeconds: 120, user: number, toneAmplitude: 8000, autoAnswer: true);
            Assert.That(await citizen.WaitForAsync("Call established", TimeSpan.FromSeconds(15)), Is.True, citizen.Output);
            var callId = await SingleCallAsync(server);
            Assert.That(await Until.TrueAsync(() => server.Calls.PhaseOf(callId) == Telephony.Calls.CallPhase.Queued, 30), Is.True,
                "queued (no agent: the expected wait is over two minutes, so the callback is offered)");
            await Task.Delay(1500, ct);
            await citizen.CommandAsync("/sndcode 1");
            await Task.Delay(1500, ct);
            await citizen.CommandAsync("/hangup");
            Assert.That(await Until.TrueAsync(() => server.Calls.WaitingCallbacks == 1, 10), Is.True, "the caller's entry waits as a callback: " + citizen.Output);
            Assert.That(await server.Acd.GetPositionAsync(callId), Has.Property("Position").EqualTo(1), "with its place");

            // An agent is free: the pop, the agent's phone (auto-answer), then the citizen's baresip through the trunk.
            var options = server.Agent("1001", rtpBase: 41300);
            options.AutoAnswer = TimeSpan.FromMilliseconds(200);
            options.ReadyOnStart = true;
            options.PlayFile = agentMic;
            options.RecordFile = agentHeard;
            await using (var agent = await AgentClient.StartAsync(options, cancellationToken: ct))
            {
                var pop = (await agent.Events.NextAsync<ScreenPopEvent>(ct, TimeSpan.FromSeconds(30))).Pop;
                Assert.That((pop.CallId, pop.CallerNumber), Is.EqualTo((callId, number)), "the pop first, with the citizen's number");
                await agent.Events.NextAsync<ConnectedEvent>(ct, TimeSpan.FromSeconds(20));
                Assert.That(await Until.TrueAsync(() => citizen.Count("Call established") >= 2, 20), Is.True, "the citizen's baresip answered the callback: " + citizen.Output);
                await Task.Delay(TimeSpan.FromSeconds(3), ct);
                await citizen.CommandAsync("/hangup");
                await agent.Events.NextAsync<CallFinishedEvent>(ct, TimeSpan.FromSeconds(15));
            }

            var heardByAgent = ToneCheck.Audible(Wav.ReadMono(agentHeard));
            Assert.That(heardByAgent, Has.Length.GreaterThan(4000), "the agent heard the citizen");
            Assert.That(ToneCheck.DominantFrequency(heardByAgent), Is.EqualTo(CitizenHz).Within(20));
            var heardByCitizen = ToneCheck.Audible(citizen.HeardOnLastCall());
            Assert.That(heardByCitizen, Has.Length.GreaterThan(4000), "the citizen heard the agent on the callback");
            Assert.That(ToneCheck.DominantFrequency(heardByCitizen), Is.EqualTo(AgentHz).Within(25));
            Assert.That(server.Calls.WaitingCallbacks, Is.Zero, "served once");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Test]
    [CancelAfter(150_000)]
    public async Task The_agent_brings_110_in_through_the_dial_plan_and_all_three_hear_each_other(CancellationToken ct)
    {
        await using var server = new SoftphoneServer(settings: Settings(41020));
        var dir = Directory.CreateTempSubdirectory("police-interop-").FullName;
        try
        {
            string agentMic = Path.Combine(dir, "agent-mic.wav"), agentHeard = Path.Combine(dir, "agent-heard.wav"), policeMic = Path.Combine(dir, "police-mic.wav");
            Wav.WriteTone(agentMic, AgentHz, 60);
            Wav.WriteTone(policeMic, PoliceHz, 100);
            using var police = Baresip.Start(41020, 41023, 41220, "<sip:110@127.0.0.1:41020>;regint=0;answermode=auto;audio_codecs=PCMA,PCMU", 90, policeMic, dumpAudio: true);
            var options = server.Agent("1001", rtpBase: 41400);
            options.AutoAnswer = TimeSpan.FromMilliseconds(200);
            options.ReadyOnStart = true;
            options.PlayFile = agentMic;
            options.RecordFile = agentHeard;
            await using var agent = await AgentClient.StartAsync(options, cancellationToken: ct);
            Assert.That(await Until.TrueAsync(async () => (await server.Acd.Store.GetSeatAsync("1001"))?.State == SeatState.Ready, 10), Is.True, "agent 1001 Ready");

            using var citizen = Baresip.Dial($"sip:12345@127.0.0.1:{server.SipPort}", CitizenHz, sipPort: 41010, consPort: 41013, rtpBase: 41200,
                quitAfterSeconds: 80, user: "15500000456", toneAmplitude: 8000);
            await agent.Events.NextAsync<ConnectedEvent>(ct, TimeSpan.FromSeconds(40));
            var callId = await SingleCallAsync(server);
            Assert.That(await Until.TrueAsync(() => server.Calls.PhaseOf(callId) == Telephony.Calls.CallPhase.Connected, 10), Is.True);

            var add = await server.Calls.AskAsync(callId, new AddPartner("1001", "110"), ct);
            Assert.That(add.Status, Is.EqualTo(CommandStatus.Started), add.Detail);
            Assert.That(await police.WaitForAsync("Call established", TimeSpan.FromSeconds(15)), Is.True, "110 answered: " + police.Output);
            await Task.Delay(TimeSpan.FromSeconds(6), ct);
            await citizen.CommandAsync("/hangup");
            await agent.Events.NextAsync<CallFinishedEvent>(ct, TimeSpan.FromSeconds(15));
            Assert.That(await police.WaitForAsync("terminated", TimeSpan.FromSeconds(10)), Is.True, "110's leg ended with the call: " + police.Output);

            ExpectHears("the citizen", Tail(citizen.Heard()), AgentHz, PoliceHz);
            ExpectHears("the agent", Tail(Wav.ReadMono(agentHeard)), CitizenHz, PoliceHz);
            ExpectHears("110", police.Heard(), CitizenHz, AgentHz);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>Both tones of the other two parties stand well above a frequency nobody sends.</summary>
    private static void ExpectHears(string who, short[] heard, double first, double second)
    {
        var audible = ToneCheck.Audible(heard);
        Assert.That(audible, Has.Length.GreaterThan(8000), $"{who} heard something");
        var floor = ToneCheck.Power(audible, NobodyHz);
        Assert.That(ToneCheck.Power(audible, first), Is.GreaterThan(10 * floor), $"{who} hears {first} Hz");
        Assert.That(ToneCheck.Power(audible, second), Is.GreaterThan(10 * floor), $"{who} hears {second} Hz");
    }

    /// <summary>The last four seconds before the final second (the three-party part of the call).</summary>
    private static short[] Tail(short[] samples) => samples[Math.Max(0, samples.Length - 40000)..Math.Max(0, samples.Length - 8000)];

    private static async Task<string> SingleCallAsync(SoftphoneServer server)
    {
        Assert.That(await Until.TrueAsync(() => server.Calls.LiveCalls().Count == 1, 10), Is.True, "one call");
        return server.Calls.LiveCalls().Single().CallId;
    }
}
