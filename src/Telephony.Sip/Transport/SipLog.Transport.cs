using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Telephony.Sip.Transport;

namespace Telephony.Sip;

// Transport events: EventIds 1000–1099 (ranges of the other areas: SipLog.cs). Next free id: 1018 (1030: TLS).
internal static partial class SipLog
{
    [LoggerMessage(1000, LogLevel.Information, "SIP listening on {EndPoint}")] public static partial void Listening(this ILogger logger, SipListenEndpoint endPoint);
    [LoggerMessage(1001, LogLevel.Debug, "UDP {Local}: receive error {Error} ignored")] public static partial void UdpReceiveErrorIgnored(this ILogger logger, IPEndPoint local, SocketError error);
    [LoggerMessage(1002, LogLevel.Warning, "UDP {Local}: receive failed")] public static partial void UdpReceiveFailed(this ILogger logger, Exception exception, IPEndPoint local);
    [LoggerMessage(1003, LogLevel.Warning, "UDP {Local}: datagram from {Remote} reached the {Limit}-byte limit; dropped")] public static partial void UdpDatagramTooLarge(this ILogger logger, IPEndPoint local, EndPoint remote, int limit);
    [LoggerMessage(1004, LogLevel.Error, "UDP {Local}: handling a datagram from {Remote} failed")] public static partial void UdpDatagramHandlingFailed(this ILogger logger, Exception exception, IPEndPoint local, EndPoint remote);
    [LoggerMessage(1005, LogLevel.Warning, "TCP accept failed")] public static partial void TcpAcceptFailed(this ILogger logger, Exception exception);
    [LoggerMessage(1006, LogLevel.Warning, "TCP: connection from {Remote} refused, {Max} connections open")] public static partial void TcpConnectionRefused(this ILogger logger, EndPoint? remote, int max);
    [LoggerMessage(1007, LogLevel.Debug, "TCP {Remote}: connection {Id} open ({Direction})")] public static partial void TcpConnectionOpened(this ILogger logger, IPEndPoint remote, long id, string direction);
    [LoggerMessage(1008, LogLevel.Error, "Connection-closed handler failed")] public static partial void TcpClosedHandlerFailed(this ILogger logger, Exception exception);
    [LoggerMessage(1009, LogLevel.Warning, "TCP {Remote}: message not completed within {Timeout}; closing")] public static partial void TcpMessageNotCompleted(this ILogger logger, IPEndPoint remote, TimeSpan timeout);
    [LoggerMessage(1010, LogLevel.Information, "TCP {Remote}: idle for {Timeout}; closing")] public static partial void TcpIdle(this ILogger logger, IPEndPoint remote, TimeSpan timeout);
    [LoggerMessage(1011, LogLevel.Warning, "TCP {Remote}: peer closed in the middle of a message ({Bytes} bytes); dropped")] public static partial void TcpPeerClosedMidMessage(this ILogger logger, IPEndPoint remote, long bytes);
    [LoggerMessage(1012, LogLevel.Error, "TCP {Remote}: read loop failed")] public static partial void TcpReadLoopFailed(this ILogger logger, Exception exception, IPEndPoint remote);
    [LoggerMessage(1013, LogLevel.Warning, "TCP {Remote}: cannot frame the stream ({Error}); closing")] public static partial void TcpCannotFrame(this ILogger logger, IPEndPoint remote, string error);
    [LoggerMessage(1014, LogLevel.Error, "stream error handler failed")] public static partial void TcpStreamErrorHandlerFailed(this ILogger logger, Exception exception);
    [LoggerMessage(1015, LogLevel.Error, "TCP {Remote}: handling a message failed")] public static partial void TcpMessageHandlingFailed(this ILogger logger, Exception exception, IPEndPoint remote);
    [LoggerMessage(1017, LogLevel.Warning, "TCP: connection from {Address} refused, {Max} connections from that address open")] public static partial void TcpConnectionRefusedPerAddress(this ILogger logger, IPAddress address, int max);
    [LoggerMessage(1030, LogLevel.Warning, "TLS {Remote}: handshake failed ({Reason}); closing")] public static partial void TlsHandshakeFailed(this ILogger logger, EndPoint? remote, string reason);
    [LoggerMessage(1016, LogLevel.Debug, "TCP {Remote}: closed ({Reason})")] public static partial void TcpClosed(this ILogger logger, IPEndPoint remote, string reason);
}
