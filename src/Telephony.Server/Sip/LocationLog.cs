using Microsoft.Extensions.Logging;

namespace Telephony.Server.Sip;

// The shared location store's events: EventIds 7310-7319 (issue 15's multi-node range of Telephony.Server).
// Ids are stable: never renumber or reuse one; add at the end. Next free id: 7312.

/// <summary>The location store's log lines: what a node put back after Redis came back empty.</summary>
internal static partial class LocationLog
{
    [LoggerMessage(EventId = 7310, Level = LogLevel.Warning, Message = "Location store came back empty (Redis restarted without persistence): put back {Bindings} binding(s) of {Aors} address(es) of record registered through this node")]
    public static partial void Restored(ILogger logger, int bindings, int aors);

    [LoggerMessage(EventId = 7311, Level = LogLevel.Warning, Message = "Location store: registrations not put back yet ({Reason}); trying again at the next reconnect")]
    public static partial void RestoreFailed(ILogger logger, string reason);
}
