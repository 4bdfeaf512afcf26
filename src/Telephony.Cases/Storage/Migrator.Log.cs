using Microsoft.Extensions.Logging;

namespace Telephony.Cases.Storage;

// Log events of Telephony.Cases use EventIds 5000-5099: 5000-5019 case service, 5020-5029 migrator, 5030-5039 SMS gateways.
// This file owns 5020-5029. Ids are stable: never renumber or reuse one; add at the end.
// Next free id: 5021.

public static partial class Migrator
{
    [LoggerMessage(EventId = 5020, Level = LogLevel.Information, Message = "case store ({Dialect}): applied migration {Version} {Name}")] private static partial void LogApplied(ILogger logger, string dialect, int version, string name);
}
