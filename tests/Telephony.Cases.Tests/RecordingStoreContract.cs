using Telephony.Cases.Storage;

namespace Telephony.Cases.Tests;

// Recordings (search, audit, retention marks) and calls' traces, on every store (migrations 10 and 11).
public abstract partial class CaseStoreContract
{
    [Test]
    public async Task Recordings_are_found_by_each_filter_and_by_the_case_taken_on_the_call()
    {
        await Store.SaveCallRecordAsync(new CallRecord { CallId = "r1", Caller = "139", OfferedAt = Monday9, AgentId = "1001", Queue = "general", Outcome = "answered", RecordingPath = "/rec/r1.wav" });
        await Store.SaveCallRecordAsync(new CallRecord { CallId = "r2", Caller = "138", OfferedAt = Monday9.AddMinutes(5), AgentId = "1002", Queue = "english", Outcome = "answered", RecordingPath = "/rec/r2.wav" });
        await Store.SaveCallRecordAsync(new CallRecord { CallId = "r3", Caller = "139", OfferedAt = Monday9.AddMinutes(9), Outcome = "abandoned" });
        var c = await H.Service.CreateAsync(new CaseIntake
        {
            Channel = CaseChannel.Phone, Category = CaseCategory.Complaint, Description = "noise", CitizenPhone = "138", CallId = "r2",
        }, Harness.Agent);
        var all = new RecordingQuery { From = Monday9.AddHours(-1), To = Monday9.AddHours(1) };
        async Task<string[]> Ids(RecordingQuery q) => [.. (await Store.SearchRecordingsAsync(q)).Select(l => l.Call.CallId)];

        Assert.That(await Ids(all), Is.EqualTo(new[] { "r2", "r1" }), "recorded calls only, newest first");
        Assert.That(await Ids(all with { RecordedOnly = false }), Is.EqualTo(new[] { "r3", "r2", "r1" }));
        Assert.That(await Ids(all with { Caller = "139" }), Is.EqualTo(new[] { "r1" }));
        Assert.That(await Ids(all with { AgentId = "1002" }), Is.EqualTo(new[] { "r2" }));
        Assert.That(await Ids(all with { Queue = "general", Outcome = "answered" }), Is.EqualTo(new[] { "r1" }));
        Assert.That(await Ids(all with { CaseNumber = c.Number }), Is.EqualTo(new[] { "r2" }));
        Assert.That(await Ids(all with { From = Monday9.AddMinutes(1) }), Is.EqualTo(new[] { "r2" }));
        var listing = await Store.GetRecordingAsync("r2");
        Assert.That((listing!.CaseNumber, listing.RecordingExpiredAt, listing.Call.Queue), Is.EqualTo((c.Number, (DateTimeOffset?)null, "english")));
        Assert.That((await Store.GetRecordingAsync("r1"))!.CaseNumber, Is.Null);
        Assert.That(await Store.GetRecordingAsync("nope"), Is.Null);

        Assert.That((await Store.ListRecordingsOfferedBeforeAsync(Monday9.AddMinutes(1), 10)).Select(l => l.Call.CallId), Is.EqualTo(new[] { "r1" }));
        await Store.MarkRecordingExpiredAsync("r1", Monday9.AddDays(100));
        Assert.That((await Store.GetRecordingAsync("r1"))!.RecordingExpiredAt, Is.EqualTo(Monday9.AddDays(100)));
        Assert.That(await Store.ListRecordingsOfferedBeforeAsync(Monday9.AddMinutes(1), 10), Is.Empty, "expired once");
        // The call manager's later saves of the record leave the mark alone.
        await Store.SaveCallRecordAsync(new CallRecord { CallId = "r1", Caller = "139", OfferedAt = Monday9, AgentId = "1001", Outcome = "answered", RecordingPath = "/rec/r1.wav" });
        Assert.That((await Store.GetRecordingAsync("r1"))!.RecordingExpiredAt, Is.Not.Null);
    }

    [Test]
    public async Task Recording_accesses_and_call_traces_are_kept_and_listed()
    {
        await Store.AddRecordingAccessAsync(new RecordingAccess(0, "r1", "supervisor", "supervisor", "listen", "left", Monday9));
        await Store.AddRecordingAccessAsync(new RecordingAccess(0, "r1", "agent1001", "agent", "download", "both", Monday9.AddMinutes(1)));
        await Store.AddRecordingAccessAsync(new RecordingAccess(0, "r2", "admin", "admin", "listen", "both", Monday9.AddMinutes(2)));
        var rows = await Store.ListRecordingAccessAsync(Monday9, Monday9.AddHours(1), "r1", 10);
        Assert.That(rows.Select(r => (r.UserName, r.Role, r.Action, r.Channel, r.At)), Is.EqualTo(new[]
        {
            ("agent1001", "agent", "download", "both", Monday9.AddMinutes(1)), ("supervisor", "supervisor", "listen", "left", Monday9),
        }));
        Assert.That(await Store.ListRecordingAccessAsync(Monday9, Monday9.AddHours(1), null, 2), Has.Count.EqualTo(2));

        await Store.SaveCallTraceAsync("t1", Monday9, """{"callId":"t1","messages":[]}""");
        await Store.SaveCallTraceAsync("t1", Monday9.AddMinutes(1), """{"callId":"t1","messages":[1]}""");
        await Store.SaveCallTraceAsync("t2", Monday9.AddDays(2), "{}");
        Assert.That(await Store.GetCallTraceAsync("t1"), Is.EqualTo("""{"callId":"t1","messages":[1]}"""));
        Assert.That(await Store.DeleteCallTracesBeforeAsync(Monday9.AddDays(1)), Is.EqualTo(1));
        Assert.That((await Store.GetCallTraceAsync("t1"), await Store.GetCallTraceAsync("t2")), Is.EqualTo(((string?)null, "{}")));
    }
}
