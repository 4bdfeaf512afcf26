namespace Telephony.Server.Administration;

// Telephony.Server's EventIds 7000-7199 are mapped in Sip/SipHostLog.cs; live administration (issue 14) owns 7270-7289.
// Ids are stable: never renumber or reuse one; add at the end. Next free id: 7277.

/// <summary>Administration's log events: the audit line of every change, seeding, reloads.</summary>
internal static partial class AdminLog
{
    [LoggerMessage(EventId = 7270, Level = LogLevel.Warning, Message = "ADMIN {Admin} {Action} {Kind} {Id}{Detail}")] public static partial void Changed(ILogger logger, string admin, string action, string kind, string id, string detail);
    [LoggerMessage(EventId = 7271, Level = LogLevel.Information, Message = "Staff tables seeded from the JSON files at first start: {Tables}")] public static partial void Seeded(ILogger logger, string tables);
    [LoggerMessage(EventId = 7272, Level = LogLevel.Information, Message = "Staff reloaded at version {Version}: {Users} users, {Agents} agents, {Seats} seats, {Queues} queues")] public static partial void Reloaded(ILogger logger, long version, int users, int agents, int seats, int queues);
    [LoggerMessage(EventId = 7273, Level = LogLevel.Warning, Message = "Staff could not be reloaded ({Problem}); keeping what was read before until the database answers")] public static partial void ReloadFailed(ILogger logger, string problem);
    [LoggerMessage(EventId = 7274, Level = LogLevel.Warning, Message = "Seat {Extension} has digest credentials for realm {Stored}, not {Realm}: it cannot register until an administrator sets its password again")] public static partial void SeatOtherRealm(ILogger logger, string extension, string stored, string realm);
    [LoggerMessage(EventId = 7275, Level = LogLevel.Error, Message = "Stored queue {Queue} is not valid ({Problem}); keeping the queues read before")] public static partial void StoredQueueInvalid(ILogger logger, string queue, string problem);
    [LoggerMessage(EventId = 7276, Level = LogLevel.Warning, Message = "Staff change notice could not be published ({Problem}); the other nodes see the change within their version check")] public static partial void NoticeFailed(ILogger logger, string problem);
}
