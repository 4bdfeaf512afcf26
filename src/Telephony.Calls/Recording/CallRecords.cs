using Microsoft.Extensions.Logging;
using Telephony.Cases;
using Telephony.Cases.Storage;
using Telephony.ContactCenter.Events;

namespace Telephony.Calls.Recording;

/// <summary>
/// Writes call records to the cases store and tells listeners when a caller finished the post-call
/// survey. A call's record exists from its answer on: each call hands its newest snapshot to
/// <see cref="Write"/> at its milestones (answered, queued, agent connected, ended), which never waits
/// for the database; one writer (<c>CallRecords.Writer.cs</c>) saves them in batches. On start the node
/// ends the records it left live when it died (<see cref="LostCallSweep"/>). As a desktop-event sink it
/// also writes when an agent's after-call work ended (<see cref="WrapUpEnded"/>), so handle time includes wrap-up.
/// </summary>
public sealed partial class CallRecords : IDesktopEventSink
{
    private readonly ICallRecordStore _store;
    private readonly ILogger _logger;
    private readonly CallManagerOptions _options;
    private readonly TimeProvider _time;

    /// <summary>Records over <paramref name="store"/>; <paramref name="options"/> give the queue bound and the heartbeat (defaults when null).</summary>
    public CallRecords(ICallRecordStore store, ILogger<CallRecords> logger, CallManagerOptions? options = null, TimeProvider? time = null)
    {
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _options = options ?? new CallManagerOptions();
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Raised when a caller finished the post-call survey (call id, score or null when none was given).</summary>
    public event Action<string, int?>? SurveyFinished;

    /// <summary>Calls refused for capacity, counted here and written per minute with the records.</summary>
    public RefusalTally Refusals { get; } = new();

    /// <summary>The node id this node writes on its records (set by <see cref="Start"/>).</summary>
    public string NodeId { get; private set; } = string.Empty;

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
            await _store.SetWrapUpEndedAsync(ended.CallId, ended.At, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            CallsLog.RecordFailed(_logger, e, ended.CallId);
        }
    }

    /// <summary>
    /// Raised with the Call-IDs of records the node-lost sweep ended (a dead node's calls, or this node's own from
    /// before a crash): the seats still holding those calls are released (<see cref="CallManager"/> tells the ACD).
    /// </summary>
    public event Action<IReadOnlyList<string>>? CallsLost;

    private void OnCallsLost(IReadOnlyList<string> callIds)
    {
        if (callIds.Count > 0)
        {
            CallsLost?.Invoke(callIds);
        }
    }

    internal void OnSurveyFinished(string callId, int? score) => SurveyFinished?.Invoke(callId, score);
}
