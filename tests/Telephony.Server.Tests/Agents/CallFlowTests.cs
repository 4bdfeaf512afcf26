using Telephony.ContactCenter.Queues;

namespace Telephony.Server.Tests.Agents;

/// <summary>
/// The desktop side of a routed call through the real server wiring: the ACD picks the agent, the
/// call control (standing in for the SIP call manager) pushes the pop before "ringing", and the
/// agent's desktop sees pop, state changes and call events in order.
/// </summary>
[CancelAfter(30_000)]
public sealed class CallFlowTests
{
    /// <summary>What the call manager will do: pop first (awaited), then ring.</summary>
    internal sealed class PoppingCallControl(IScreenPopNotifier notifier) : IAcdCallControl
    {
        public async Task<bool> OfferAsync(CallOffer offer, CancellationToken ct = default)
        {
            await notifier.PushScreenPopAsync(offer.Pop, ct);
            return true;
        }

        public Task WithdrawOfferAsync(string callId, string extension, CancellationToken ct = default) => Task.CompletedTask;

        public Task QueuePositionChangedAsync(QueuePosition position, CancellationToken ct = default) => Task.CompletedTask;
        public Task QueueExitAsync(QueueExit exit, CancellationToken ct = default) => Task.CompletedTask;
    }

    [Test]
    public async Task A_routed_call_pops_then_rings_then_ends_on_the_agents_desktop()
    {
        await using var server = new TelephonyTestServer(new TelephonyTestServerOptions { TestServices = s => s.AddSingleton<IAcdCallControl, PoppingCallControl>() });
        var factory = server.Factory;
        await using var desk = await AgentDesk.LoginAsync(factory, "1001");
        await desk.Connection.InvokeAsync<SeatSnapshot>("Login", "1005");
        await desk.Connection.InvokeAsync<SeatSnapshot>("SetReady");
        var acd = AgentDesk.Service<AutomaticCallDistributor>(factory);

        await acd.EnqueueAsync(new InboundCall("call-77", "+8613911112222", "12345", "taxi", 0, "zh", ["welcome", "lang-zh", "taxi"], "12"));

        var pop = await desk.Pops.Reader.ReadAsync();
        Assert.That((pop.CallId, pop.Extension, pop.AgentId, pop.CallerNumber, pop.Queue, pop.IvrDigits),
            Is.EqualTo(("call-77", "1005", "1001", "+8613911112222", "taxi", "12")));
        Assert.That(pop.IvrPath, Is.EqualTo(new[] { "welcome", "lang-zh", "taxi" }));
        Assert.That(((CallOffered)await desk.CallEvents.Reader.ReadAsync()).CallId, Is.EqualTo("call-77"));

        Assert.That(await acd.AgentAnsweredAsync("call-77"), Is.True);
        Assert.That(await desk.CallEvents.Reader.ReadAsync(), Is.InstanceOf<CallAnswered>());
        await acd.CallEndedAsync("call-77");
        var ended = (CallLeftSeat)await desk.CallEvents.Reader.ReadAsync();
        Assert.That(ended.Reason, Is.EqualTo(CallLeftSeatReason.Completed));

        var states = new List<SeatState>();
        while (states.Count < 6)
            states.Add((await desk.States.Reader.ReadAsync()).State);
        Assert.That(states, Is.EqualTo(new[]
        {
            SeatState.NotReady, SeatState.Ready, SeatState.Reserved, SeatState.Ringing, SeatState.OnCall, SeatState.WrapUp,
        }));
    }
}
