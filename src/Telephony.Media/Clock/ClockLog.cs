using Microsoft.Extensions.Logging;

namespace Telephony.Media.Clock;

// Telephony.Media's EventIds 6000-6199 are mapped in Rtp/RtpLog.cs. This file owns 6050-6069.
// Ids are stable: never renumber or reuse one; add at the end. Next free id: 6053.

/// <summary>The media clock's log events.</summary>
internal static partial class ClockLog
{
    [LoggerMessage(EventId = 6050, Level = LogLevel.Warning, Message = "Media clock stalled: skipped {Skipped} ticks of 20 ms")] public static partial void Stalled(ILogger logger, long skipped);
    [LoggerMessage(EventId = 6051, Level = LogLevel.Error, Message = "Media tick listener {Listener} failed on tick {Tick}")] public static partial void ListenerFailed(ILogger logger, Exception exception, string listener, long tick);
    [LoggerMessage(EventId = 6052, Level = LogLevel.Warning, Message = "Media clock: real-time priority refused (errno {Errno}; needs CAP_SYS_NICE), normal scheduling")] public static partial void RealtimeRefused(ILogger logger, int errno);
}
