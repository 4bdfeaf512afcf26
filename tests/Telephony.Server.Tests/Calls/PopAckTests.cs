using System.Diagnostics;

namespace Telephony.Server.Tests.Calls;

/// <summary>
/// Pop before INVITE as a guarantee: the seat's softphone rings when the desktop acknowledges the
/// screen-pop (hub <c>AcknowledgePop</c>), or after <c>Calls:PopLeadMilliseconds</c> for a desktop that never does.
/// </summary>
[NonParallelizable]
public sealed class PopAckTests
{
    private static async Task<SipCall> DialEnglishAsync(CallServerFixture server, TestPhone citizen)
    {
        var call = await citizen.Ua.CallAsync(server.Uri("12345"), citizen.Offer());
        var established = await call.NextAsync<CallEstablished>();
        citizen.ApplyAnswer(established.RemoteSdp);
        await Task.Delay(200);
        Assert.That((await call.SendDtmfAsync('9')).StatusCode, Is.EqualTo(200));
        return call;
    }

    private static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;

    private const string AckLatencyCount = "telephony_pop_acknowledge_latency_milliseconds_count";
    private const string AckLatencySum = "telephony_pop_acknowledge_latency_milliseconds_sum";
    private const string Unacknowledged = "telephony_pop_unacknowledged_total";

    private static async Task<Telephony.Server.Tests.Operations.PrometheusText> ScrapeAsync(CallServerFixture server)
    {
        using var http = server.Factory.CreateClient();
        return Telephony.Server.Tests.Operations.PrometheusText.Parse(await http.GetStringAsync(new Uri("/metrics", UriKind.Relative)));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_desktop_that_acknowledges_is_rung_right_after_its_ack_and_others_acks_are_refused()
    {
        // A long maximum wait: only the acknowledgement can make the phone ring early.
        await using var server = new CallServerFixture(useRedis: false, ringTimeoutSeconds: 20, popMaxWaitMilliseconds: 10_000);
        var (desk, agent) = await server.AgentAsync("1049", 1200);
        agent.AutoAnswer();
        await using var stranger = await AgentDesk.LoginAsync(server.Factory, "1050");
        var citizen = await server.CitizenAsync(500, "+861201");
        var before = await ScrapeAsync(server);

        var call = await DialEnglishAsync(server, citizen);
        var pop = await desk.Pops.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        var poppedAt = Stamp.Now;
        Assert.That(pop.CallId, Is.EqualTo(call.CallId));

        // Another agent cannot acknowledge (and so cannot ring) this seat's call; nor can anyone ack a call that does not exist.
        var foreign = Assert.ThrowsAsync<HubException>(() => stranger.Connection.InvokeAsync("AcknowledgePop", call.CallId));
        Assert.That(foreign!.Message, Does.Contain("No screen-pop of yours"));
        Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync("AcknowledgePop", "no-such-call"));
        Assert.ThrowsAsync<HubException>(() => desk.Connection.InvokeAsync("AcknowledgePop", new string('x', 300)));
        await Task.Delay(300);
        Assert.That(agent.InvitedAt.Reader.TryPeek(out _), Is.False, "no INVITE before the seat's own desktop acknowledged");

        var ackAt = Stamp.Now;
        await desk.Connection.InvokeAsync("AcknowledgePop", call.CallId);
        var invitedAt = await agent.InvitedAt.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.That(invitedAt, Is.GreaterThan(ackAt), "INVITE after the acknowledgement (so after the pop)");
        Assert.That(Ms(ackAt, invitedAt), Is.LessThan(2000), "rung right after the ack, not after the 10 s maximum");
        Assert.That(Ms(poppedAt, invitedAt), Is.LessThan(5000));

        var answered = await agent.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        await answered.NextAsync<CallEstablished>();
        await call.HangupAsync();
        var record = await server.RecordAsync(call.CallId);
        Assert.That((record.Outcome, record.AgentId), Is.EqualTo(("answered", "1049")));

        // The pop latency metric: one acknowledgement, at least the 300 ms the desk waited before acknowledging.
        var after = await ScrapeAsync(server);
        Assert.That(after.Value(AckLatencyCount), Is.EqualTo((before.Value(AckLatencyCount) ?? 0) + 1));
        Assert.That(after.Value(AckLatencySum) - (before.Value(AckLatencySum) ?? 0), Is.InRange(300, 10_000));
        Assert.That(after.Value(Unacknowledged) ?? 0, Is.EqualTo(before.Value(Unacknowledged) ?? 0));
    }

    [Test]
    [CancelAfter(60_000)]
    public async Task A_desktop_that_never_acknowledges_is_rung_after_the_maximum_wait()
    {
        await using var server = new CallServerFixture(useRedis: false, ringTimeoutSeconds: 10, popMaxWaitMilliseconds: 1500);
        var (desk, agent) = await server.AgentAsync("1049", 1200);
        agent.AutoAnswer();
        var citizen = await server.CitizenAsync(500, "+861202");
        var before = await ScrapeAsync(server);

        var call = await DialEnglishAsync(server, citizen);
        var pop = await desk.Pops.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        var poppedAt = Stamp.Now;
        Assert.That(pop.CallId, Is.EqualTo(call.CallId));
        var invitedAt = await agent.InvitedAt.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        // The pop reaches the desk a few ms after SignalR takes it, when the maximum wait starts.
        Assert.That(Ms(poppedAt, invitedAt), Is.InRange(1300, 5000), "rung after the maximum wait, not at once and not never");

        var answered = await agent.Answered.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        await answered.NextAsync<CallEstablished>();
        await call.HangupAsync();
        Assert.That((await server.RecordAsync(call.CallId)).Outcome, Is.EqualTo("answered"));

        var after = await ScrapeAsync(server);
        Assert.That(after.Value(Unacknowledged), Is.EqualTo((before.Value(Unacknowledged) ?? 0) + 1), "the pop nobody acknowledged is counted");
        Assert.That(after.Value(AckLatencyCount) ?? 0, Is.EqualTo(before.Value(AckLatencyCount) ?? 0), "and adds no latency sample");
    }
}
