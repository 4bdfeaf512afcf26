using System.Collections.Concurrent;
using Telephony.Cases;

namespace Telephony.Calls.Recording;

// The writer: the newest snapshot of each call waits in one map keyed by Call-ID (a call's later snapshot
// replaces its earlier one, so a call never has more than one waiting), and one loop saves them in batches,
// beats the node's heartbeat and adds the refusal counts. Nothing here runs in a call's mailbox.
public sealed partial class CallRecords : IAsyncDisposable
{
    private const int BatchSize = 200;
    private static readonly TimeSpan BatchDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, CallRecord> _pending = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _doorbell = new(0); // released per snapshot, drained by the writer
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private int _waiting; // _pending's count, kept here: ConcurrentDictionary.Count takes every lock of the map
    private long _dropped;
    private long _lastDropLog = long.MinValue;
    private int _stopped;

    /// <summary>Snapshots dropped because <see cref="CallManagerOptions.RecordQueueCapacity"/> calls were already waiting.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Calls whose newest snapshot is not written yet.</summary>
    public int Pending => Volatile.Read(ref _waiting);

    /// <summary>
    /// Hands the newest snapshot of a call to the writer; never waits. False when the queue is full: then the
    /// snapshot is dropped (counted and logged) and the database keeps the call's last written state.
    /// </summary>
    internal bool Write(CallRecord snapshot)
    {
        snapshot = snapshot with { NodeId = NodeId };
        if (Volatile.Read(ref _waiting) >= _options.RecordQueueCapacity && !_pending.ContainsKey(snapshot.CallId))
        {
            var dropped = Interlocked.Increment(ref _dropped);
            var now = Environment.TickCount64;
            var last = Interlocked.Read(ref _lastDropLog);
            if ((last == long.MinValue || now - last >= 10_000) && Interlocked.CompareExchange(ref _lastDropLog, now, last) == last)
            {
                CallsLog.RecordDropped(_logger, _options.RecordQueueCapacity, snapshot.CallId, dropped);
            }
            return false;
        }
        // One mailbox writes a call's snapshots, so only the writer (removing) races with this add or update.
        _pending.AddOrUpdate(snapshot.CallId, static (_, s) => s.Records.Added(s.Snapshot), static (_, _, s) => s.Snapshot, (Records: this, Snapshot: snapshot));
        _doorbell.Release();
        return true;
    }

    /// <summary>Ends what the node's last run left live (<see cref="LostCallSweep"/>), then writes snapshots as they come, until stopped.</summary>
    internal void Start(string nodeId, RecordingFolder recordings)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeId);
        ArgumentNullException.ThrowIfNull(recordings);
        if (_loop is not null)
        {
            return;
        }
        NodeId = nodeId;
        _loop = RunAsync(recordings, _stop.Token);
    }

    /// <summary>Stops the loop and writes what is still waiting, for at most <paramref name="bound"/>. Once.</summary>
    public async Task StopAsync(TimeSpan bound)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0 || _loop is null)
        {
            return;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        using var limit = new CancellationTokenSource(bound);
        try
        {
            while (Pending > 0 && await WriteBatchAsync(limit.Token).ConfigureAwait(false))
            {
            }
            await WriteRefusalsAsync(limit.Token).ConfigureAwait(false);
            await _store.MarkNodeSeenAsync(NodeId, _time.GetUtcNow(), limit.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            CallsLog.RecordsNotFlushed(_logger, e, Pending);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await StopAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);

    /// <summary>
    /// Ends the calls of nodes that died and did not come back (<c>Calls:NodeLostAfterSeconds</c> without a heartbeat):
    /// their own sweep at start would do it, but a node may never start again, and its calls must not stay live on the
    /// wallboard and in the KPIs. Several survivors may sweep the same node; they write the same ends.
    /// </summary>
    private async Task SweepSilentNodesAsync(RecordingFolder recordings, CancellationToken ct)
    {
        if (_options.NodeLostAfterSeconds <= 0)
        {
            return;
        }
        var silent = await _store.ListSilentNodesAsync(_time.GetUtcNow().AddSeconds(-_options.NodeLostAfterSeconds), ct).ConfigureAwait(false);
        foreach (var node in silent.Where(n => n != NodeId))
        {
            OnCallsLost(await LostCallSweep.RunAsync(_store, node, recordings, _logger, ct).ConfigureAwait(false));
        }
    }

    private async Task RunAsync(RecordingFolder recordings, CancellationToken ct)
    {
        await Task.Yield();
        var backoff = TimeSpan.FromSeconds(1);
        // The sweep reads the node's last heartbeat, so it runs before this run beats one.
        while (!ct.IsCancellationRequested)
        {
            try
            {
                OnCallsLost(await LostCallSweep.RunAsync(_store, NodeId, recordings, _logger, ct).ConfigureAwait(false));
                break;
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                CallsLog.RecordWriteFailed(_logger, e, "the node-lost sweep", backoff.TotalSeconds);
                if (!await PauseAsync(backoff, ct).ConfigureAwait(false))
                {
                    return;
                }
                backoff = Next(backoff);
            }
        }
        // Duties are scheduled on the machine's clock: the injected one only stamps times (a test's fake clock stands still).
        long heartbeatMs = _options.NodeHeartbeatSeconds * 1000L;
        long refusalFlushMs = _options.RefusalFlushSeconds * 1000L;
        long nextBeat = Environment.TickCount64;
        long nextRefusals = Environment.TickCount64 + refusalFlushMs;
        backoff = TimeSpan.FromSeconds(1);
        while (!ct.IsCancellationRequested)
        {
            await BlockingWorkThread.Database.SwitchTo(); // SQLite's writes and commits block: not on a pool thread
            try
            {
                if (Environment.TickCount64 >= nextBeat)
                {
                    await _store.MarkNodeSeenAsync(NodeId, _time.GetUtcNow(), ct).ConfigureAwait(false);
                    await SweepSilentNodesAsync(recordings, ct).ConfigureAwait(false);
                    nextBeat = Environment.TickCount64 + heartbeatMs;
                }
                if (Environment.TickCount64 >= nextRefusals)
                {
                    await WriteRefusalsAsync(ct).ConfigureAwait(false);
                    nextRefusals = Environment.TickCount64 + refusalFlushMs;
                }
                while (Pending > 0 && await WriteBatchAsync(ct).ConfigureAwait(false))
                {
                }
                backoff = TimeSpan.FromSeconds(1);
                var until = Math.Min(nextBeat, nextRefusals) - Environment.TickCount64;
                await WaitForWorkAsync(TimeSpan.FromMilliseconds(Math.Max(0, until)), ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                CallsLog.RecordWriteFailed(_logger, e, $"{Pending} call record(s)", backoff.TotalSeconds);
                if (!await PauseAsync(backoff, ct).ConfigureAwait(false))
                {
                    return;
                }
                backoff = Next(backoff);
            }
        }
    }

    /// <summary>Waits for a snapshot (then a little longer, so one transaction carries several) or until <paramref name="timeout"/>.</summary>
    private async Task WaitForWorkAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (!await _doorbell.WaitAsync(timeout, ct).ConfigureAwait(false))
        {
            return;
        }
        await Task.Delay(BatchDelay, ct).ConfigureAwait(false);
        while (_doorbell.Wait(0))
        {
            // every snapshot that rang meanwhile goes in this batch
        }
    }

    /// <summary>
    /// Saves up to <see cref="BatchSize"/> waiting snapshots in one transaction; on failure puts back those no newer
    /// snapshot replaced. False when nothing was waiting after all.
    /// </summary>
    private async Task<bool> WriteBatchAsync(CancellationToken ct)
    {
        var batch = new List<CallRecord>(Math.Clamp(Pending, 1, BatchSize));
        foreach (var callId in _pending.Keys)
        {
            if (_pending.TryRemove(callId, out var snapshot))
            {
                Interlocked.Decrement(ref _waiting);
                batch.Add(snapshot);
            }
            if (batch.Count == BatchSize)
            {
                break;
            }
        }
        if (batch.Count == 0)
        {
            // The count ran ahead of the map (a put-back raced a newer snapshot of the same call): set it right.
            Volatile.Write(ref _waiting, _pending.Count);
            return false;
        }
        try
        {
            await _store.SaveCallRecordsAsync(batch, ct).ConfigureAwait(false);
            return true;
        }
        catch
        {
            foreach (var snapshot in batch)
            {
                if (_pending.TryAdd(snapshot.CallId, snapshot)) // not when a newer snapshot came meanwhile
                {
                    Interlocked.Increment(ref _waiting);
                }
            }
            throw;
        }
    }

    private async Task WriteRefusalsAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        var minute = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        var counts = Refusals.Take(minute, NodeId);
        try
        {
            await _store.AddCallRefusalsAsync(counts, ct).ConfigureAwait(false);
        }
        catch
        {
            Refusals.Return(counts);
            throw;
        }
    }

    private async Task<bool> PauseAsync(TimeSpan wait, CancellationToken ct)
    {
        try
        {
            await Task.Delay(wait, ct).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private CallRecord Added(CallRecord snapshot)
    {
        Interlocked.Increment(ref _waiting);
        return snapshot;
    }

    private static TimeSpan Next(TimeSpan backoff) => backoff * 2 > MaxBackoff ? MaxBackoff : backoff * 2;
}
