using Telephony.Calls.Commands;

namespace Telephony.Calls.Tests;

/// <summary>The one command path (<see cref="CallManager.AskAsync"/>): who may ask which call, and what a call that is gone answers.</summary>
[NonParallelizable]
public sealed class CommandPathTests
{
    [Test]
    [CancelAfter(30_000)]
    public async Task A_command_for_an_unknown_call_is_NoSuchCall()
    {
        await using var server = await CallsFixture.StartAsync();
        var result = await server.Calls.AskAsync("no-such-call", new PauseRecording("1049", "card number"));
        Assert.That(result.Status, Is.EqualTo(CommandStatus.NoSuchCall));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_command_for_someone_elses_call_is_NotYourCall_and_changes_nothing()
    {
        await using var server = await CallsFixture.StartAsync();
        var agent = await server.AgentAsync("1049", 1200);
        agent.AutoAnswer();
        var (_, call, _) = await server.ConnectEnglishCallAsync(agent, 500, "+861501");

        var foreign = await server.Calls.AskAsync(call.CallId, new PauseRecording("1050", "not mine"));
        Assert.That(foreign.Status, Is.EqualTo(CommandStatus.NotYourCall));
        Assert.That((await server.Calls.AskAsync(call.CallId, new AcknowledgePop("1050"))).Succeeded, Is.False, "nor may another agent acknowledge its pop");
        var own = await server.Calls.AskAsync(call.CallId, new PauseRecording("1049", "card number"));
        Assert.That(own.Status, Is.EqualTo(CommandStatus.Done), "the connected agent may");

        await call.HangupAsync();
        Assert.That((await server.RecordAsync(call.CallId)).Outcome, Is.EqualTo("answered"));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_command_to_a_call_that_ended_is_answered_not_timed_out()
    {
        await using var server = await CallsFixture.StartAsync();
        var agent = await server.AgentAsync("1049", 1200);
        agent.AutoAnswer();
        var (_, call, _) = await server.ConnectEnglishCallAsync(agent, 500, "+861502");

        await call.HangupAsync();
        // The session has seen the BYE (ended, its record being written, or gone): a command now must still be answered.
        for (var deadline = DateTime.UtcNow.AddSeconds(5); server.Calls.PhaseOf(call.CallId) is not (CallPhase.Ended or null) && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(10);
        }
        var started = Stamp.Now;
        var result = await server.Calls.AskAsync(call.CallId, new PauseRecording("1049", "card number"));
        Assert.That(result.Status, Is.Not.EqualTo(CommandStatus.TimedOut));
        Assert.That(result.Succeeded, Is.False, $"a call that ended pauses nothing ({result.Status}: {result.Detail})");
        Assert.That(Stamp.Milliseconds(started, Stamp.Now), Is.LessThan(CallManager.CommandTimeout.TotalMilliseconds / 2), "answered at once, not after the command timeout");
        await server.RecordAsync(call.CallId);
        for (var deadline = DateTime.UtcNow.AddSeconds(5); server.Calls.PhaseOf(call.CallId) is not null && DateTime.UtcNow < deadline;)
        {
            await Task.Delay(50);
        }
        Assert.That((await server.Calls.AskAsync(call.CallId, new ResumeRecording("1049"))).Status, Is.EqualTo(CommandStatus.NoSuchCall), "once its loop is done the call is gone");
    }
}
