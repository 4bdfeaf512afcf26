using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Telephony.Sip.Transport;

namespace Telephony.Sip;

// Transport events: EventIds 1000–1099 (ranges of the other areas: SipLog.cs). Next free id: 1017.
internal static partial class SipLog
{
    [LoggerMessage(EventId = 1000, Level = LogLevel.Information, Message = "SIP listening on {EndPoint}")]
    public static partial void Listening(this ILogger logger, SipListenEndpoint endPoint);

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "UDP {Local}: receive error {Error} ignored")]
    public static partial void UdpReceiveErrorIgnored(this ILogger logger, IPEndPoint local, SocketError error);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "UDP {Local}: receive failed")]
    public static partial void UdpReceiveFailed(this ILogger logger, Exception exception, IPEndPoint local);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "UDP {Local}: datagram from {Remote} reached the {Limit}-byte limit; dropped")]
    public static partial void UdpDatagramTooLarge(this ILogger logger, IPEndPoint local, EndPoint remote, int limit);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "UDP {Local}: handling a datagram from {Remote} failed")]
    public static partial void UdpDatagramHandlingFailed(this ILogger logger, Exception exception, IPEndPoint local, EndPoint remote);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "TCP accept failed")]
    public static partial void TcpAcceptFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1006, Level = LogLevel.Warning, Message = "TCP: connection from {Remote} refused, {Max} connections open")]
    public static partial void TcpConnectionRefused(this ILogger logger, EndPoint? remote, int max);

    [LoggerMessage(EventId = 1007, Level = LogLevel.Debug, Message = "TCP {Remote}: connection {Id} open ({Direction})")]
    public static partial void TcpConnectionOpened(this ILogger logger, IPEndPoint remote, long id, string direction);

    [LoggerMessage(EventId = 1008, Level = LogLevel.Error, Message = "Connection-closed handler failed")]
    public static partial void TcpClosedHandlerFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1009, Level = LogLevel.Warning, Message = "TCP {Remote}: message not completed within {Timeout}; closing")]
    public static partial void TcpMessageNotCompleted(this ILogger logger, IPEndPoint remote, TimeSpan timeout);

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "TCP {Remote}: idle for {Timeout}; closing")]
    public static partial void TcpIdle(this ILogger logger, IPEndPoint remote, TimeSpan timeout);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning, Message = "TCP {Remote}: peer closed in the middle of a message ({Bytes} bytes); dropped")]
    public static partial void TcpPeerClosedMidMessage(this ILogger logger, IPEndPoint remote, long bytes);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Error, Message = "TCP {Remote}: read loop failed")]
    public static partial void TcpReadLoopFailed(this ILogger logger, Exception exception, IPEndPoint remote);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Warning, Message = "TCP {Remote}: cannot frame the stream ({Error}); closing")]
    public static partial void TcpCannotFrame(this ILogger logger, IPEndPoint remote, string error);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Error, Message = "stream error handler failed")]
    public static partial void TcpStreamErrorHandlerFailed(this ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Error, Message = "TCP {Remote}: handling a message failed")]
    public static partial void TcpMessageHandlingFailed(this ILogger logger, Exception exception, IPEndPoint remote);

    [LoggerMessage(EventId = 1016, Level = LogLevel.Debug, Message = "TCP {Remote}: closed ({Reason})")]
    public static partial void TcpClosed(this ILogger logger, IPEndPoint remote, string reason);
}
