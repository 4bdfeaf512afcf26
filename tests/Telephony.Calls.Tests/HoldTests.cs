using Telephony.Media.Sdp;

namespace Telephony.Calls.Tests;

/// <summary>A re-INVITE during the conversation reaches the media: hold (sendonly/inactive) gives the other party music, resume brings the voice back.</summary>
[NonParallelizable]
public sealed class HoldTests
{
    private const double CallerHz = 500;
    private const double AgentHz = 1200;

        [TestCase(MediaDirection.SendOnly, true, TestName = "Agent_holds_sendonly_caller_hears_music_then_the_agent_again")]
    [TestCase(MediaDirection.Inactive, false, TestName = "Caller_holds_inactive_agent_hears_music_then_the_caller_again")]
    [CancelAfter(60_000)]
    public async Task Hold_and_resume_reach_the_bridge(MediaDirection hold, bool agentHolds)
    {
        await using var server = await CallsFixture.StartAsync();
        var agent = await server.AgentAsync("1049", AgentHz);
        agent.AutoAnswer();
        var (citizen, call, agentCall) = await server.ConnectEnglishCallAsync(agent, CallerHz, "+861401");
        await Task.Delay(300);

        var (holder, holderLeg, held, heldHz, holderHz) = agentHolds
            ? (agent, agentCall, citizen, CallerHz, AgentHz)
            : (citizen, call, agent, AgentHz, CallerHz);
        var talking = await held.ListenAsync(1200);
        Assert.That(ToneCheck.Dominates(talking, holderHz, heldHz), Is.True, "before the hold the held party hears the holder");

        var onHold = await holderLeg.ReInviteAsync(holder.ReOffer(hold));
        Assert.That(onHold.StatusCode, Is.EqualTo(200));
        await Task.Delay(300);
        var music = await held.ListenAsync(1200);
        Assert.That(music.Length, Is.GreaterThan(4000), "the held party keeps receiving audio");
        Assert.That(ToneCheck.Rms(music), Is.GreaterThan(200), "music, not silence");
        Assert.That(ToneCheck.Power(music, holderHz), Is.LessThan(ToneCheck.Power(talking, holderHz) / 100), "the holder's audio is no longer relayed");
        var silentHolder = await holder.ListenAsync(1200);
        Assert.That(ToneCheck.Power(silentHolder, heldHz), Is.LessThan(1e9), "nothing is sent to the party that holds");

        var resumed = await holderLeg.ReInviteAsync(holder.ReOffer(MediaDirection.SendRecv));
        Assert.That(resumed.StatusCode, Is.EqualTo(200));
        await Task.Delay(300);
        Assert.That(ToneCheck.Dominates(await held.ListenAsync(1200), holderHz, heldHz), Is.True, "after the resume the held party hears the holder again");
        Assert.That(ToneCheck.Dominates(await holder.ListenAsync(1200), heldHz, holderHz), Is.True, "and the holder hears them");

        await call.HangupAsync();
        Assert.That((await server.RecordAsync(call.CallId)).Outcome, Is.EqualTo("answered"));
    }
}
