namespace Telephony.Cases.Tests;

/// <summary>
/// Live call records (written from the answer on, per node), the nodes' heartbeats, and the per-minute counts of
/// calls refused for capacity, with what the KPI report makes of them. Part of the store contract (SQLite and PostgreSQL).
/// </summary>
public abstract partial class CaseStoreContract
{
    private static CallRecord LiveCall(string id, string node, DateTimeOffset at) => new() { CallId = id, OfferedAt = at, NodeId = node, Live = true };

    [Test]
    public async Task Live_records_are_saved_in_batches_listed_per_node_and_never_go_back_to_live_once_ended()
    {
        await Store.SaveCallRecordsAsync([LiveCall("a@n1", "n1", Monday9), LiveCall("b@n1", "n1", Monday9.AddSeconds(1)), LiveCall("c@n2", "n2", Monday9)]);
        Assert.That((await Store.ListLiveCallRecordsAsync("n1")).Select(r => r.CallId), Is.EqualTo(new[] { "a@n1", "b@n1" }));
        Assert.That((await Store.ListLiveCallRecordsAsync("n2")).Select(r => r.CallId), Is.EqualTo(new[] { "c@n2" }));
        Assert.That(await Store.ListLiveCallRecordsAsync("n3"), Is.Empty);

        var ended = LiveCall("a@n1", "n1", Monday9) with { Live = false, QueuedAt = Monday9.AddSeconds(5), EndedAt = Monday9.AddSeconds(9), Outcome = "abandoned" };
        await Store.SaveCallRecordsAsync([ended, LiveCall("b@n1", "n1", Monday9.AddSeconds(1)) with { QueuedAt = Monday9.AddSeconds(3) }]);
        Assert.That(await Store.GetCallRecordAsync("a@n1"), Is.EqualTo(ended));
        Assert.That((await Store.GetCallRecordAsync("b@n1"))!.QueuedAt, Is.EqualTo(Monday9.AddSeconds(3)), "a later live snapshot replaces the earlier one");

        await Store.SaveCallRecordsAsync([LiveCall("a@n1", "n1", Monday9) with { QueuedAt = Monday9.AddSeconds(5) }]);
        Assert.That(await Store.GetCallRecordAsync("a@n1"), Is.EqualTo(ended), "a late live snapshot does not undo the end");
        Assert.That((await Store.ListLiveCallRecordsAsync("n1")).Select(r => r.CallId), Is.EqualTo(new[] { "b@n1" }));
    }

    [Test]
    public async Task A_wrap_up_end_reported_while_the_record_is_live_or_missing_survives_the_batched_end()
    {
        var t = Monday9;
        await Store.SaveCallRecordsAsync([LiveCall("w@n1", "n1", t) with { AnsweredAt = t.AddSeconds(5) }]);
        await Store.SetWrapUpEndedAsync("w@n1", t.AddMinutes(4));
        await Store.SetWrapUpEndedAsync("x@n1", t.AddMinutes(5)); // its record is not written yet
        await Store.SaveCallRecordsAsync(
        [
            new CallRecord { CallId = "w@n1", OfferedAt = t, AnsweredAt = t.AddSeconds(5), EndedAt = t.AddMinutes(3), Outcome = "answered", NodeId = "n1" },
            new CallRecord { CallId = "x@n1", OfferedAt = t, AnsweredAt = t.AddSeconds(5), EndedAt = t.AddMinutes(4), Outcome = "answered", NodeId = "n1" },
        ]);
        Assert.That((await Store.GetCallRecordAsync("w@n1"))!.WrapUpEndedAt, Is.EqualTo(t.AddMinutes(4)));
        Assert.That((await Store.GetCallRecordAsync("x@n1"))!.WrapUpEndedAt, Is.EqualTo(t.AddMinutes(5)));
    }

    [Test]
    public async Task A_node_heartbeat_keeps_the_latest_sign_of_life()
    {
        Assert.That(await Store.GetNodeSeenAsync("n1"), Is.Null);
        await Store.MarkNodeSeenAsync("n1", Monday9);
        await Store.MarkNodeSeenAsync("n1", Monday9.AddSeconds(10));
        await Store.MarkNodeSeenAsync("n2", Monday9.AddSeconds(3));
        Assert.That((await Store.GetNodeSeenAsync("n1"), await Store.GetNodeSeenAsync("n2")), Is.EqualTo(((DateTimeOffset?)Monday9.AddSeconds(10), (DateTimeOffset?)Monday9.AddSeconds(3))));
    }

    [Test]
    public async Task Silent_nodes_are_those_with_live_records_and_an_old_heartbeat()
    {
        await Store.SaveCallRecordsAsync([LiveCall("a@old", "old", Monday9), LiveCall("b@fresh", "fresh", Monday9), LiveCall("c@never", "never", Monday9)]);
        await Store.SaveCallRecordsAsync([LiveCall("d@idle", "idle", Monday9) with { Live = false, EndedAt = Monday9.AddSeconds(5), Outcome = "answered" }]);
        await Store.MarkNodeSeenAsync("old", Monday9);
        await Store.MarkNodeSeenAsync("fresh", Monday9.AddMinutes(2));
        await Store.MarkNodeSeenAsync("idle", Monday9);
        Assert.That(await Store.ListSilentNodesAsync(Monday9.AddMinutes(1)), Is.EqualTo(new[] { "old" }),
            "not the one that beat since, not one without live calls, not one never seen");
    }

    [Test]
    public async Task Refused_and_lost_calls_are_offered_and_not_connected_in_the_kpis()
    {
        var t = Monday9;
        var minute = new DateTimeOffset(2026, 3, 2, 1, 0, 0, TimeSpan.Zero); // 09:00 at +08:00
        await Store.AddCallRefusalsAsync([new CallRefusalCount(minute, "12345", "n1", 400), new CallRefusalCount(minute, "12345", "n2", 50)]);
        await Store.AddCallRefusalsAsync([new CallRefusalCount(minute, "12345", "n1", 100), new CallRefusalCount(minute.AddMinutes(1), "12345", "n1", 7)]);
        await Store.AddCallRefusalsAsync([new CallRefusalCount(minute.AddHours(-2), "12345", "n1", 1000)]); // before the range
        await Store.SaveCallRecordsAsync(
        [
            new CallRecord { CallId = "ok", OfferedAt = t, QueuedAt = t.AddSeconds(2), AnsweredAt = t.AddSeconds(10), EndedAt = t.AddSeconds(70), Outcome = "answered" },
            new CallRecord { CallId = "lost-queued", OfferedAt = t, QueuedAt = t.AddSeconds(2), EndedAt = t.AddSeconds(30), Outcome = CallOutcome.NodeLost.ToText() },
            LiveCall("live-queued", "n1", t) with { QueuedAt = t.AddSeconds(2) },
            new CallRecord { CallId = "gone", OfferedAt = t, QueuedAt = t.AddSeconds(2), EndedAt = t.AddSeconds(20), Outcome = "abandoned" },
        ]);

        var k = await Store.GetKpisAsync(t, t.AddHours(1));
        Assert.That((k.CallsRefused, k.CallsOffered, k.CallsAnswered, k.CallsAbandoned, k.CallsLost), Is.EqualTo((557L, 561L, 1L, 1L, 1L)),
            "refusals of both nodes and both minutes; only the caller who hung up in the queue abandoned");
        Assert.That((k.AnswerRate, k.ServiceLevel15s), Is.EqualTo((new Ratio(1, 561), new Ratio(1, 561))));
    }
}
