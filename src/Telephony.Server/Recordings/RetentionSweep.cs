using Telephony.Calls;
using Telephony.Cases.Storage;

namespace Telephony.Server.Recordings;

/// <summary>
/// Once a day (first a minute after the start): deletes the recordings of calls offered more than
/// <c>Calls:RecordingRetentionDays</c> ago and marks their records (the API then answers 410), and deletes the
/// traces of calls ended more than <c>Calls:TraceRetentionDays</c> ago. 0 days keeps them for ever. Files are
/// deleted only inside the recordings folder (<see cref="RecordingFiles"/>).
/// </summary>
public sealed class RetentionSweep(CallManagerOptions options, IRecordingStore recordings, ICallTraceStore traces, RecordingFiles files,
    TimeProvider time, ILogger<RetentionSweep> log) : BackgroundService
{
    private const int Batch = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = TimeSpan.FromMinutes(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(wait, time, stoppingToken).ConfigureAwait(false);
                await RunOnceAsync(stoppingToken).ConfigureAwait(false);
                wait = TimeSpan.FromDays(1);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                wait = TimeSpan.FromMinutes(15);
                RecordingsLog.SweepFailed(log, e, wait.TotalMinutes);
            }
        }
    }

    /// <summary>One sweep; returns (recordings expired, traces deleted).</summary>
    public async Task<(int Recordings, int Traces)> RunOnceAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        int expired = 0, traceRows = 0;
        if (options.RecordingRetentionDays > 0)
        {
            var before = now - TimeSpan.FromDays(options.RecordingRetentionDays);
            IReadOnlyList<RecordingListing> due;
            do
            {
                due = await recordings.ListRecordingsOfferedBeforeAsync(before, Batch, ct).ConfigureAwait(false);
                foreach (var listing in due)
                {
                    var callId = listing.Call.CallId;
                    if (files.PathOf(listing.Call) is not { } path)
                    {
                        RecordingsLog.OutsideFolder(log, callId); // marked all the same: it is not served either way
                    }
                    else
                    {
                        try
                        {
                            File.Delete(path); // no error when it is already gone
                        }
                        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                        {
                            RecordingsLog.DeleteFailed(log, e, callId);
                            continue;
                        }
                    }
                    await recordings.MarkRecordingExpiredAsync(callId, now, ct).ConfigureAwait(false);
                    expired++;
                }
            }
            while (due.Count == Batch && expired > 0);
        }
        if (options.TraceRetentionDays > 0)
        {
            traceRows = await traces.DeleteCallTracesBeforeAsync(now - TimeSpan.FromDays(options.TraceRetentionDays), ct).ConfigureAwait(false);
        }
        RecordingsLog.Swept(log, expired, options.RecordingRetentionDays, traceRows, options.TraceRetentionDays);
        return (expired, traceRows);
    }
}
