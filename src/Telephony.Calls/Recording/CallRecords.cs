using Microsoft.Extensions.Logging;
using Telephony.Cases;
using Telephony.Cases.Storage;
using Telephony.ContactCenter.Events;

namespace Telephony.Calls.Recording;

/// <summary>
/// Writes call records to the cases store and tells listeners when a caller finished the post-call
/// survey. As a desktop-event sink it also writes when an agent's after-call work ended
/// (<see cref="WrapUpEnded"/>), so handle time includes wrap-up.
/// </summary>
public sealed class CallRecords(ICallRecordStore store, ILogger<CallRecords> logger) : IDesktopEventSink
{
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
    }

    /// <inheritdoc />
    /// <remarks>Only <see cref="WrapUpEnded"/> concerns call records; the store keeps the first end reported, whether the record is written before or after.</remarks>
    public async Task PublishAsync(DesktopEvent desktopEvent, CancellationToken ct = default)
    {
        if (desktopEvent is not WrapUpEnded ended)
        {
            return;
        }
        try
        {
            await store.SetWrapUpEndedAsync(ended.CallId, ended.At, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            CallsLog.RecordFailed(logger, e, ended.CallId);
        }
    }

    internal void OnSurveyFinished(string callId, int? score) => SurveyFinished?.Invoke(callId, score);
}
