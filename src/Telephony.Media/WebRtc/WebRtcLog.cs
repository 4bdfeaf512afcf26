using System.Net;
using Microsoft.Extensions.Logging;
using Telephony.Media.WebRtc.Ice;

namespace Telephony.Media.WebRtc;

// This file owns 6160-6199 of Telephony.Media's 6000-6199 (see Rtp/RtpLog.cs). Ids are stable:
// never renumber or reuse one; add at the end. Next free id: 6164.

/// <summary>The WebRTC transport's log events: ICE-lite checks, the DTLS handshake, SRTP refusals.</summary>
internal static partial class WebRtcLog
{
    [LoggerMessage(EventId = 6160, Level = LogLevel.Warning, Message = "ICE {Local}: STUN from {Source} refused ({Reason}); {Count} refused on this leg")] public static partial void IceCheckRefused(ILogger logger, IPEndPoint local, IPEndPoint source, IceRefusal reason, long count);
    [LoggerMessage(EventId = 6162, Level = LogLevel.Warning, Message = "WebRTC {Local}: media not secured ({Failure}): {Detail}")] public static partial void NotSecured(ILogger logger, IPEndPoint local, WebRtcFailure failure, string detail);
    [LoggerMessage(EventId = 6163, Level = LogLevel.Information, Message = "WebRTC {Local}: DTLS-SRTP established with {Peer}, fingerprint verified")] public static partial void Secured(ILogger logger, IPEndPoint local, IPEndPoint? peer);
    [LoggerMessage(EventId = 6161, Level = LogLevel.Information, Message = "ICE {Local}: media peer is {Peer} (nominated: {Nominated})")] public static partial void IcePeerSelected(ILogger logger, IPEndPoint local, IPEndPoint peer, bool nominated);
}
