using Microsoft.Extensions.Logging;

namespace Telephony.ContactCenter.Routing;

// Log events of Telephony.ContactCenter use EventIds 4000-4199: 4000-4049 ACD; 4050-4199 free for new areas.
// This file owns 4000-4049, and 4140-4159 for seats of nodes that died (issue 15).
// Ids are stable: never renumber or reuse one; add at the end. Next free ids: 4020, 4142.

public sealed partial class AutomaticCallDistributor
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Call {CallId} queued in {Queue} with priority {Priority}")] private partial void LogQueued(string callId, string queue, int priority);
    [LoggerMessage(EventId = 4001, Level = LogLevel.Information, Message = "Call {CallId} left queue {Queue}: the caller hung up")] private partial void LogAbandoned(string callId, string queue);
    [LoggerMessage(EventId = 4002, Level = LogLevel.Information, Message = "Call {CallId} offered to seat {Extension}")] private partial void LogOffered(string callId, string extension);
    [LoggerMessage(EventId = 4003, Level = LogLevel.Information, Message = "Call {CallId}: seat {Extension} did not answer; moving on")] private partial void LogNoAnswer(string callId, string extension);
    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Call {CallId}: seat {Extension} declined the offer ({Reason}); seat NotReady, call offered on")] private partial void LogDeclined(string callId, string extension, string reason);
    [LoggerMessage(EventId = 4005, Level = LogLevel.Information, Message = "Call {CallId} handed to node {Node} for seat {Extension}")] private partial void LogHandedOff(string callId, string node, string extension);
    [LoggerMessage(EventId = 4006, Level = LogLevel.Warning, Message = "Call {CallId} (node {Node}) matched a seat but is gone; seat released")] private partial void LogCallGone(string callId, string node);
    [LoggerMessage(EventId = 4007, Level = LogLevel.Warning, Message = "Call control failed for call {CallId} at seat {Extension}")] private partial void LogOfferFailed(Exception ex, string callId, string extension);
    [LoggerMessage(EventId = 4008, Level = LogLevel.Warning, Message = "Could not deliver {Event} to seat {Extension}")] private partial void LogPublishFailed(Exception ex, string @event, string extension);
    [LoggerMessage(EventId = 4009, Level = LogLevel.Warning, Message = "Seat {Extension} was left holding call {CallId} by a node that is gone; set NotReady")] private partial void LogStaleSeat(string extension, string callId);
    [LoggerMessage(EventId = 4010, Level = LogLevel.Error, Message = "A contact-center timer failed")] private partial void LogTimerFailed(Exception ex);
    [LoggerMessage(EventId = 4011, Level = LogLevel.Warning, Message = "Seat store unavailable ({Reason}); holding {Calls} calls and {Agents} agents of this node until it returns")] private partial void LogStoreDown(string reason, int calls, int agents);
    [LoggerMessage(EventId = 4012, Level = LogLevel.Information, Message = "Seat store reachable again")] private partial void LogStoreBack();
    [LoggerMessage(EventId = 4013, Level = LogLevel.Warning, Message = "Seat store lost its state (epoch gone or new); restoring the seats, {Agents} agents and {Calls} waiting calls of this node")] private partial void LogStoreEmptied(int agents, int calls);
    [LoggerMessage(EventId = 4014, Level = LogLevel.Warning, Message = "Agent {Agent} could not be restored at seat {Extension} ({Error}); logged out")] private partial void LogRestoreRefused(string agent, string extension, SeatError error);
    [LoggerMessage(EventId = 4015, Level = LogLevel.Information, Message = "{Count} calls held by this node queued in the seat store, in their original order")] private partial void LogHeldCallsQueued(int count);
    [LoggerMessage(EventId = 4016, Level = LogLevel.Warning, Message = "Agent {Agent}: desktop disconnected at seat {Extension} ({State}); the seat takes no calls until it reconnects")] private partial void LogDesktopLost(string agent, string extension, SeatState state);
    [LoggerMessage(EventId = 4017, Level = LogLevel.Warning, Message = "Call {CallId}: desktop of agent {Agent} at seat {Extension} disconnected while {State}; the call goes on, then the seat goes NotReady")] private partial void LogDesktopLostOnCall(string agent, string extension, string callId, SeatState state);
    [LoggerMessage(EventId = 4018, Level = LogLevel.Information, Message = "Agent {Agent}: desktop reconnected; the login is kept")] private partial void LogDesktopBack(string agent);
    [LoggerMessage(EventId = 4019, Level = LogLevel.Warning, Message = "Agent {Agent} logged out of seat {Extension}: the desktop did not reconnect within {Seconds} s")] private partial void LogDesktopGraceOver(string agent, string extension, int seconds);
    [LoggerMessage(EventId = 4140, Level = LogLevel.Warning, Message = "Call {CallId} was lost with its node; seat {Extension} released ({From} to {To})")] private partial void LogLostCallSeatReleased(string callId, string extension, SeatState from, SeatState to);
    [LoggerMessage(EventId = 4141, Level = LogLevel.Warning, Message = "Seat {Extension} still in wrap-up of call {CallId} after {Seconds} s (its node is gone); ending the wrap-up")] private partial void LogStaleWrapUp(string extension, string callId, int seconds);
}
