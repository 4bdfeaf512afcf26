using Microsoft.Extensions.Logging;

namespace Telephony.Ivr;

// Log events of Telephony.Ivr use EventIds 3000-3099: 3000-3019 interpreter, 3020-3039 script provider.
// This file owns 3000-3019. Ids are stable: never renumber or reuse one; add at the end.
// Next free id: 3002.

public sealed partial class IvrInterpreter
{
    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning, Message = "IVR step budget of {MaxSteps} exhausted (run started at node {StartNode})")] private partial void LogBudgetExhausted(int maxSteps, string startNode);
    [LoggerMessage(EventId = 3001, Level = LogLevel.Information, Message = "IVR finished: {Outcome}, path {Path}")] private partial void LogFinished(IvrOutcome outcome, string path);
}
