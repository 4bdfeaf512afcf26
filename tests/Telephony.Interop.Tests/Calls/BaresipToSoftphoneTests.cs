using SeatState = Telephony.ContactCenter.Seats.SeatState;

namespace Telephony.Interop.Tests.Calls;

/// <summary>
/// The first real call with two programs at the ends: baresip (a softphone we did not write) dials
/// 12345 and presses 9 as RFC 4733; our agent softphone gets the pop before the INVITE, answers;
/// tones pass both ways, the server records caller left / agent right, the seat ends Ready.
/// Ports (Interop ranges): baresip SIP 25900 (+1 TLS), cons 25903, RTP 26900-26909; softphone RTP 26700-26799.
/// </summary>
[NonParallelizable]
public sealed class BaresipToSoftphoneTests
{
    private const double CallerHz = 500;
    private const double AgentHz = 1000;

    [Test]
    [CancelAfter(90_000)]
    public async Task Baresip_dials_12345_presses_9_and_talks_to_the_english_softphone(CancellationToken ct)
    {
        await using var server = new SoftphoneServer();
        var dir = Directory.CreateTempSubdirectory("callmgr-interop-").FullName;
        try
        {
            string agentMic = Path.Combine(dir, "agent-mic.wav"), agentHeard = Path.Combine(dir, "agent-heard.wav");
            Wav.WriteTone(agentMic, AgentHz, 30);
            var options = server.Agent("1049", rtpBase: 26700);
            options.AutoAnswer = TimeSpan.FromMilliseconds(200);
            options.ReadyOnStart = true;
            options.PlayFile = agentMic;
            options.RecordFile = agentHeard;
            await using var agent = await AgentClient.StartAsync(options, cancellationToken: ct);

            using var baresip = Baresip.Dial($"sip:12345@127.0.0.1:{server.SipPort}", CallerHz, sipPort: 25900, consPort: 25903, rtpBase: 26900, quitAfterSeconds: 60,
                user: "15500000002", toneAmplitude: 8000);
            Assert.That(await baresip.WaitForAsync("Call established", TimeSpan.FromSeconds(15)), Is.True, baresip.Output);
            await Task.Delay(500, ct);
            await baresip.CommandAsync("/sndcode 9");

            var pop = (await agent.Events.NextAsync<ScreenPopEvent>(ct, TimeSpan.FromSeconds(30))).Pop;
            Assert.That((pop.DialedNumber, pop.Language, pop.Queue, pop.IvrDigits), Is.EqualTo(("12345", "en", "english", "9")));
            Assert.That(pop.IvrPath, Has.Some.Contains("english"));
            var timing = (await agent.Events.NextAsync<PopTimingEvent>(ct, TimeSpan.FromSeconds(15))).Timing;
            Assert.That(timing.PopToInviteLead, Is.GreaterThan(TimeSpan.Zero), "the pop came before the INVITE");
            await agent.Events.NextAsync<ConnectedEvent>(ct, TimeSpan.FromSeconds(15));
            await Task.Delay(TimeSpan.FromSeconds(2.5), ct);
            await baresip.CommandAsync("/hangup");
            var finished = await agent.Events.NextAsync<CallFinishedEvent>(ct, TimeSpan.FromSeconds(15));
            Assert.That(finished.Reason, Is.EqualTo("caller hung up"));

            // Audio both ways: the softphone heard baresip's tone, baresip heard the softphone's.
            var heardByAgent = ToneCheck.Audible(Wav.ReadMono(agentHeard));
            Assert.That(heardByAgent, Has.Length.GreaterThan(4000));
            Assert.That(ToneCheck.DominantFrequency(heardByAgent), Is.EqualTo(CallerHz).Within(20));
            Assert.That(Directory.GetFiles(baresip.Directory, "*dec*.wav"), Has.Length.EqualTo(1), "baresip dumped what it heard");
            var heardByCaller = baresip.Heard();
            var end = ToneCheck.Audible(heardByCaller[Math.Max(0, heardByCaller.Length - 14000)..Math.Max(0, heardByCaller.Length - 2000)]);
            Assert.That(end, Has.Length.GreaterThan(4000), "baresip heard the agent at the end of the call");
            Assert.That(ToneCheck.DominantFrequency(end), Is.EqualTo(AgentHz).Within(25));

            // The server's stereo recording: caller left, agent right.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            string? wavPath;
            while ((wavPath = Directory.Exists(server.Recordings) ? Directory.GetFiles(server.Recordings, "*.wav").FirstOrDefault() : null) is null && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct);
            }
            Assert.That(wavPath, Is.Not.Null, "a recording exists");
            var (left, right) = Wav.ReadStereo(wavPath!);
            Assert.That(ToneCheck.DominantFrequency(ToneCheck.Audible(left)), Is.EqualTo(CallerHz).Within(20), "left = caller");
            Assert.That(ToneCheck.DominantFrequency(ToneCheck.Audible(right)), Is.EqualTo(AgentHz).Within(25), "right = agent");

            deadline = DateTime.UtcNow.AddSeconds(10);
            while ((await server.Acd.Store.GetSeatAsync("1049", ct))!.State != SeatState.Ready && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct);
            }
            var history = (await server.Acd.Store.GetHistoryAsync("1049", ct)).Select(t => t.To).ToList();
            Assert.That(history.Skip(history.IndexOf(SeatState.Reserved)),
                Is.EqualTo(new[] { SeatState.Reserved, SeatState.Ringing, SeatState.OnCall, SeatState.WrapUp, SeatState.Ready }));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
