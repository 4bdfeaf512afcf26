using Microsoft.Extensions.Logging;

namespace Telephony.Media.Recording;

// Telephony.Media's EventIds 6000-6199 are mapped in Rtp/RtpLog.cs. This file owns 6070-6099.
// Ids are stable: never renumber or reuse one; add at the end. Next free id: 6075.

/// <summary>Recording's log events: pauses, metadata, repair after a crash.</summary>
internal static partial class RecordingLog
{
    [LoggerMessage(EventId = 6070, Level = LogLevel.Warning, Message = "Repaired interrupted recording {Path}: {Bytes} bytes of audio")] public static partial void Repaired(ILogger logger, string path, long bytes);
    [LoggerMessage(EventId = 6071, Level = LogLevel.Error, Message = "Recording {Path} cannot be repaired: {Problem}")] public static partial void NotRepairable(ILogger logger, string path, string? problem);
    [LoggerMessage(EventId = 6072, Level = LogLevel.Information, Message = "Recording {Path} paused at {Seconds:F2}s: {Reason}")] public static partial void Paused(ILogger logger, string path, double seconds, string reason);
    [LoggerMessage(EventId = 6073, Level = LogLevel.Information, Message = "Recording {Path} resumed at {Seconds:F2}s")] public static partial void Resumed(ILogger logger, string path, double seconds);
    [LoggerMessage(EventId = 6074, Level = LogLevel.Warning, Message = "Could not write recording metadata {Path}")] public static partial void MetadataFailed(ILogger logger, Exception exception, string path);
}
