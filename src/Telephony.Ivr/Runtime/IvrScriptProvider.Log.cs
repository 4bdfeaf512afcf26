using Microsoft.Extensions.Logging;

namespace Telephony.Ivr;

// Log events of Telephony.Ivr use EventIds 3000-3099: 3000-3019 interpreter, 3020-3039 script provider.
// This file owns 3020-3039. Ids are stable: never renumber or reuse one; add at the end.
// Next free id: 3025.

public sealed partial class IvrScriptProvider
{
    [LoggerMessage(EventId = 3020, Level = LogLevel.Information, Message = "Watching {Directory} for IVR script changes")] private partial void LogWatching(string directory);
    [LoggerMessage(EventId = 3021, Level = LogLevel.Error, Message = "IVR script watcher failed")] private partial void LogWatchFailed(Exception exception);
    [LoggerMessage(EventId = 3022, Level = LogLevel.Information, Message = "IVR script {Path} loaded: {Nodes} nodes")] private partial void LogLoaded(string path, int nodes);
    [LoggerMessage(EventId = 3023, Level = LogLevel.Error, Message = "IVR script {Path} rejected with {Count} error(s); keeping {Kept} in service")] private partial void LogRejected(string path, int count, string kept);
    [LoggerMessage(EventId = 3024, Level = LogLevel.Error, Message = "{Error}")] private partial void LogError(string error);
}
