using System.Net;

namespace Telephony.Server.Http;

// Telephony.Server's EventIds 7000-7199 are mapped in Sip/SipHostLog.cs. This file owns 7080-7099.
// Ids are stable: never renumber or reuse one; add at the end. Next free id: 7082.

/// <summary>The HTTP pipeline's log events: rate limiting and malformed requests.</summary>
internal static partial class HttpLog
{
    [LoggerMessage(EventId = 7080, Level = LogLevel.Warning, Message = "Rate limit: refused {Method} {Path} from {Remote}")] public static partial void RateLimited(ILogger logger, string method, string path, IPAddress? remote);
    [LoggerMessage(EventId = 7081, Level = LogLevel.Warning, Message = "Bad request {Method} {Path}: {Reason}")] public static partial void BadRequest(ILogger logger, string method, PathString path, string reason);
}
