using System.Net;
using Microsoft.Extensions.Logging;

namespace Telephony.Media.Rtp;

// Log events of Telephony.Media use EventIds 6000-6199: 6000-6049 RTP (sessions, receive loop, bridge);
// 6050-6069 media clock; 6070-6099 recording; 6100-6199 free for new areas.
// This file owns 6000-6049. Ids are stable: never renumber or reuse one; add at the end.
// Next free id: 6012.

/// <summary>The RTP path's log events: sessions, the Linux receive loop, the bridge's taps.</summary>
internal static partial class RtpLog
{
    [LoggerMessage(EventId = 6000, Level = LogLevel.Warning, Message = "RTP session not opened: {Error}")] public static partial void NotOpened(ILogger logger, string? error);
    [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "RTP session {Local}: remote {Remote} is of another address family, ignored")] public static partial void OtherAddressFamily(ILogger logger, IPEndPoint local, IPEndPoint? remote);
    [LoggerMessage(EventId = 6002, Level = LogLevel.Error, Message = "RTP handler failed on session {Local}")] public static partial void HandlerFailed(ILogger logger, Exception exception, IPEndPoint local);
    [LoggerMessage(EventId = 6003, Level = LogLevel.Information, Message = "RTP session {Local}: latched to {Remote} (symmetric RTP)")] public static partial void Latched(ILogger logger, IPEndPoint local, IPEndPoint remote);
    [LoggerMessage(EventId = 6004, Level = LogLevel.Debug, Message = "RTP receive on {Local} failed, continuing")] public static partial void ReceiveFailed(ILogger logger, Exception exception, IPEndPoint local);
    [LoggerMessage(EventId = 6005, Level = LogLevel.Information, Message = "RTP receive thread {Thread} runs SCHED_FIFO at priority {Priority}")] public static partial void ReceiveThreadRealtime(ILogger logger, string? thread, int priority);
    [LoggerMessage(EventId = 6006, Level = LogLevel.Warning, Message = "RTP receive thread {Thread}: real-time priority refused (errno {Errno}; needs CAP_SYS_NICE), normal scheduling")] public static partial void ReceiveThreadRealtimeRefused(ILogger logger, string? thread, int errno);
    [LoggerMessage(EventId = 6007, Level = LogLevel.Error, Message = "RTP receive loop: epoll_wait failed with errno {Errno}")] public static partial void EpollWaitFailed(ILogger logger, int errno);
    [LoggerMessage(EventId = 6008, Level = LogLevel.Error, Message = "RTP receive loop: handler {Handler} failed")] public static partial void LoopHandlerFailed(ILogger logger, Exception exception, string handler);
    [LoggerMessage(EventId = 6009, Level = LogLevel.Error, Message = "RTP tap failed on leg {Leg}")] public static partial void TapFailed(ILogger logger, Exception exception, int leg);
    [LoggerMessage(EventId = 6011, Level = LogLevel.Warning, Message = "RTP session {Local}: {Kind} packet refused by SRTP ({Status}); further refusals are only counted")] public static partial void SrtpRefused(ILogger logger, IPEndPoint local, string kind, Srtp.SrtpStatus status);
    [LoggerMessage(EventId = 6010, Level = LogLevel.Information, Message = "RTP receive loop needs 64-bit Linux: sessions use async socket receives")] public static partial void ReceiveLoopUnsupported(ILogger logger);
}
