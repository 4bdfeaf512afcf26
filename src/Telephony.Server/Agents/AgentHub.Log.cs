using Telephony.Calls.Commands;
using Telephony.ContactCenter.Seats;

namespace Telephony.Server.Agents;

// Telephony.Server's EventIds 7000-7199 are mapped in Sip/SipHostLog.cs. This file owns 7040-7059.
// Ids are stable: never renumber or reuse one; add at the end. 7044-7045: AgentHubFilter.cs. Next free id: 7048.

public sealed partial class AgentHub
{
    [LoggerMessage(EventId = 7040, Level = LogLevel.Warning, Message = "Agent {Agent}: {Command} on call {CallId} refused ({Status})")] private partial void LogCommandRefused(string agent, string command, string callId, CommandStatus status);
    [LoggerMessage(EventId = 7041, Level = LogLevel.Warning, Message = "User {User} has no agent claim; hub connection refused")] private partial void LogNoAgentClaim(string user);
    // 7042 (left while Ready) is retired: the ACD logs a lost desktop now (ContactCenter 4016-4019).
    [LoggerMessage(EventId = 7046, Level = LogLevel.Warning, Message = "Agent {Agent} may not {Action} call {CallId}: their seat does not hold it")] private partial void LogNotOwnCall(string agent, string action, string callId);
    [LoggerMessage(EventId = 7047, Level = LogLevel.Information, Message = "{User} saved case {Number} for call {CallId}")] private partial void LogCaseSaved(string user, string number, string callId);
    [LoggerMessage(EventId = 7043, Level = LogLevel.Information, Message = "Agent {Agent} could not {Action}: {Error}")] private partial void LogRefused(string agent, string action, SeatError error);
}
