namespace Telephony.Server.Tests.Calls;

/// <summary>
/// Interop: a real softphone we did not write (baresip) dials 12345 and presses 9 as an RFC 4733
/// event; the English agent (our UA + the SignalR desk) gets the pop, then the INVITE, answers;
/// audio is checked both ways and in the stereo recording; the seat ends Ready after wrap-up.
/// Fixed ports from the Server.Tests range: SIP 16900 (+1 TLS), cons 16903, RTP 16910-16919.
/// </summary>
[NonParallelizable]
public sealed class BaresipCallTests
{
    private const double CallerHz = 500;
    private const double AgentHz = 1200;

    [Test]
    [CancelAfter(90_000)]
    public async Task Baresip_dials_12345_presses_9_and_talks_to_the_english_agent()
    {
        await using var server = new CallServerFixture(useRedis: true);
        var (desk, agent) = await server.AgentAsync("1049", AgentHz);
        agent.AutoAnswer();

        using var baresip = Baresip.Dial(server.Uri("12345"), CallerHz, sipPort: 16900, consPort: 16903, rtpBase: 16910, quitAfterSeconds: 60);
        Assert.That(await baresip.WaitForAsync("Call established", TimeSpan.FromSeconds(15)), Is.True, baresip.Output);
        await Task.Delay(500);
        await baresip.CommandAsync("/sndcode 9");

        var pop = await desk.Pops.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(20));
        var popAt = Stamp.Now;
        var inviteAt = await agent.InvitedAt.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(popAt, Is.LessThan(inviteAt), "screen-pop before the INVITE");
        Assert.That((pop.Language, pop.Queue, pop.DialedNumber, pop.IvrDigits), Is.EqualTo(("en", "english", "12345", "9")));
        Assert.That(pop.IvrPath, Does.Contain("english"));
        var agentCall = await agent.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        await agentCall.NextAsync<CallEstablished>();

        await Task.Delay(300);
        agent.Listening = true;
        await Task.Delay(2000);
        await baresip.CommandAsync("/hangup");
        var ended = await agentCall.NextAsync<Telephony.Sip.UserAgent.CallEnded>();
        Assert.That(ended.Reason, Is.EqualTo(Telephony.Sip.UserAgent.CallEndReason.RemoteHangup));

        Assert.That(ToneCheck.Dominates(agent.Received(), CallerHz, AgentHz), Is.True, "the agent hears baresip's tone");
        var heard = baresip.Heard();
        Assert.That(heard.Length, Is.GreaterThan(16000), "baresip dumped what it heard");
        Assert.That(ToneCheck.Dominates(heard.AsSpan(heard.Length - 8000, 6000), AgentHz, CallerHz), Is.True, "baresip hears the agent's tone at the end of the call");

        var record = await server.RecordAsync(pop.CallId);
        Assert.That((record.Outcome, record.AgentId, record.Queue), Is.EqualTo(("answered", "1049", "english")));
        using (var wav = new WaveFileReader(record.RecordingPath!))
        {
            Assert.That(wav.WaveFormat.Channels, Is.EqualTo(2));
        }
        var (left, right) = Wav.ReadStereo(record.RecordingPath!);
        Assert.That(ToneCheck.Dominates(left, CallerHz, AgentHz), Is.True, "left = caller (baresip)");
        Assert.That(ToneCheck.Dominates(right, AgentHz, CallerHz), Is.True, "right = agent");

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while ((await server.Seats.GetSeatAsync("1049"))!.State != SeatState.Ready && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        var history = (await server.Seats.GetHistoryAsync("1049")).Select(t => t.To).ToList();
        Assert.That(history.Skip(history.IndexOf(SeatState.Reserved)), Is.EqualTo(new[] { SeatState.Reserved, SeatState.Ringing, SeatState.OnCall, SeatState.WrapUp, SeatState.Ready }));
        Assert.That(server.Calls.ActiveCalls, Is.Zero);
    }
}
