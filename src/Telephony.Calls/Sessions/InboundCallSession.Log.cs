using Microsoft.Extensions.Logging;

namespace Telephony.Calls.Sessions;

// The call's log lines, all with the Call-ID in scope (RunAsync) and a stable EventId.
// EventIds 2100-2199 belong to the call session (CallsLog has 2000-2099), with 2250-2269 (supervisors listening from the browser) and 2310-2329 (transfers). Next free: 2142 (connected), 2148 (desk controls), 2157 (third party), 2162 (end), 2173 (browser phone), 2252 (listening).
internal sealed partial class InboundCallSession
{
    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Call from {Caller} to {Dialed} answered (media {Remote})")] private static partial void LogAnswered(ILogger logger, string caller, string dialed, string remote);
    [LoggerMessage(EventId = 2101, Level = LogLevel.Error, Message = "Handling {Message} failed; ending the call")] private static partial void LogFailed(ILogger logger, Exception e, string message);
    [LoggerMessage(EventId = 2102, Level = LogLevel.Debug, Message = "Caller left ({Reason}) during {Phase}")] private static partial void LogCallerEnded(ILogger logger, string reason, string phase);
    [LoggerMessage(EventId = 2103, Level = LogLevel.Error, Message = "No RTP ports for the {Role} leg: {Error}")] private static partial void LogNoPorts(ILogger logger, string role, string error);
    [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "INVITE to {Role} {Party} failed: {Reason}")] private static partial void LogDialFailed(ILogger logger, string role, string party, string reason);
    [LoggerMessage(EventId = 2105, Level = LogLevel.Warning, Message = "Hangup of a leg failed: {Reason}")] private static partial void LogHangupFailed(ILogger logger, string reason);

    // IVR 2110-2119
    [LoggerMessage(EventId = 2110, Level = LogLevel.Error, Message = "No IVR script in service; ending the call")] private static partial void LogNoScript(ILogger logger);
    [LoggerMessage(EventId = 2111, Level = LogLevel.Error, Message = "IVR run failed")] private static partial void LogIvrFailed(ILogger logger, Exception e);
    [LoggerMessage(EventId = 2112, Level = LogLevel.Information, Message = "IVR ended {Outcome}: {Path}")] private static partial void LogIvrDone(ILogger logger, string outcome, string path);
    [LoggerMessage(EventId = 2113, Level = LogLevel.Information, Message = "IVR transfer to {Number}: {Target}")] private static partial void LogTransfer(ILogger logger, string number, string target);
    [LoggerMessage(EventId = 2114, Level = LogLevel.Information, Message = "Transfer to {Number}: no answer in time")] private static partial void LogTransferNoAnswer(ILogger logger, string number);
    [LoggerMessage(EventId = 2115, Level = LogLevel.Information, Message = "Post-call survey score: {Score}")] private static partial void LogSurvey(ILogger logger, string score);

    // Queue and ring 2120-2129
    [LoggerMessage(EventId = 2120, Level = LogLevel.Information, Message = "Queued in {Queue} (IVR queue {IvrQueue}), position {Position}")] private static partial void LogQueued(ILogger logger, string queue, string ivrQueue, int position);
    [LoggerMessage(EventId = 2121, Level = LogLevel.Warning, Message = "Prompt {Name} missing: {Reason}")] private static partial void LogPromptMissing(ILogger logger, string name, string reason);
    [LoggerMessage(EventId = 2122, Level = LogLevel.Information, Message = "Announcing queue position {Position}")] private static partial void LogPosition(ILogger logger, int position);
    [LoggerMessage(EventId = 2123, Level = LogLevel.Debug, Message = "Seat {Extension} (agent {Agent}) acknowledged the screen-pop; ringing")] private static partial void LogPopAcknowledged(ILogger logger, string extension, string agent);
    [LoggerMessage(EventId = 2124, Level = LogLevel.Warning, Message = "Seat {Extension} (agent {Agent}): desktop did not acknowledge the screen-pop within {Milliseconds} ms; ringing anyway")] private static partial void LogPopNotAcknowledged(ILogger logger, string extension, string agent, int milliseconds);
    [LoggerMessage(EventId = 2125, Level = LogLevel.Information, Message = "Ringing seat {Extension} at {Contact}")] private static partial void LogRinging(ILogger logger, string extension, string contact);
    [LoggerMessage(EventId = 2126, Level = LogLevel.Information, Message = "Ring timeout: stop ringing seat {Extension}")] private static partial void LogWithdrawn(ILogger logger, string extension);
    [LoggerMessage(EventId = 2127, Level = LogLevel.Error, Message = "Telling the ACD the seat declined failed; its ring timeout moves the call on")] private static partial void LogDeclineFailed(ILogger logger, Exception e);
    [LoggerMessage(EventId = 2128, Level = LogLevel.Error, Message = "Telling the ACD the call ended failed")] private static partial void LogAcdFailed(ILogger logger, Exception e);
    [LoggerMessage(EventId = 2129, Level = LogLevel.Information, Message = "Queue {Queue} ended the wait ({Reason}, {Action}): telling the caller, then ending the call")] private static partial void LogQueueExit(ILogger logger, string queue, string reason, string action);

    // Connected 2130-2139
    [LoggerMessage(EventId = 2130, Level = LogLevel.Information, Message = "{Party} did not take the call: {Code} {Detail}")] private static partial void LogCentreRejected(ILogger logger, string party, int code, string detail);
    [LoggerMessage(EventId = 2131, Level = LogLevel.Information, Message = "{Party} hung up ({Reason})")] private static partial void LogCentreHungUp(ILogger logger, string party, string reason);
    [LoggerMessage(EventId = 2132, Level = LogLevel.Warning, Message = "SDP answer of {Party} unusable: {Error}")] private static partial void LogBadAnswer(ILogger logger, string party, string error);
    [LoggerMessage(EventId = 2133, Level = LogLevel.Warning, Message = "Seat {Extension} answered an offer the ACD no longer holds; hanging up that leg")] private static partial void LogOfferStale(ILogger logger, string extension);
    [LoggerMessage(EventId = 2134, Level = LogLevel.Information, Message = "Connected to {Party} (agent {Agent}), {CallerCodec}<->{CentreCodec}, recording {Path}")] private static partial void LogConnected(ILogger logger, string party, string agent, string callerCodec, string centreCodec, string path);
    [LoggerMessage(EventId = 2135, Level = LogLevel.Error, Message = "Recording {Path} cannot be written: {Reason}")] private static partial void LogRecordingFailed(ILogger logger, string path, string reason);
    [LoggerMessage(EventId = 2136, Level = LogLevel.Warning, Message = "New offer from {Party} unusable, media unchanged: {Error}")] private static partial void LogBadReOffer(ILogger logger, string party, string error);
    [LoggerMessage(EventId = 2137, Level = LogLevel.Information, Message = "New offer from {Party} applied: {Codec}, peer {Direction}, media to {Remote}")] private static partial void LogReOffer(ILogger logger, string party, string codec, string direction, string remote);
    [LoggerMessage(EventId = 2138, Level = LogLevel.Information, Message = "{Party} put the call on hold; the other party hears music")] private static partial void LogHold(ILogger logger, string party);
    [LoggerMessage(EventId = 2139, Level = LogLevel.Information, Message = "{Party} resumed the call")] private static partial void LogResume(ILogger logger, string party);
    [LoggerMessage(EventId = 2140, Level = LogLevel.Information, Message = "Agent {Agent} paused the recording: {Reason}")] private static partial void LogRecordingPaused(ILogger logger, string agent, string reason);
    [LoggerMessage(EventId = 2141, Level = LogLevel.Information, Message = "Agent {Agent} resumed the recording")] private static partial void LogRecordingResumed(ILogger logger, string agent);

    // Desk controls 2145-2149
    [LoggerMessage(EventId = 2145, Level = LogLevel.Information, Message = "Agent {Agent} hung up from the desktop")] private static partial void LogAgentHangsUp(ILogger logger, string agent);
    [LoggerMessage(EventId = 2146, Level = LogLevel.Information, Message = "Agent {Agent} hold from the desktop: {On}")] private static partial void LogAgentHold(ILogger logger, string agent, bool on);
    [LoggerMessage(EventId = 2147, Level = LogLevel.Information, Message = "Agent {Agent} mute from the desktop: {On}")] private static partial void LogAgentMute(ILogger logger, string agent, bool on);

    // Third party 2150-2159
    [LoggerMessage(EventId = 2150, Level = LogLevel.Information, Message = "Calling supervisor seat {Seat} to {Mode} the call")] private static partial void LogSupervisorCalling(ILogger logger, string seat, string mode);
    [LoggerMessage(EventId = 2151, Level = LogLevel.Information, Message = "{Party} answered: caller, agent and {Party} are mixed ({Mode})")] private static partial void LogSupervising(ILogger logger, string party, string mode);
    [LoggerMessage(EventId = 2152, Level = LogLevel.Information, Message = "{Party} switched to {Mode}")] private static partial void LogSupervisionMode(ILogger logger, string party, string mode);
    [LoggerMessage(EventId = 2153, Level = LogLevel.Information, Message = "Third party {Party} left the call ({Reason}); caller and agent relayed directly again")] private static partial void LogThirdPartyLeft(ILogger logger, string party, string reason);
    [LoggerMessage(EventId = 2154, Level = LogLevel.Warning, Message = "Third party {Party} cannot be called: {Reason}")] private static partial void LogThirdPartyUnreachable(ILogger logger, string party, string reason);
    [LoggerMessage(EventId = 2155, Level = LogLevel.Information, Message = "The agent brings partner hotline {Number} into the call")] private static partial void LogConferencing(ILogger logger, string number);
    [LoggerMessage(EventId = 2156, Level = LogLevel.Information, Message = "Seat {Extension} handed the call over to {Party} and left")] private static partial void LogHandedOver(ILogger logger, string extension, string party);

    // End 2160-2169
    [LoggerMessage(EventId = 2160, Level = LogLevel.Information, Message = "Call ended: {Outcome} (during {Phase})")] private static partial void LogEnded(ILogger logger, string outcome, string phase);
    [LoggerMessage(EventId = 2161, Level = LogLevel.Debug, Message = "Media received: caller {CallerPackets} packets, {CallerLoss:F2} % lost, jitter {CallerJitter:F1} ms; agent {AgentPackets} packets, {AgentLoss:F2} % lost, jitter {AgentJitter:F1} ms")] private static partial void LogMediaQuality(ILogger logger, long callerPackets, double callerLoss, double callerJitter, long agentPackets, double agentLoss, double agentJitter);

    // Browser phone 2170-2179
    [LoggerMessage(EventId = 2170, Level = LogLevel.Information, Message = "{Party} answered in the browser; waiting for ICE and DTLS-SRTP")] private static partial void LogBrowserAnswered(ILogger logger, string party);
    [LoggerMessage(EventId = 2171, Level = LogLevel.Warning, Message = "{Party}: browser media not secured ({Failure}); the seat goes Not ready and the call to the next agent")] private static partial void LogBrowserMediaFailed(ILogger logger, string party, string failure);
    [LoggerMessage(EventId = 2172, Level = LogLevel.Information, Message = "{Party}: the browser offered again ({What}); refused, the media stays as negotiated")] private static partial void LogBrowserReofferRefused(ILogger logger, string party, string what);

    // Transfers 2310-2329 (outside calls have 2300-2349: DialPlanLog 2300-2309). Next free: 2316.
    [LoggerMessage(EventId = 2310, Level = LogLevel.Warning, Message = "Transfer by agent {Agent} to {Target} refused: {Reason}")] private static partial void LogTransferRefused(ILogger logger, string agent, string target, string reason);
    [LoggerMessage(EventId = 2311, Level = LogLevel.Information, Message = "Agent {Agent} transferred the call to {Target}; the citizen waits in the queue")] private static partial void LogTransferredTo(ILogger logger, string agent, string target);
    [LoggerMessage(EventId = 2312, Level = LogLevel.Information, Message = "Agent {Agent} transfers the call to {Number} ({Name}): calling it")] private static partial void LogTransferDialling(ILogger logger, string agent, string number, string name);
    [LoggerMessage(EventId = 2313, Level = LogLevel.Information, Message = "Agent {Agent} consults {Party}; the citizen is on hold")] private static partial void LogConsulting(ILogger logger, string agent, string party);
    [LoggerMessage(EventId = 2314, Level = LogLevel.Information, Message = "{Party} answered the consultation")] private static partial void LogConsultAnswered(ILogger logger, string party);
    [LoggerMessage(EventId = 2315, Level = LogLevel.Information, Message = "Agent {Agent}'s phone asks to transfer (REFER) to {Target}, {How}")] private static partial void LogReferred(ILogger logger, string agent, string target, string how);

    // Supervisors listening from the browser (.Listening): 2250-2269, the rest of this range free.
    [LoggerMessage(EventId = 2250, Level = LogLevel.Information, Message = "Supervisor {Supervisor} listens from the browser ({Mode}): offer sent to their page")] private static partial void LogListeningOffered(ILogger logger, string supervisor, string mode);
    [LoggerMessage(EventId = 2251, Level = LogLevel.Warning, Message = "{Party}: the supervisor's browser media did not come up ({Reason}); the supervisor is off the call")] private static partial void LogListeningFailed(ILogger logger, string party, string reason);
}
