using Telephony.Cases.Callbacks;

namespace Telephony.Cases.Tests;

/// <summary>
/// Missed-call return (漏话回拨): the tasks the call-record saves make, deduplicate and drop; claims, attempts and the
/// retry policy; outbound call records kept out of the inbound KPIs. Part of the store contract (SQLite and PostgreSQL).
/// </summary>
public abstract partial class CaseStoreContract
{
    private static CallRecord Abandoned(string id, string caller, DateTimeOffset at) => new()
    {
        CallId = id, Caller = caller, Called = "12345", OfferedAt = at, QueuedAt = at.AddSeconds(20), EndedAt = at.AddSeconds(60),
        Outcome = CallOutcome.Abandoned.ToText(), Direction = CallDirections.Inbound,
    };

    private static CallRecord AnsweredCall(string id, string caller, DateTimeOffset at) => new()
    {
        CallId = id, Caller = caller, Called = "12345", OfferedAt = at, QueuedAt = at.AddSeconds(10), AnsweredAt = at.AddSeconds(15),
        EndedAt = at.AddMinutes(3), Outcome = CallOutcome.Answered.ToText(), Direction = CallDirections.Inbound,
    };

    [Test]
    public async Task An_abandoned_call_makes_one_task_per_number_and_day_and_a_later_answered_call_drops_it()
    {
        var t = Monday9;
        await Store.SaveCallRecordsAsync([Abandoned("m1", "13800000001", t)]);
        await Store.SaveCallRecordAsync(Abandoned("m2", "13800000001", t.AddHours(2))); // same number, same day: no second task
        await Store.SaveCallRecordsAsync([Abandoned("m1", "13800000001", t)]); // the same record saved again adds nothing
        await Store.SaveCallRecordsAsync([
            new CallRecord { CallId = "ivr-left", Caller = "13800000002", OfferedAt = t, EndedAt = t.AddSeconds(30), Outcome = CallOutcome.Ivr.ToText(), AbandonedInIvr = true },
            new CallRecord { CallId = "self-service", Caller = "13800000003", OfferedAt = t, EndedAt = t.AddSeconds(30), Outcome = CallOutcome.Ivr.ToText() },
            Abandoned("anon", "anonymous", t),
            Abandoned("live", "13800000004", t) with { Live = true, EndedAt = null, Outcome = null },
        ]);
        var open = await Store.ListCallbackTasksAsync(CallbackTaskState.Open, 100);
        Assert.That(open.Select(x => (x.Number, x.SourceCallId, x.Kind, x.Day)), Is.EqualTo(new[]
        {
            ("13800000002", (string?)"ivr-left", CallbackKind.MissedCall, "2026-03-02"),
            ("13800000001", (string?)"m1", CallbackKind.MissedCall, "2026-03-02"),
        }), "one task for the repeated number; the caller who left the IVR is owed a call; self-service, anonymous and live calls are not");

        // The next local day is a new day for the same number.
        await Store.SaveCallRecordsAsync([Abandoned("m3", "13800000001", t.AddDays(1))]);
        Assert.That((await Store.ListCallbackTasksAsync(CallbackTaskState.Open, 100)).Count(x => x.Number == "13800000001"), Is.EqualTo(2));

        // The citizen gets through: every open task of that number made before drops.
        await Store.SaveCallRecordsAsync([AnsweredCall("through", "13800000001", t.AddDays(1).AddMinutes(5))]);
        var all = await Store.ListCallbackTasksAsync(null, 100);
        Assert.That(all.Where(x => x.Number == "13800000001").Select(x => x.State), Is.All.EqualTo(CallbackTaskState.Dropped));

        // A missed call saved after a later answered call from the same number (a batch out of order) makes no task.
        await Store.SaveCallRecordsAsync([AnsweredCall("later", "13800000005", t.AddMinutes(10)), Abandoned("earlier", "13800000005", t)]);
        Assert.That((await Store.ListCallbackTasksAsync(null, 100)).Where(x => x.Number == "13800000005"), Is.Empty);
    }

    [Test]
    public async Task A_task_is_claimed_once_and_dialled_by_the_retry_policy_until_it_fails_or_is_reached()
    {
        var t = Monday9;
        var policy = new CallbackRetryPolicy(2, TimeSpan.FromMinutes(10));
        await Store.SaveCallRecordsAsync([Abandoned("a", "13900000001", t), Abandoned("b", "13900000002", t.AddMinutes(1))]);
        var first = await Store.ClaimCallbackTaskAsync(null, "agent-1", t.AddMinutes(2));
        var second = await Store.ClaimCallbackTaskAsync(null, "agent-2", t.AddMinutes(2));
        Assert.That((first!.Number, first.State, first.Attempts, first.AgentId), Is.EqualTo(("13900000001", CallbackTaskState.Dialling, 1, (string?)"agent-1")), "oldest first");
        Assert.That(second!.Number, Is.EqualTo("13900000002"));
        Assert.That(await Store.ClaimCallbackTaskAsync(first.Id, "agent-3", t.AddMinutes(2)), Is.Null, "taken already");
        Assert.That(await Store.ClaimCallbackTaskAsync(null, "agent-3", t.AddMinutes(2)), Is.Null, "nothing left");

        var retry = await Store.RecordCallbackAttemptAsync(first.Id, CallbackAttemptOutcome.NoAnswer, "out-1", t.AddMinutes(3), policy);
        Assert.That((retry!.State, retry.DueAt, retry.LastOutcome), Is.EqualTo((CallbackTaskState.Open, t.AddMinutes(13), (CallbackAttemptOutcome?)CallbackAttemptOutcome.NoAnswer)));
        Assert.That(await Store.ClaimCallbackTaskAsync(null, "agent-1", t.AddMinutes(5)), Is.Null, "not due before the retry interval");
        var again = await Store.ClaimCallbackTaskAsync(null, "agent-1", t.AddMinutes(13));
        Assert.That(again!.Attempts, Is.EqualTo(2));
        var failed = await Store.RecordCallbackAttemptAsync(first.Id, CallbackAttemptOutcome.Busy, "out-2", t.AddMinutes(14), policy);
        Assert.That((failed!.State, failed.ClosedAt), Is.EqualTo((CallbackTaskState.Failed, (DateTimeOffset?)t.AddMinutes(14))), "two attempts used up");
        Assert.That(await Store.RecordCallbackAttemptAsync(first.Id, CallbackAttemptOutcome.Reached, "out-3", t.AddMinutes(15), policy), Is.Null, "not dialling any more");

        var reached = await Store.RecordCallbackAttemptAsync(second.Id, CallbackAttemptOutcome.Reached, "out-4", t.AddMinutes(20), policy);
        Assert.That((reached!.State, reached.ReturnedAt), Is.EqualTo((CallbackTaskState.Done, (DateTimeOffset?)t.AddMinutes(20))));
    }

    [Test]
    public async Task Missed_call_kpis_count_attempts_and_returns_within_the_limit_and_outbound_calls_are_not_offered()
    {
        var t = Monday9;
        var policy = CallbackRetryPolicy.Default;
        await Store.SaveCallRecordsAsync([Abandoned("k1", "13700000001", t), Abandoned("k2", "13700000002", t), Abandoned("k3", "13700000003", t)]);
        var a = await Store.ClaimCallbackTaskAsync(null, "agent", t.AddMinutes(2));
        await Store.RecordCallbackAttemptAsync(a!.Id, CallbackAttemptOutcome.Reached, "o1", t.AddMinutes(10), policy); // within 30 min of the task
        var b = await Store.ClaimCallbackTaskAsync(null, "agent", t.AddMinutes(2));
        await Store.RecordCallbackAttemptAsync(b!.Id, CallbackAttemptOutcome.NoAnswer, "o2", t.AddMinutes(3), policy);
        b = await Store.ClaimCallbackTaskAsync(b.Id, "agent", t.AddMinutes(50));
        await Store.RecordCallbackAttemptAsync(b!.Id, CallbackAttemptOutcome.Reached, "o3", t.AddMinutes(55), policy); // late
        await Store.SaveCallRecordsAsync([
            AnsweredCall("k3-through", "13700000003", t.AddMinutes(5)),
            new CallRecord { CallId = "o1", Caller = "12345", Called = "13700000001", OfferedAt = t.AddMinutes(9), AnsweredAt = t.AddMinutes(10), EndedAt = t.AddMinutes(12),
                Outcome = CallOutcome.MissedCallReturn.ToText(), Direction = CallDirections.Outbound, CallbackTaskId = a.Id },
        ]);

        var k = await Store.GetKpisAsync(t, t.AddHours(2));
        Assert.That((k.MissedCallTasks, k.MissedCallTasksDropped, k.MissedCallsReturned, k.MissedCallAttempts), Is.EqualTo((3L, 1L, 2L, 3L)));
        Assert.That(k.ReturnedWithin, Is.EqualTo(new Ratio(1, 2)), "one of the two tasks still owed was returned within 30 minutes");
        Assert.That((k.CallsOffered, k.CallsAnswered, k.CallsAbandoned, k.OutboundCalls, k.OutboundCallsReached), Is.EqualTo((4L, 1L, 3L, 1L, 1L)),
            "the outbound call is counted apart, not as an offered call");
        var stored = await Store.GetCallRecordAsync("o1");
        Assert.That((stored!.Direction, stored.Outcome, stored.CallbackTaskId), Is.EqualTo(((string?)CallDirections.Outbound, (string?)"missed-call-return", (long?)a.Id)));
    }

    [Test]
    public async Task A_missed_callback_task_is_added_once_and_never_for_an_anonymous_number()
    {
        var added = await Store.AddCallbackTaskAsync(CallbackKind.MissedCallback, "13600000001", "q1", Monday9);
        Assert.That(added!.Kind, Is.EqualTo(CallbackKind.MissedCallback));
        Assert.That(await Store.AddCallbackTaskAsync(CallbackKind.MissedCallback, "13600000001", "q2", Monday9.AddHours(1)), Is.Null, "one open per number and day");
        Assert.That(await Store.AddCallbackTaskAsync(CallbackKind.MissedCallback, "anonymous", "q3", Monday9), Is.Null);
        Assert.That(CallbackNumbers.IsDiallable("+8613800000000") && !CallbackNumbers.IsDiallable("") && !CallbackNumbers.IsDiallable("12a45"), Is.True);
    }
}
