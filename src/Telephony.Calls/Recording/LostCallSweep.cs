using Microsoft.Extensions.Logging;
using Telephony.Cases;
using Telephony.Cases.Storage;
using Telephony.Media.Recording;

namespace Telephony.Calls.Recording;

/// <summary>
/// Ends the call records a node left live because it died with its calls: run by that node (same node id)
/// when it starts again, after its recordings were repaired. Each ends as <see cref="CallOutcome.NodeLost"/> at
/// its last known activity (<see cref="LastActivity"/>); its recording, repaired, stays on the record.
/// </summary>
internal static class LostCallSweep
{
    /// <summary>Ends every live record of <paramref name="nodeId"/>; returns their Call-IDs (the seats still holding them are released).</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(ICallRecordStore store, string nodeId, RecordingFolder recordings, ILogger logger, CancellationToken ct)
    {
        var seen = await store.GetNodeSeenAsync(nodeId, ct).ConfigureAwait(false);
        var live = await store.ListLiveCallRecordsAsync(nodeId, ct).ConfigureAwait(false);
        if (live.Count == 0)
        {
            return [];
        }
        var ended = new List<CallRecord>(live.Count);
        foreach (var record in live)
        {
            var end = LastActivity(record, seen, RecordedLength);
            ended.Add(record with { Live = false, Outcome = CallOutcome.NodeLost.ToText(), EndedAt = end });
            CallsLog.CallLost(logger, record.CallId, end, record.RecordingPath ?? "(none)");
        }
        await store.SaveCallRecordsAsync(ended, ct).ConfigureAwait(false);
        CallsLog.LostCallsEnded(logger, ended.Count, nodeId, recordings.Path);
        return [.. ended.Select(r => r.CallId)];
    }

    /// <summary>
    /// The latest moment the call is known to have been alive: its last milestone, the node's last heartbeat
    /// (the call was still live then, or its end would have been written), and the end of its recording (which
    /// starts when the agent answers and runs on the media clock, silence included, until the process died).
    /// </summary>
    internal static DateTimeOffset LastActivity(CallRecord record, DateTimeOffset? nodeSeen, Func<string, TimeSpan?> recordedLength)
    {
        var last = record.OfferedAt;
        foreach (var t in new[] { record.IvrEndedAt, record.QueuedAt, record.AgentRingingAt, record.AnsweredAt, nodeSeen })
        {
            if (t > last)
            {
                last = t.Value;
            }
        }
        if (record is { RecordingPath: { } path, AnsweredAt: { } answered } && recordedLength(path) is { } length && answered + length > last)
        {
            last = answered + length;
        }
        return last;
    }

    /// <summary>The playing time of a recording (repaired again if it still needs it); null when it cannot be read.</summary>
    private static TimeSpan? RecordedLength(string path)
    {
        try
        {
            return File.Exists(path) ? RecordingRepair.RepairFile(path).Duration : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
