using Microsoft.Extensions.Logging;
using Telephony.Cases;
using Telephony.Cases.Storage;

namespace Telephony.Calls.Recording;

/// <summary>Writes call records to the cases store and tells listeners (tests, metrics) each one that was written.</summary>
public sealed class CallRecords(ICallRecordStore store, ILogger<CallRecords> logger)
{
    /// <summary>Raised after a call's record was written (or its write failed and was logged).</summary>
    public event Action<CallRecord>? Written;

    /// <summary>Raised when a caller finished the post-call survey (call id, score or null when none was given).</summary>
    public event Action<string, int?>? SurveyFinished;

    internal async Task SaveAsync(CallRecord record)
    {
        try
        {
            await store.SaveCallRecordAsync(record).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            CallsLog.RecordFailed(logger, e, record.CallId);
        }
        Written?.Invoke(record);
    }

    internal void OnSurveyFinished(string callId, int? score) => SurveyFinished?.Invoke(callId, score);
}
