using Microsoft.Extensions.Logging.Abstractions;
using Telephony.Calls.Recording;
using Telephony.Cases;
using Telephony.Cases.Storage;

namespace Telephony.Calls.Tests;

/// <summary>
/// The call-record writer: snapshots never wait for the database, a call's newer snapshot replaces its older one,
/// the queue is bounded (and says what it drops), a failed batch is retried; the node-lost end time; the refusal tally.
/// </summary>
[CancelAfter(30_000)]
public sealed class CallRecordWriterTests
{
    private static readonly DateTimeOffset T = new(2026, 3, 2, 1, 0, 0, TimeSpan.Zero);

    private static CallRecord Live(string id, DateTimeOffset? queued = null) => new() { CallId = id, OfferedAt = T, QueuedAt = queued, Live = true };

    [Test]
    public async Task Snapshots_are_written_in_batches_off_the_caller_and_the_newest_per_call_wins()
    {
        var store = new FakeRecordStore();
        await using var records = new CallRecords(store, NullLogger<CallRecords>.Instance);
        store.Gate.Reset(); // the database is slow: nothing completes until the gate opens
        records.Start("node-a", new RecordingFolder(Path.GetTempPath()));
        for (int i = 0; i < 50; i++)
        {
            Assert.That(records.Write(Live($"c{i}")), Is.True);
        }
        Assert.That(records.Write(Live("c7", queued: T.AddSeconds(5))), Is.True, "an update of a waiting call");
        store.Gate.Set();
        await WaitUntil(() => store.Saved.Count >= 50 && records.Pending == 0);
        Assert.That(store.Saved.Keys, Is.EquivalentTo(Enumerable.Range(0, 50).Select(i => $"c{i}")));
        Assert.That(store.Saved["c7"].QueuedAt, Is.EqualTo(T.AddSeconds(5)), "the newest snapshot of c7");
        Assert.That(store.Saved.Values.Select(r => r.NodeId).Distinct(), Is.EqualTo(new[] { "node-a" }));
        Assert.That(store.Batches, Is.LessThan(50), "several snapshots per transaction");
    }

    [Test]
    public async Task The_writer_calls_the_database_from_its_own_thread_never_from_the_thread_pool()
    {
        // SQLite's "async" calls block (commit and fsync included); on a pool thread they starved the calls being
        // answered on a 2-core machine (issue 10). Each batch is written from the database thread, whatever thread
        // the wait before it ended on.
        var store = new FakeRecordStore();
        await using var records = new CallRecords(store, NullLogger<CallRecords>.Instance);
        records.Start("node-a", new RecordingFolder(Path.GetTempPath()));
        for (int round = 0; round < 3; round++)
        {
            records.Write(Live($"r{round}"));
            await WaitUntil(() => store.Saved.ContainsKey($"r{round}"));
        }
        Assert.That(store.Threads, Is.Not.Empty);
        Assert.That(store.Threads, Has.All.EqualTo(("database-writer", false)));
    }

    [Test]
    public async Task A_full_queue_drops_snapshots_of_further_calls_and_keeps_updating_waiting_ones()
    {
        var store = new FakeRecordStore();
        store.Gate.Reset();
        await using var records = new CallRecords(store, NullLogger<CallRecords>.Instance, new CallManagerOptions { RecordQueueCapacity = 100 });
        for (int i = 0; i < 100; i++)
        {
            Assert.That(records.Write(Live($"c{i}")), Is.True);
        }
        Assert.That(records.Write(Live("c100")), Is.False, "a 101st call while 100 wait");
        Assert.That(records.Write(Live("c5", queued: T.AddSeconds(1))), Is.True, "a waiting call's newer snapshot still replaces its older one");
        Assert.That((records.Dropped, records.Pending), Is.EqualTo((1L, 100)));
        store.Gate.Set();
    }

    [Test]
    public async Task A_failed_batch_is_retried_without_undoing_newer_snapshots()
    {
        var store = new FakeRecordStore { FailNext = 1 };
        await using var records = new CallRecords(store, NullLogger<CallRecords>.Instance);
        records.Start("node-a", new RecordingFolder(Path.GetTempPath()));
        records.Write(Live("c1"));
        await WaitUntil(() => store.Failures == 1);
        records.Write(Live("c1", queued: T.AddSeconds(2)));
        await WaitUntil(() => store.Saved.ContainsKey("c1"), seconds: 10);
        Assert.That(store.Saved["c1"].QueuedAt, Is.EqualTo(T.AddSeconds(2)));
    }

    [Test]
    public void A_lost_call_ends_at_its_last_sign_of_life()
    {
        var record = new CallRecord { CallId = "x", OfferedAt = T, QueuedAt = T.AddSeconds(20), AnsweredAt = T.AddSeconds(30), RecordingPath = "/r/x.wav" };
        Assert.That(LostCallSweep.LastActivity(record, null, _ => null), Is.EqualTo(T.AddSeconds(30)), "the last milestone");
        Assert.That(LostCallSweep.LastActivity(record, T.AddSeconds(50), _ => null), Is.EqualTo(T.AddSeconds(50)), "the node's heartbeat, later");
        Assert.That(LostCallSweep.LastActivity(record, T.AddSeconds(10), _ => null), Is.EqualTo(T.AddSeconds(30)), "a heartbeat from before the call counts for nothing");
        Assert.That(LostCallSweep.LastActivity(record, T.AddSeconds(50), _ => TimeSpan.FromSeconds(42.5)), Is.EqualTo(T.AddSeconds(72.5)), "the end of the recording");
    }

    [Test]
    public void Refusals_are_counted_per_number_and_a_retransmission_is_not_a_second_call()
    {
        var tally = new RefusalTally();
        for (int i = 0; i < 5; i++)
        {
            tally.Count("12345", $"call-{i}");
        }
        tally.Count("12345", "call-3");
        tally.Count("12315", "other");
        Assert.That(tally.Total, Is.EqualTo(6));
        var taken = tally.Take(T, "n1").OrderBy(c => c.ServiceNumber, StringComparer.Ordinal).ToList();
        Assert.That(taken, Is.EqualTo(new[] { new CallRefusalCount(T, "12315", "n1", 1), new CallRefusalCount(T, "12345", "n1", 5) }));
        Assert.That(tally.Take(T, "n1"), Is.Empty, "taken once");
        tally.Return(taken);
        Assert.That(tally.Take(T, "n1").Sum(c => c.Count), Is.EqualTo(6), "counts that could not be written are kept");
    }

    private static async Task WaitUntil(Func<bool> condition, int seconds = 5)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "timed out");
            await Task.Delay(20);
        }
    }

    /// <summary>Keeps saved records in memory; <see cref="Gate"/> holds every save until set; <see cref="FailNext"/> fails that many batches.</summary>
    private sealed class FakeRecordStore : ICallRecordStore
    {
        public ManualResetEventSlim Gate { get; } = new(true);
        public System.Collections.Concurrent.ConcurrentDictionary<string, CallRecord> Saved { get; } = new();
        public int Batches;
        public int Failures;
        public int FailNext;
        public System.Collections.Concurrent.ConcurrentQueue<(string? Name, bool Pool)> Threads { get; } = new();

        public async Task SaveCallRecordsAsync(IReadOnlyList<CallRecord> records, CancellationToken ct = default)
        {
            Threads.Enqueue((Thread.CurrentThread.Name, Thread.CurrentThread.IsThreadPoolThread));
            while (!Gate.IsSet)
            {
                await Task.Delay(10, ct);
            }
            if (Interlocked.Decrement(ref FailNext) >= 0)
            {
                Interlocked.Increment(ref Failures);
                throw new InvalidOperationException("database down");
            }
            Interlocked.Increment(ref Batches);
            foreach (var r in records)
            {
                Saved[r.CallId] = r;
            }
        }

        public Task SaveCallRecordAsync(CallRecord record, CancellationToken ct = default) => SaveCallRecordsAsync([record], ct);
        public Task SetWrapUpEndedAsync(string callId, DateTimeOffset at, CancellationToken ct = default) => Task.CompletedTask;
        public Task<CallFigures> GetCallFiguresAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct = default) => throw new NotSupportedException();
        public Task<CallRecord?> GetCallRecordAsync(string callId, CancellationToken ct = default) => Task.FromResult(Saved.GetValueOrDefault(callId));
        public Task<IReadOnlyList<CallRecord>> ListCallRecordsAsync(DateTimeOffset from, DateTimeOffset to, int page, int pageSize, CancellationToken ct = default) =>
            Task.FromResult<IReadOnlyList<CallRecord>>([.. Saved.Values]);
        public Task<IReadOnlyList<CallRecord>> ListCallRecordsOfCallerAsync(string caller, int limit, CancellationToken ct = default) =>
            Task.FromResult<IReadOnlyList<CallRecord>>([.. Saved.Values.Where(r => r.Caller == caller).Take(limit)]);
        public Task<IReadOnlyList<CallRecord>> ListLiveCallRecordsAsync(string nodeId, CancellationToken ct = default) => Task.FromResult<IReadOnlyList<CallRecord>>([]);
        public Task MarkNodeSeenAsync(string nodeId, DateTimeOffset at, CancellationToken ct = default) => Task.CompletedTask;
        public Task<DateTimeOffset?> GetNodeSeenAsync(string nodeId, CancellationToken ct = default) => Task.FromResult<DateTimeOffset?>(null);
        public Task<IReadOnlyList<string>> ListSilentNodesAsync(DateTimeOffset seenBefore, CancellationToken ct = default) => Task.FromResult<IReadOnlyList<string>>([]);
        public Task AddCallRefusalsAsync(IReadOnlyList<CallRefusalCount> counts, CancellationToken ct = default) => Task.CompletedTask;
    }
}
