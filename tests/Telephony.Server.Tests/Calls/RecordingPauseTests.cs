namespace Telephony.Server.Tests.Calls;

/// <summary>
/// The agent pauses the recording while the citizen gives a card number (hub <c>PauseRecording</c> /
/// <c>ResumeRecording</c>): the paused stretch is silence in both channels, the metadata lists it
/// with its reason, and nobody but the connected agent can pause the call.
/// </summary>
[NonParallelizable]
public sealed class RecordingPauseTests
{
    private const double CallerHz = 500;
    private const double AgentHz = 1200;

    [Test]
    [CancelAfter(60_000)]
    public async Task The_connected_agent_pauses_and_resumes_and_the_file_and_metadata_show_it()
    {
        await using var server = new CallServerFixture(useRedis: false);
        var (desk, agent) = await server.AgentAsync("1049", AgentHz);
        agent.AutoAnswer();
        await using var stranger = await AgentDesk.LoginAsync(server.Factory, "1050");
        var (_, call, _) = await server.ConnectEnglishCallAsync(agent, CallerHz, "+861501");
        await Task.Delay(1500); // recorded talk before the pause

        var foreign = Assert.ThrowsAsync<HubException>(() => stranger.Connection.InvokeAsync("PauseRecording", call.CallId, "not mine"));
        Assert.That(foreign!.Message, Does.Contain("No call of yours"));
        Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync("PauseRecording", call.CallId, "  "));
        Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync("PauseRecording", "no-such-call", "card number"));
        Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync("ResumeRecording", new string('x', 300)));

        await desk.Connection.InvokeAsync("PauseRecording", call.CallId, "card number");
        await desk.Connection.InvokeAsync("PauseRecording", call.CallId, "card number"); // twice: no change, no error
        await Task.Delay(2000);
        await desk.Connection.InvokeAsync("ResumeRecording", call.CallId);
        await Task.Delay(1500);
        await call.HangupAsync();
        var record = await server.RecordAsync(call.CallId);
        Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync("ResumeRecording", call.CallId), "the call has ended");

        using var metadata = JsonDocument.Parse(await File.ReadAllTextAsync(record.RecordingPath! + ".json"));
        Assert.That(metadata.RootElement.GetProperty("Completed").GetBoolean(), Is.True);
        var pauses = metadata.RootElement.GetProperty("Pauses").EnumerateArray().ToList();
        Assert.That(pauses, Has.Count.EqualTo(1));
        Assert.That(pauses[0].GetProperty("Reason").GetString(), Is.EqualTo("card number"));
        double start = pauses[0].GetProperty("StartSeconds").GetDouble();
        double end = pauses[0].GetProperty("EndSeconds").GetDouble();
        Assert.That(end - start, Is.EqualTo(2.0).Within(0.5), "the pause lasted as long as the agent kept it");

        var (left, right) = Wav.ReadStereo(record.RecordingPath!);
        Assert.That(left.Length / 8000.0, Is.GreaterThan(end + 1.0), "audio goes on after the resume");
        int a = (int)((start + 0.2) * 8000), b = (int)((end - 0.2) * 8000);
        Assert.That(left[a..b].All(s => s == 0) && right[a..b].All(s => s == 0), Is.True, "silence in both channels while paused");
        var before = ((int)((start - 1.0) * 8000), (int)((start - 0.1) * 8000));
        var after = ((int)((end + 0.2) * 8000), (int)((end + 1.0) * 8000));
        Assert.That(ToneCheck.Dominates(left[before.Item1..before.Item2], CallerHz, AgentHz), Is.True, "the caller before the pause");
        Assert.That(ToneCheck.Dominates(right[before.Item1..before.Item2], AgentHz, CallerHz), Is.True, "the agent before the pause");
        Assert.That(ToneCheck.Dominates(left[after.Item1..after.Item2], CallerHz, AgentHz), Is.True, "the caller after the resume");
        Assert.That(ToneCheck.Dominates(right[after.Item1..after.Item2], AgentHz, CallerHz), Is.True, "the agent after the resume");
    }

}
