using static Telephony.Testing.Audio.ThreePartyTones;
namespace Telephony.Server.Tests.Calls;

/// <summary>
/// A supervisor joins a connected call through <c>/api/calls/{id}/supervision</c>: their seat's phone
/// rings, and once answered the three parties are mixed. Each party hears exactly what the mode
/// allows (checked by tone frequency): monitor, then whisper, then barge; leaving restores the
/// direct relay. Citizen 500 Hz, agent 1200 Hz, supervisor 1700 Hz.
/// </summary>
[NonParallelizable]
public sealed class SupervisionTests
{

    /// <summary>The supervisor's phone, registered at seat 1051 with no agent desk (so the ACD never routes to it), answering by itself.</summary>
    private static async Task<TestPhone> SupervisorPhoneAsync(CallServerFixture server)
    {
        var supervisor = await TestPhone.StartAsync("sip:1051@test.local", SupervisorHz, server.PhoneMedia, "1051", "pw-1051");
        Assert.That((await supervisor.Ua.RegisterAsync($"sip:127.0.0.1:{server.SipPort}", 300)).StatusCode, Is.EqualTo(200));
        supervisor.AutoAnswer();
        return supervisor;
    }

    [Test]
    [CancelAfter(90_000)]
    public async Task Monitor_whisper_barge_and_leave_each_let_the_right_parties_hear_the_supervisor()
    {
        await using var server = new CallServerFixture(useRedis: false);
        var (_, agent) = await server.AgentAsync("1049", AgentHz);
        agent.AutoAnswer();
        await using var supervisor = await SupervisorPhoneAsync(server);
        var (citizen, call, agentCall) = await server.ConnectEnglishCallAsync(agent, CallerHz, "+861601");

        using var http = server.Factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AgentDesk.TokenAsync(server.Factory, "supervisor", "demo-supervisor"));
        var supervision = new Uri($"/api/calls/{Uri.EscapeDataString(call.CallId)}/supervision", UriKind.Relative);

        // The live list shows the connected call; bad requests are refused with clear statuses.
        var live = await http.GetFromJsonAsync<JsonElement>(new Uri("/api/calls", UriKind.Relative));
        var listed = live.EnumerateArray().Single(c => c.GetProperty("callId").GetString() == call.CallId);
        Assert.That((listed.GetProperty("phase").GetString(), listed.GetProperty("agentSeat").GetString()), Is.EqualTo(("Connected", "1049")));
        Assert.That((await http.PostAsJsonAsync(supervision, new { seat = "1051", mode = "loud" })).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await http.PostAsJsonAsync(supervision, new { seat = "10 60", mode = "monitor" })).StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await http.PostAsJsonAsync(supervision, new { seat = "1050", mode = "monitor" })).StatusCode, Is.EqualTo(HttpStatusCode.UnprocessableEntity), "seat 1050 has no phone registered");
        Assert.That((await http.PostAsJsonAsync(new Uri("/api/calls/no-such-call/supervision", UriKind.Relative), new { seat = "1051", mode = "monitor" })).StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
        Assert.That((await http.PutAsJsonAsync(supervision, new { mode = "barge" })).StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "no supervisor yet");
        using (var agentHttp = server.Factory.CreateClient())
        {
            agentHttp.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AgentDesk.TokenAsync(server.Factory, "agent1050", "demo-agent-1050"));
            Assert.That((await agentHttp.PostAsJsonAsync(supervision, new { seat = "1051", mode = "monitor" })).StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        }

        // Before: a plain two-party call.
        await Tones.ExpectAsync(citizen, "the citizen", AgentHz);

        var joined = await http.PostAsJsonAsync(supervision, new { seat = "1051", mode = "monitor" });
        Assert.That(joined.StatusCode, Is.EqualTo(HttpStatusCode.Accepted));
        var supervisorCall = await supervisor.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        await supervisorCall.NextAsync<CallEstablished>();
        Assert.That((await http.PostAsJsonAsync(supervision, new { seat = "1051", mode = "barge" })).StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "one supervisor at a time");
        await Task.Delay(500);
        var monitorFrom = DateTimeOffset.UtcNow;

        // Monitor: the supervisor hears both; nobody hears the supervisor.
        await Tones.ExpectAsync(supervisor, "the supervisor (monitor)", CallerHz, AgentHz);
        await Tones.ExpectAsync(citizen, "the citizen (monitor)", AgentHz);
        await Tones.ExpectAsync(agent, "the agent (monitor)", CallerHz);

        var monitorTo = DateTimeOffset.UtcNow;

        // Whisper: the agent hears the supervisor too, the citizen still does not.
        Assert.That((await http.PutAsJsonAsync(supervision, new { mode = "whisper" })).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await Task.Delay(200);
        await Tones.ExpectAsync(agent, "the agent (whisper)", CallerHz, SupervisorHz);
        await Tones.ExpectAsync(citizen, "the citizen (whisper)", AgentHz);

        // Barge: everybody hears everybody.
        Assert.That((await http.PutAsJsonAsync(supervision, new { mode = "Barge" })).StatusCode, Is.EqualTo(HttpStatusCode.OK));
        await Task.Delay(200);
        var bargeFrom = DateTimeOffset.UtcNow;
        await Tones.ExpectAsync(citizen, "the citizen (barge)", AgentHz, SupervisorHz);
        await Tones.ExpectAsync(agent, "the agent (barge)", CallerHz, SupervisorHz);
        live = await http.GetFromJsonAsync<JsonElement>(new Uri("/api/calls", UriKind.Relative));
        listed = live.EnumerateArray().Single(c => c.GetProperty("callId").GetString() == call.CallId);
        Assert.That((listed.GetProperty("supervision").GetString(), listed.GetProperty("supervisorSeat").GetString()), Is.EqualTo(("barge", "1051")));

        var bargeTo = DateTimeOffset.UtcNow;

        // Leaving hangs up the supervisor and restores the direct relay.
        Assert.That((await http.DeleteAsync(supervision)).StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        await supervisorCall.NextAsync<Telephony.Sip.UserAgent.CallEnded>();
        Assert.That((await http.DeleteAsync(supervision)).StatusCode, Is.EqualTo(HttpStatusCode.Conflict), "nobody left to take off");
        await Task.Delay(300);
        await Tones.ExpectAsync(citizen, "the citizen (after)", AgentHz);
        await Tones.ExpectAsync(agent, "the agent (after)", CallerHz);

        await call.HangupAsync();
        var record = await server.RecordAsync(call.CallId);
        Assert.That(record.Outcome, Is.EqualTo("answered"));
        Assert.That(record.RecordingPath, Is.Not.Null, "recorded throughout");

        // The recording's agent channel is the centre's side: the supervisor is in it while barging
        // (or whispering), not while monitoring; the caller channel stays the citizen alone.
        var (left, right) = Wav.ReadStereo(record.RecordingPath!);
        short[] Span(short[] channel, DateTimeOffset from, DateTimeOffset to)
        {
            int a = (int)((from - record.AnsweredAt!.Value).TotalSeconds * 8000) + 2400, b = (int)((to - record.AnsweredAt.Value).TotalSeconds * 8000) - 2400;
            Assert.That(b - a, Is.GreaterThan(8000), "a long enough stretch");
            return channel[a..Math.Min(b, channel.Length)];
        }
        Assert.That(Tones.Hears(Span(right, monitorFrom, monitorTo), SupervisorHz), Is.False, "monitoring: the supervisor is not in the recording");
        Assert.That(Tones.Hears(Span(right, monitorFrom, monitorTo), AgentHz), Is.True, "monitoring: the agent is");
        Assert.That(Tones.Hears(Span(right, bargeFrom, bargeTo), SupervisorHz), Is.True, "barging: the supervisor is in the agent channel");
        Assert.That(Tones.Hears(Span(right, bargeFrom, bargeTo), AgentHz), Is.True, "barging: with the agent");
        Assert.That(Tones.Hears(Span(left, bargeFrom, bargeTo), SupervisorHz), Is.False, "the caller channel is the citizen alone");
    }
}
