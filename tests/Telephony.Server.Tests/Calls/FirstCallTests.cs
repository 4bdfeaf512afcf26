namespace Telephony.Server.Tests.Calls;

/// <summary>
/// The first real call end to end through the in-process server: a citizen dials 12345 and presses
/// 9, the English queue's agent gets the screen-pop before the INVITE, answers, both hear each other,
/// the call is recorded in stereo and the seat goes through wrap-up back to Ready.
/// </summary>
[NonParallelizable]
public sealed class FirstCallTests
{
    private const double CallerHz = 500;
    private const double AgentHz = 1200;

    [TestCase(true, false, TestName = "Caller_presses_9_english_agent_answers_caller_hangs_up_redis")]
    [TestCase(false, true, TestName = "Caller_presses_9_english_agent_answers_agent_hangs_up_in_process")]
    [CancelAfter(60_000)]
    public async Task Caller_reaches_english_agent_talks_and_is_recorded(bool redis, bool agentHangsUp)
    {
        await using var server = new CallServerFixture(useRedis: redis);
        var (desk, agent) = await server.AgentAsync("1049", AgentHz);
        var citizen = await server.CitizenAsync(CallerHz, "+8613800000001");

        long popAt = 0, inviteAt = 0;
        ScreenPop? pop = null;
        var popTask = Task.Run(async () => { pop = await desk.Pops.Reader.ReadAsync(); popAt = Stamp.Now; });
        var agentLeg = Task.Run(async () =>
        {
            var call = await agent.Ua.IncomingCalls.ReadAsync();
            inviteAt = Stamp.Now;
            await call.AcceptAsync(agent.Answer(call.Invite.Body));
            return call;
        });

        var call = await citizen.Ua.CallAsync(server.Uri("12345"), citizen.Offer());
        var established = await call.NextAsync<CallEstablished>();
        citizen.ApplyAnswer(established.RemoteSdp);
        await Task.Delay(300);
        var dtmf = await call.SendDtmfAsync('9');
        Assert.That(dtmf.StatusCode, Is.EqualTo(200));

        var agentCall = await agentLeg.WaitAsync(TimeSpan.FromSeconds(20));
        await popTask.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(pop, Is.Not.Null);
        Assert.That(popAt, Is.LessThan(inviteAt), "screen-pop before the INVITE");
        Assert.That((pop!.CallId, pop.Language, pop.Extension, pop.CallerNumber, pop.DialedNumber, pop.Queue),
            Is.EqualTo((call.CallId, "en", "1049", "+8613800000001", "12345", "english")));
        Assert.That(pop.IvrPath, Does.Contain("[9]").And.Contain("english"));
        Assert.That(pop.IvrDigits, Is.EqualTo("9"));

        // The agent's phone is offered the caller's codec first (no transcoding when it has it).
        static string FirstPayloadType(ReadOnlyMemory<byte> sdp) =>
            System.Text.RegularExpressions.Regex.Match(System.Text.Encoding.UTF8.GetString(sdp.Span), @"m=audio \d+ RTP/AVP (\d+)").Groups[1].Value;
        Assert.That(FirstPayloadType(agentCall.Invite.Body), Is.EqualTo(FirstPayloadType(established.RemoteSdp)).And.EqualTo("8"), "the citizen's PCMA first");
        await agentCall.NextAsync<CallEstablished>();
        await Task.Delay(300); // let the bridge settle, then listen
        citizen.Listening = true;
        agent.Listening = true;
        await Task.Delay(1500);

        citizen.Listening = false;
        agent.Listening = false;
        if (agentHangsUp)
        {
            // The agent hangs up first: the caller gets the script's post-call survey, scores 5, and is hung up on.
            var survey = new TaskCompletionSource<int?>(TaskCreationOptions.RunContinuationsAsynchronously);
            server.Calls.Records.SurveyFinished += (id, score) => { if (id == call.CallId) survey.TrySetResult(score); };
            await agentCall.HangupAsync();
            var surveyDeadline = DateTime.UtcNow.AddSeconds(5);
            while (server.Calls.PhaseOf(call.CallId) != CallPhase.Survey && DateTime.UtcNow < surveyDeadline)
            {
                await Task.Delay(50);
            }
            Assert.That(server.Calls.PhaseOf(call.CallId), Is.EqualTo(CallPhase.Survey));
            // The agent is free of the call: wrap-up (1 s here) starts now, not when the citizen has rated it.
            var leftDeadline = DateTime.UtcNow.AddSeconds(2);
            while ((await server.Seats.GetSeatAsync("1049"))!.State == SeatState.OnCall && DateTime.UtcNow < leftDeadline)
            {
                await Task.Delay(20);
            }
            Assert.That((await server.Seats.GetSeatAsync("1049"))!.State, Is.AnyOf(SeatState.WrapUp, SeatState.Ready), "the seat left the call during the survey");
            await Task.Delay(300);
            await call.SendDtmfAsync('5');
            Assert.That(await survey.Task.WaitAsync(TimeSpan.FromSeconds(15)), Is.EqualTo(5));
            var ended = await call.NextAsync<Telephony.Sip.UserAgent.CallEnded>(TimeSpan.FromSeconds(20));
            Assert.That(ended.Reason, Is.EqualTo(Telephony.Sip.UserAgent.CallEndReason.RemoteHangup));
        }
        else
        {
            await call.HangupAsync();
            var ended = await agentCall.NextAsync<Telephony.Sip.UserAgent.CallEnded>();
            Assert.That(ended.Reason, Is.EqualTo(Telephony.Sip.UserAgent.CallEndReason.RemoteHangup));
        }

        var heardByCitizen = citizen.Received();
        var heardByAgent = agent.Received();
        Assert.That(ToneCheck.Dominates(heardByCitizen, AgentHz, CallerHz), Is.True, "citizen hears the agent's tone");
        Assert.That(ToneCheck.Dominates(heardByAgent, CallerHz, AgentHz), Is.True, "agent hears the citizen's tone");

        var record = await server.RecordAsync(call.CallId);
        Assert.That((record.Outcome, record.Queue, record.AgentId, record.Caller, record.Called),
            Is.EqualTo(("answered", "english", "1049", "+8613800000001", "12345")));
        Assert.That(record.AnsweredAt, Is.Not.Null);
        Assert.That(record.IvrPath, Does.Contain("[9]"));
        Assert.That(record.RecordingPath, Does.StartWith(Path.Combine(server.Folder, "recordings")));
        // The survey's score lands in the call record and the call-records API; no survey, no score.
        Assert.That(record.SurveyScore, Is.EqualTo(agentHangsUp ? 5 : (int?)null));
        // Each leg's reception statistics (RFC 3550) are kept with the call: over a second of
        // 50 packets/s on loopback, nothing lost and next to no jitter.
        Assert.That(record.CallerMedia, Is.Not.Null);
        Assert.That(record.AgentMedia, Is.Not.Null);
        Assert.That(record.CallerMedia!.PacketsReceived, Is.GreaterThan(50));
        Assert.That(record.AgentMedia!.PacketsReceived, Is.GreaterThan(50));
        Assert.That((record.CallerMedia.PacketsLost, record.AgentMedia.PacketsLost), Is.EqualTo((0L, 0L)));
        Assert.That(record.CallerMedia.JitterMilliseconds, Is.InRange(0, 20));
        Assert.That(record.AgentMedia.JitterMilliseconds, Is.InRange(0, 20));
        // The seat's after-call work (1 s here) lands in the record too, so handle time counts wrap-up. When
        // the agent hung up first it starts then, and may end while the citizen still rates the call.
        var wrapUpDeadline = DateTime.UtcNow.AddSeconds(10);
        while ((record = await server.RecordAsync(call.CallId)).WrapUpEndedAt is null && DateTime.UtcNow < wrapUpDeadline)
        {
            await Task.Delay(100);
        }
        Assert.That(record.WrapUpEndedAt, Is.Not.Null.And.GreaterThanOrEqualTo(agentHangsUp ? record.AnsweredAt!.Value.AddSeconds(1) : record.EndedAt!.Value));
        using (var http = server.Factory.CreateClient())
        {
            var token = await Agents.AgentDesk.TokenAsync(server.Factory, "supervisor", "demo-supervisor");
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            var json = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.JsonElement>(
                http, new Uri("/api/call-records/" + Uri.EscapeDataString(call.CallId), UriKind.Relative));
            Assert.That(json.GetProperty("agentMedia").GetProperty("packetsReceived").GetInt64(), Is.EqualTo(record.AgentMedia.PacketsReceived));
            var score = json.GetProperty("surveyScore");
            Assert.That(score.ValueKind == System.Text.Json.JsonValueKind.Null ? (int?)null : score.GetInt32(), Is.EqualTo(agentHangsUp ? 5 : (int?)null));
        }

        // Stereo recording: caller left, agent right.
        using (var wav = new WaveFileReader(record.RecordingPath!))
        {
            Assert.That((wav.WaveFormat.Channels, wav.WaveFormat.SampleRate, wav.WaveFormat.BitsPerSample), Is.EqualTo((2, 8000, 16)));
        }
        var (left, right) = Wav.ReadStereo(record.RecordingPath!);
        Assert.That(left, Has.Length.GreaterThan(8000), "over a second recorded");
        Assert.That(ToneCheck.Dominates(left, CallerHz, AgentHz), Is.True, "left = caller");
        Assert.That(ToneCheck.Dominates(right, AgentHz, CallerHz), Is.True, "right = agent");

        // The seat's states, from the store (Redis in the Redis case), end Ready after wrap-up.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        SeatSnapshot? seat;
        do
        {
            await Task.Delay(200);
            seat = await server.Seats.GetSeatAsync("1049");
        }
        while (seat!.State != SeatState.Ready && DateTime.UtcNow < deadline);
        var history = (await server.Seats.GetHistoryAsync("1049")).Select(t => t.To).ToList();
        var fromReserve = history.Skip(history.IndexOf(SeatState.Reserved)).ToList();
        Assert.That(fromReserve, Is.EqualTo(new[] { SeatState.Reserved, SeatState.Ringing, SeatState.OnCall, SeatState.WrapUp, SeatState.Ready }));
        Assert.That(server.Calls.ActiveCalls, Is.Zero);
    }
}
