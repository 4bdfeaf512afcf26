using SeatState = Telephony.ContactCenter.Seats.SeatState;

namespace Telephony.Interop.Tests.Softphone;

/// <summary>The softphone behind the whole server path: 12345 → IVR → English queue → pop → INVITE → answer.</summary>
[CancelAfter(90_000)]
[NonParallelizable]
public sealed class ThroughServerTests
{
    [Test]
    public async Task A_caller_pressing_9_pops_the_English_agent_before_the_INVITE_and_they_hear_each_other(CancellationToken ct)
    {
        await using var server = new SoftphoneServer();
        var dir = Directory.CreateTempSubdirectory("softphone-e2e-").FullName;
        try
        {
            string mic = Path.Combine(dir, "mic.wav"), heard = Path.Combine(dir, "heard.wav"), callerHeard = Path.Combine(dir, "caller.wav");
            Wav.WriteTone(mic, 1000, 2);
            var options = server.Agent("1049");
            options.AutoAnswer = TimeSpan.FromMilliseconds(200);
            options.ReadyOnStart = true;
            options.PlayFile = mic;
            options.RecordFile = heard;
            await using var agent = await AgentClient.StartAsync(options, cancellationToken: ct);
            Assert.That((await server.Acd.Store.GetSeatAsync("1049", ct))!.State, Is.EqualTo(SeatState.Ready));

            await using var media = new MediaEngine(new MediaEngineOptions { PortMin = 26400, PortMax = 26499 });
            media.Start();
            await using var ua = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = "sip:15500000001@127.0.0.1" }, cancellationToken: ct);
            using var callerSink = new WavFileSink(callerHeard);
            var (dialed, error) = await OutboundCall.DialAsync(ua, $"sip:12345@127.0.0.1:{server.SipPort}", media,
                Tones.Continuous(440), callerSink, ct: ct);
            Assert.That(error, Is.Null);
            var call = dialed!;
            await using (call)
            {
                Assert.That(await call.Established.WaitAsync(TimeSpan.FromSeconds(10), ct), Is.True, "the IVR answered");
                await Task.Delay(500, ct);
                Assert.That(call.SendDigit('9'), Is.True);

                var pop = (await agent.Events.NextAsync<ScreenPopEvent>(ct, TimeSpan.FromSeconds(30))).Pop;
                Assert.That((pop.CallerNumber, pop.DialedNumber, pop.Language, pop.Queue), Is.EqualTo(("15500000001", "12345", "en", "english")));
                Assert.That(pop.IvrPath, Has.Some.Contains("english"));
                Assert.That(pop.IvrDigits, Does.Contain('9'));
                var timing = (await agent.Events.NextAsync<PopTimingEvent>(ct, TimeSpan.FromSeconds(15))).Timing;
                Assert.That(timing.PopCallId, Is.EqualTo(call.Call.CallId), "the pop names the caller's call, and the agent INVITE carries it");
                Assert.That(timing.PopToInviteLead, Is.GreaterThan(TimeSpan.Zero), "the pop came before the INVITE");
                Assert.That(timing.ReservedAt, Is.Not.Null, "the Reserved state change came with the call id");
                await agent.Events.NextAsync<ConnectedEvent>(ct, TimeSpan.FromSeconds(15));
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                // The desktop's "pause recording" (console command pause/resume) reaches the call's recorder.
                await agent.PauseRecordingAsync("card number", ct);
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                await agent.ResumeRecordingAsync(ct);
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
                await call.HangupAsync();
            }
            callerSink.Dispose();

            var finished = await agent.Events.NextAsync<CallFinishedEvent>(ct, TimeSpan.FromSeconds(15));
            Assert.That(finished.Reason, Is.EqualTo("caller hung up"));
            Assert.ThrowsAsync<InvalidOperationException>(() => agent.PauseRecordingAsync("after the call", ct), "no call in progress any more");
            var metadata = Directory.GetFiles(server.Recordings, "*.wav.json", SearchOption.AllDirectories);
            Assert.That(metadata, Has.Length.EqualTo(1));
            string json = await File.ReadAllTextAsync(metadata[0], ct);
            Assert.That(json, Does.Contain("\"Reason\": \"card number\""), "the pause is in the recording's metadata");
            var agentHeard = ToneCheck.Audible(Wav.ReadMono(heard));
            Assert.That(agentHeard, Has.Length.GreaterThan(4000), "the caller's tone reached the agent through the bridge");
            Assert.That(ToneCheck.DominantFrequency(agentHeard), Is.EqualTo(440).Within(20));
            var caller = Wav.ReadMono(callerHeard);
            var lastSecond = ToneCheck.Audible(caller[Math.Max(0, caller.Length - 12000)..Math.Max(0, caller.Length - 2000)]);
            Assert.That(lastSecond, Has.Length.GreaterThan(4000), "the agent's --play audio reached the caller after the IVR");
            Assert.That(ToneCheck.DominantFrequency(lastSecond), Is.EqualTo(1000).Within(25));

            // Wrap-up (1 s here) returns the seat to Ready by itself.
            var deadline = DateTime.UtcNow.AddSeconds(10);
            while ((await server.Acd.Store.GetSeatAsync("1049", ct))!.State != SeatState.Ready && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100, ct);
            }
            Assert.That((await server.Acd.Store.GetSeatAsync("1049", ct))!.State, Is.EqualTo(SeatState.Ready));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
