namespace Telephony.Calls.Tests;

/// <summary>An agent's softphone that refuses the call (486/603) passes it on at once, not after the ring timeout.</summary>
[NonParallelizable]
public sealed class DeclineTests
{
    [TestCase(486, "Busy Here", "busy (486)", false, TestName = "Agent_busy_486_goes_NotReady_and_the_next_agent_rings_at_once_in_process")]
    [TestCase(603, "Decline", "declined (603)", true, TestName = "Agent_declines_603_goes_NotReady_and_the_next_agent_rings_at_once_redis")]
    [CancelAfter(60_000)]
    public async Task A_declining_agent_is_skipped_at_once(int status, string phrase, string reason, bool redis)
    {
        // A ring timeout far longer than the test waits: only the decline can move the call on in time.
        await using var server = await CallsFixture.StartAsync(useRedis: redis, ringTimeoutSeconds: 30);
        var refuser = await server.AgentAsync("1049", 1200);
        var taker = await server.AgentAsync("1050", 1400);
        taker.AutoAnswer();
        var refused = Task.Run(async () =>
        {
            var leg = await refuser.Ua.IncomingCalls.ReadAsync();
            await leg.RejectAsync(status, phrase);
            return Stamp.Now;
        });
        var citizen = await server.CitizenAsync(500, "+861301");

        var call = await server.DialEnglishAsync(citizen);

        var refusedAt = await refused.WaitAsync(TimeSpan.FromSeconds(15));
        var invitedAt = await taker.InvitedAt.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(Stamp.Milliseconds(refusedAt, invitedAt), Is.LessThan(5000), "next agent rung right after the refusal");
        var answered = await taker.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        await answered.NextAsync<CallEstablished>();

        var seat = await server.Seats.GetSeatAsync("1049");
        Assert.That((seat!.State, seat.Reason, seat.CallId), Is.EqualTo((SeatState.NotReady, reason, (string?)null)));
        Assert.That(await server.WaitPhaseAsync(call.CallId, CallPhase.Connected, 5), Is.EqualTo(CallPhase.Connected));

        await call.HangupAsync();
        var record = await server.RecordAsync(call.CallId);
        Assert.That((record.Outcome, record.AgentId), Is.EqualTo(("answered", "1050")));
    }
}
