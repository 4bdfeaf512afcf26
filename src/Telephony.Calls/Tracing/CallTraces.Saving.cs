using System.Text.Json;
using System.Threading.Channels;
using Telephony.Cases.Storage;

namespace Telephony.Calls.Tracing;

// Saving ended calls' traces: one loop, in batches, each trace once its settle time passed. One transaction per
// call (and a Task.Delay timer per call for the settle) cost a database commit, with its fsync, per call set up.
public sealed partial class CallTraces
{
    private const int SaveBatchSize = 200;
    private const int SaveQueueCapacity = 20_000;

    private readonly record struct PendingSave(CallTrace Trace, DateTimeOffset Due);

    // Bounded: when the database cannot keep up, further traces are not saved (counted and logged), the calls are not slowed.
    private readonly Channel<PendingSave> _toSave = Channel.CreateBounded<PendingSave>(
        new BoundedChannelOptions(SaveQueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _saving;
    private readonly OncePerInterval _saveQueueFullLog = new(TimeSpan.FromMinutes(1));
    private long _unsaved;

    /// <summary>Ended calls whose traces were not saved (the save queue was full, or the database refused them).</summary>
    public long Unsaved => Interlocked.Read(ref _unsaved);

    private void QueueSave(CallTrace trace, DateTimeOffset due)
    {
        if (_store is not null && !_toSave.Writer.TryWrite(new PendingSave(trace, due)))
        {
            Interlocked.Increment(ref _unsaved);
            if (_saveQueueFullLog.ShouldLog(_time, out var suppressed))
            {
                TracingLog.SaveQueueFull(_log, trace.CallId, SaveQueueCapacity, suppressed);
            }
        }
    }

    private async Task SaveLoopAsync(ICallTraceStore store)
    {
        await Task.Yield();
        var reader = _toSave.Reader;
        var batch = new List<PendingSave>(SaveBatchSize);
        var ct = _stopping.Token;
        try
        {
            while (await reader.WaitToReadAsync(ct).ConfigureAwait(false))
            {
                // Due times come in order (one settle for all), so the head's is the earliest.
                while (batch.Count < SaveBatchSize && reader.TryPeek(out var next))
                {
                    var wait = next.Due - _time.GetUtcNow();
                    if (wait > TimeSpan.Zero && !ct.IsCancellationRequested)
                    {
                        if (batch.Count > 0)
                        {
                            break;
                        }
                        await Task.Delay(wait, _time, ct).ConfigureAwait(false);
                        continue;
                    }
                    reader.TryRead(out _);
                    batch.Add(next);
                }
                await SaveBatchAsync(store, batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
        // Stopping: what is still queued is saved now, without waiting for its settle time.
        while (reader.TryRead(out var left))
        {
            batch.Add(left);
            if (batch.Count == SaveBatchSize)
            {
                await SaveBatchAsync(store, batch).ConfigureAwait(false);
                batch.Clear();
            }
        }
        await SaveBatchAsync(store, batch).ConfigureAwait(false);
    }

    private async Task SaveBatchAsync(ICallTraceStore store, List<PendingSave> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }
        await BlockingWorkThread.Database.SwitchTo(); // serialising and SQLite's commit block: not on a pool thread
        try
        {
            var rows = new List<StoredCallTrace>(batch.Count);
            foreach (var (trace, _) in batch)
            {
                var view = trace.View(live: false);
                rows.Add(new StoredCallTrace(trace.CallId, view.EndedAt ?? _time.GetUtcNow(), JsonSerializer.Serialize(view, Json)));
            }
            await store.SaveCallTracesAsync(rows).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Interlocked.Add(ref _unsaved, batch.Count);
            TracingLog.BatchSaveFailed(_log, e, batch.Count, batch[0].Trace.CallId);
        }
    }

    /// <summary>Stops the sweep; saves the traces still waiting (without their settle time).</summary>
    public async ValueTask DisposeAsync()
    {
        _sweep.Dispose();
        if (_toSave.Writer.TryComplete())
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
            await _saving.ConfigureAwait(false);
            _stopping.Dispose();
        }
    }
}
