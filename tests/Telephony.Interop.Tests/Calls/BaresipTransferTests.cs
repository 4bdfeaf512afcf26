using SeatState = Telephony.ContactCenter.Seats.SeatState;

namespace Telephony.Interop.Tests.Calls;

/// <summary>
/// A phone's own transfer button, with programs we did not write: baresip is agent 1049's SIP phone (it
/// registers with digest and answers by itself) and a second baresip is the citizen; the agent's baresip
/// sends REFER (its /transfer command) naming seat 1001, where our softphone sits. The citizen's audio must
/// reach the second agent and the second agent's the citizen (REFER refusals: AgentTransferTests and the SIP
/// layer's CallFlowTests; baresip 1.0 sends no second REFER on a call after a refused one). Ports (this task's range 34000-34999): agent baresip SIP 34000 (+1), cons 34003, RTP 34100-34119;
/// citizen baresip SIP 34010 (+1), cons 34013, RTP 34200-34209; softphone RTP 34300-34399.
/// </summary>
[NonParallelizable]
public sealed class BaresipTransferTests
{
    private const double CallerHz = 500;
    private const double FirstAgentHz = 1200;
    private const double SecondAgentHz = 1700;

    [Test]
    [CancelAfter(120_000)]
    public async Task The_agents_baresip_transfers_with_refer_and_the_citizen_talks_to_the_second_agent(CancellationToken ct)
    {
        await using var server = new SoftphoneServer(settings: new Dictionary<string, string> { ["Sip:DigestAlgorithms"] = "MD5" }); // Debian 12's baresip 1.0 refuses SHA-256 challenges
        var dir = Directory.CreateTempSubdirectory("xfer-interop-").FullName;
        try
        {
            string firstMic = Path.Combine(dir, "first-mic.wav"), secondMic = Path.Combine(dir, "second-mic.wav"), secondHeard = Path.Combine(dir, "second-heard.wav");
            Wav.WriteTone(firstMic, FirstAgentHz, 90);
            Wav.WriteTone(secondMic, SecondAgentHz, 60);
            using var firstPhone = Baresip.Start(34000, 34003, 34100,
                $"<sip:1049@127.0.0.1:{server.SipPort}>;auth_pass=sip-1049;regint=300;answermode=auto;audio_codecs=PCMA,PCMU", 90, firstMic, dumpAudio: false);
            Assert.That(await firstPhone.WaitForAsync("200 OK", TimeSpan.FromSeconds(15)), Is.True, firstPhone.Output);
            Assert.That((await server.Acd.LoginAsync("1049", "1049")).Succeeded, Is.True, "agent 1049 logs in at the seat of the baresip phone");
            Assert.That((await server.Acd.SetReadyAsync("1049", "1049")).Succeeded, Is.True);

            using var citizen = Baresip.Dial($"sip:12345@127.0.0.1:{server.SipPort}", CallerHz, sipPort: 34010, consPort: 34013, rtpBase: 34200, quitAfterSeconds: 80,
                user: "15500000007", toneAmplitude: 8000);
            Assert.That(await citizen.WaitForAsync("Call established", TimeSpan.FromSeconds(15)), Is.True, citizen.Output);
            await Task.Delay(500, ct);
            await citizen.CommandAsync("/sndcode 9");
            Assert.That(await firstPhone.WaitForAsync("Call established", TimeSpan.FromSeconds(30)), Is.True, "the first agent's baresip answered: " + firstPhone.Output);
            var callId = server.Calls.LiveCalls().Single().CallId;
            Assert.That(await WaitPhaseAsync(server, callId, Telephony.Calls.CallPhase.Connected), Is.True);

            // The second agent: our softphone at seat 1001, Ready only now.
            var options = server.Agent("1001", rtpBase: 34300);
            options.AutoAnswer = TimeSpan.FromMilliseconds(200);
            options.ReadyOnStart = true;
            options.PlayFile = secondMic;
            options.RecordFile = secondHeard;
            await using var second = await AgentClient.StartAsync(options, cancellationToken: ct);

            await firstPhone.CommandAsync($"/transfer sip:1001@127.0.0.1:{server.SipPort}");
            var pop = (await second.Events.NextAsync<ScreenPopEvent>(ct, TimeSpan.FromSeconds(30))).Pop;
            Assert.That((pop.CallId, pop.TransferredFrom), Is.EqualTo((callId, "1049")), "the pop says who transferred the call");
            await second.Events.NextAsync<ConnectedEvent>(ct, TimeSpan.FromSeconds(20));
            // The phone ends its dialog on our NOTIFY 200 with a BYE of its own (RFC 5589 §6), or takes ours. The wire
            // is the evidence: baresip 1.0 sometimes sends that BYE without printing "terminated" (seen in CI, ladder
            // REFER, 202, NOTIFY 100, NOTIFY 200, its BYE, our 200, and no console line), so either counts.
            Assert.That(await Until.TrueAsync(() => firstPhone.Count("terminated") > 0 || ByeAnswered(server, callId, "127.0.0.1:34000"), 20), Is.True,
                () => "the first agent's call ended: " + firstPhone.Output + "\nSIP ladder:\n" + Ladder(server, callId));
            await Task.Delay(TimeSpan.FromSeconds(3), ct);
            await citizen.CommandAsync("/hangup");
            await second.Events.NextAsync<CallFinishedEvent>(ct, TimeSpan.FromSeconds(15));

            var heardBySecond = ToneCheck.Audible(Wav.ReadMono(secondHeard));
            Assert.That(heardBySecond, Has.Length.GreaterThan(4000), "the second agent heard the citizen");
            Assert.That(ToneCheck.DominantFrequency(heardBySecond), Is.EqualTo(CallerHz).Within(20));
            var heardByCitizen = citizen.Heard();
            var end = ToneCheck.Audible(heardByCitizen[Math.Max(0, heardByCitizen.Length - 20000)..Math.Max(0, heardByCitizen.Length - 4000)]);
            Assert.That(end, Has.Length.GreaterThan(4000), "the citizen heard someone at the end");
            Assert.That(ToneCheck.DominantFrequency(end), Is.EqualTo(SecondAgentHz).Within(25), "the citizen talks to the second agent at the end");
            var history = await server.Acd.Store.GetHistoryAsync("1049");
            Assert.That(history.Any(t => t.To == SeatState.WrapUp && t.CallId == callId), Is.True, "the first seat went to wrap-up");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A BYE on the dialog with <paramref name="peer"/> and a 200 to it, either way round, in the call's trace.</summary>
    private static bool ByeAnswered(SoftphoneServer server, string callId, string peer)
    {
        var messages = server.Calls.Traces?.Find(callId)?.Messages.Where(m => m.Peer == peer).ToList() ?? [];
        return messages.Any(m => m.Message.IsRequest && m.Message.Method == "BYE")
            && messages.Any(m => !m.Message.IsRequest && m.Message.StatusCode == 200 && m.Message.CSeq?.EndsWith(" BYE", StringComparison.Ordinal) == true);
    }

    private static string Ladder(SoftphoneServer server, string callId) =>
        server.Calls.Traces?.Find(callId) is { } trace
            ? string.Join('\n', trace.Messages.Select(m => $"{m.At:HH:mm:ss.fff} {m.Direction} d{m.Dialog} {m.Peer} {m.Message.FirstLine}"))
            : "(no trace)";

    private static async Task<bool> WaitPhaseAsync(SoftphoneServer server, string callId, Telephony.Calls.CallPhase phase)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (server.Calls.PhaseOf(callId) != phase && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }
        return server.Calls.PhaseOf(callId) == phase;
    }
}
