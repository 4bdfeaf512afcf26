using System.Net;
using Microsoft.Extensions.Logging;
using Telephony.Media.WebRtc.Ice;

namespace Telephony.Media.WebRtc;

// This file owns 6160-6199 of Telephony.Media's 6000-6199 (see Rtp/RtpLog.cs). Ids are stable:
// never renumber or reuse one; add at the end. Next free id: 6162.

/// <summary>The WebRTC transport's log events: ICE-lite checks, the DTLS handshake, SRTP refusals.</summary>
internal static partial class WebRtcLog
{
    [LoggerMessage(EventId = 6160, Level = LogLevel.Warning, Message = "ICE {Local}: STUN from {Source} refused ({Reason}); {Count} refused on this leg")] public static partial void IceCheckRefused(ILogger logger, IPEndPoint local, IPEndPoint source, IceRefusal reason, long count);
    [LoggerMessage(EventId = 6161, Level = LogLevel.Information, Message = "ICE {Local}: media peer is {Peer} (nominated: {Nominated})")] public static partial void IcePeerSelected(ILogger logger, IPEndPoint local, IPEndPoint peer, bool nominated);
}
