using Microsoft.Extensions.Logging;

namespace Telephony.Calls;

/// <summary>
/// Log lines of the call manager and its shared parts, with stable EventIds.
/// Ranges in Telephony.Calls: 2000-2099 here, 2100-2199 the call session (InboundCallSession.Log.cs),
/// 2200-2299 the IVR channel (but 2210-2229 here: issue 13's callback tasks in the ACD, 2213-2219; and 2230-2249 here:
/// seats of calls lost with their node, issue 15), 2350-2399 outbound calls and callbacks (2370-2379 here).
/// Next free here: 2016, 2217, 2232 and 2376.
/// </summary>
internal static partial class CallsLog
{
    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Call manager started: IVR script {Script}, recordings in {Folder}")] public static partial void Started(ILogger logger, string script, string folder);
    [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Recording check at start: {Checked} WAV file(s), {Repaired} repaired, {Broken} not repairable, {Milliseconds} ms ({Folder})")] public static partial void RepairDone(ILogger logger, int @checked, int repaired, int broken, long milliseconds, string folder);
    [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "{Count} call(s) still running at shutdown")] public static partial void StopTimeout(ILogger logger, int count);
    [LoggerMessage(EventId = 2003, Level = LogLevel.Error, Message = "No RTP ports: {Error}; call refused with 503 ({Suppressed} more since the last such line)")] public static partial void NoPorts(ILogger logger, string error, long suppressed);
    [LoggerMessage(EventId = 2004, Level = LogLevel.Warning, Message = "SDP offer refused with 488: {Error}")] public static partial void BadOffer(ILogger logger, string error);
    [LoggerMessage(EventId = 2005, Level = LogLevel.Error, Message = "Answering the call failed")] public static partial void AcceptFailed(ILogger logger, Exception e);
    [LoggerMessage(EventId = 2006, Level = LogLevel.Warning, Message = "Call {CallId}: seat {Extension} has no registered softphone")] public static partial void SeatUnregistered(ILogger logger, string callId, string extension);
    [LoggerMessage(EventId = 2007, Level = LogLevel.Warning, Message = "No music on hold: {Reason}")] public static partial void NoMusic(ILogger logger, string reason);
    [LoggerMessage(EventId = 2008, Level = LogLevel.Error, Message = "Call record of {CallId} could not be written")] public static partial void RecordFailed(ILogger logger, Exception e, string callId);
    [LoggerMessage(EventId = 2009, Level = LogLevel.Warning, Message = "Call {CallId} was lost with this node: ended as node-lost at {EndedAt:o}, recording {Path}")] public static partial void CallLost(ILogger logger, string callId, DateTimeOffset endedAt, string path);
    [LoggerMessage(EventId = 2230, Level = LogLevel.Information, Message = "{Released} seat(s) released that still held one of {Count} call(s) lost with their node")] public static partial void LostCallSeatsReleased(ILogger logger, int released, int count);
    [LoggerMessage(EventId = 2231, Level = LogLevel.Warning, Message = "Seats holding {Count} call(s) lost with their node could not be released; those agents stay on the call until someone logs them out")] public static partial void LostCallSeatsNotReleased(ILogger logger, Exception e, int count);
    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "{Count} call(s) left live by node {Node} when it stopped without ending them ended as node-lost (recordings in {Folder})")] public static partial void LostCallsEnded(ILogger logger, int count, string node, string folder);
    [LoggerMessage(EventId = 2011, Level = LogLevel.Warning, Message = "Writing {What} failed; retrying in {Seconds} s")] public static partial void RecordWriteFailed(ILogger logger, Exception e, string what, double seconds);
    [LoggerMessage(EventId = 2012, Level = LogLevel.Error, Message = "Call record queue full ({Capacity} calls waiting for the database): snapshot of {CallId} dropped ({Dropped} since start)")] public static partial void RecordDropped(ILogger logger, int capacity, string callId, long dropped);
    [LoggerMessage(EventId = 2013, Level = LogLevel.Error, Message = "{Count} call record(s) not written at shutdown")] public static partial void RecordsNotFlushed(ILogger logger, Exception e, int count);
    [LoggerMessage(EventId = 2015, Level = LogLevel.Warning, Message = "The RTP port range holds {Pairs} pairs, fewer than Sip:MaxCalls ({MaxCalls}): past {Pairs} calls INVITEs get 503 for want of ports (an IVR call takes one pair, a bridged call two); widen Calls:RtpPortMin/Max or lower Sip:MaxCalls")] public static partial void FewerPortsThanCalls(ILogger logger, int pairs, int maxCalls);
    [LoggerMessage(EventId = 2014, Level = LogLevel.Information, Message = "Call records for node {Node}")] public static partial void NodeIdInUse(ILogger logger, string node);
    [LoggerMessage(EventId = 2010, Level = LogLevel.Warning, Message = "Drain began: no new calls (503); {Count} call(s) in progress may finish within {Seconds} s")] public static partial void DrainBegan(ILogger logger, int count, int seconds);
    [LoggerMessage(EventId = 2011, Level = LogLevel.Information, Message = "Draining: {Count} call(s) still in progress, {Seconds:F0} s left")] public static partial void DrainWaiting(ILogger logger, int count, double seconds);
    [LoggerMessage(EventId = 2012, Level = LogLevel.Warning, Message = "Drain ended after {Seconds:F1} s: {Finished} call(s) finished, {Cut} ended by the node (outcome drained), {Refused} new call(s) refused")] public static partial void DrainEnded(ILogger logger, double seconds, int finished, int cut, long refused);
    [LoggerMessage(EventId = 2013, Level = LogLevel.Information, Message = "New call refused with 503: the node is draining")] public static partial void DrainRefused(ILogger logger);
    [LoggerMessage(EventId = 2370, Level = LogLevel.Warning, Message = "Outbound {Purpose} to {Number} for seat {Extension} refused: {Reason}")] public static partial void OutboundRefused(ILogger logger, string purpose, string number, string extension, string reason);
    [LoggerMessage(EventId = 2371, Level = LogLevel.Information, Message = "Call {CallId}: caller {Number} waits for a callback (queued again: {Requeue})")] public static partial void CallbackParked(ILogger logger, string callId, string number, bool requeue);
    [LoggerMessage(EventId = 2372, Level = LogLevel.Information, Message = "Callback for {CallId} finished: {Result}")] public static partial void CallbackDone(ILogger logger, string callId, string result);
    [LoggerMessage(EventId = 2373, Level = LogLevel.Information, Message = "Callback for {CallId}: {Result}, attempt {Attempt} of {Max}; queued again after the retry interval")] public static partial void CallbackRetry(ILogger logger, string callId, string result, int attempt, int max);
    [LoggerMessage(EventId = 2374, Level = LogLevel.Warning, Message = "Callback for {CallId} to {Number} failed after {Attempts} attempt(s): left as a missed-callback task")] public static partial void CallbackFailed(ILogger logger, string callId, string number, int attempts);
    [LoggerMessage(EventId = 2213, Level = LogLevel.Information, Message = "Callback task {TaskId} ({Number}, attempt {Attempt}) queued for the ACD as {EntryId}")] public static partial void TaskQueued(ILogger logger, long taskId, string number, int attempt, string entryId);
    [LoggerMessage(EventId = 2214, Level = LogLevel.Information, Message = "Callback task {TaskId}: attempt {Outcome}, task {State} (call {CallId})")] public static partial void TaskAttempt(ILogger logger, long taskId, string outcome, string state, string callId);
    [LoggerMessage(EventId = 2215, Level = LogLevel.Error, Message = "Callback tasks for the ACD: the task store or the ACD failed")] public static partial void TaskFeedFailed(ILogger logger, Exception e);
    [LoggerMessage(EventId = 2216, Level = LogLevel.Information, Message = "Callback {CallId} reached the maximum wait of queue {Queue}: left as a missed-callback task")] public static partial void CallbackWaitEnded(ILogger logger, string callId, string queue);
    [LoggerMessage(EventId = 2375, Level = LogLevel.Error, Message = "Callback for {CallId}: the ACD or the task store failed")] public static partial void CallbackTaskFailed(ILogger logger, Exception e, string callId);
}
