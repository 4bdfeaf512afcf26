using Microsoft.Extensions.Logging;

namespace Telephony.Calls;

/// <summary>
/// Log lines of the call manager and its shared parts, with stable EventIds.
/// Ranges in Telephony.Calls: 2000-2099 here, 2100-2199 the call session (InboundCallSession.Log.cs),
/// 2200-2299 the IVR channel. Next free here: 2010.
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
}
