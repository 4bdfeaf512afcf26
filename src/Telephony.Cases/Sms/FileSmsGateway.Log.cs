using Microsoft.Extensions.Logging;

namespace Telephony.Cases.Sms;

// Log events of Telephony.Cases use EventIds 5000-5099: 5000-5019 case service, 5020-5029 migrator, 5030-5039 SMS gateways.
// This file owns 5030-5039. Ids are stable: never renumber or reuse one; add at the end.
// Next free id: 5031.

public sealed partial class FileSmsGateway
{
    [LoggerMessage(EventId = 5030, Level = LogLevel.Information, Message = "SMS (file gateway) to {To}: {Length} chars")] private static partial void LogSent(ILogger logger, string to, int length);
}
