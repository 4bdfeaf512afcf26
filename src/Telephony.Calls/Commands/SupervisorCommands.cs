using Telephony.Calls.Sessions;

namespace Telephony.Calls.Commands;

/// <summary>Rings the supervisor's seat; when it answers, the supervisor joins the conversation in <see cref="Mode"/>.</summary>
public sealed record Supervise(string Seat, SupervisionMode Mode) : CallCommand
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => call.SuperviseAsync(this);
}

/// <summary>Switches the supervisor on the call between monitor, whisper and barge.</summary>
public sealed record ChangeSupervision(SupervisionMode Mode) : CallCommand
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => Task.FromResult(call.ChangeSupervision(this));
}

/// <summary>Takes the supervisor off the call (their leg is hung up); caller and agent are relayed directly again.</summary>
public sealed record EndSupervision : CallCommand
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => call.EndSupervisionAsync();
}

/// <summary>
/// The supervisor listens from the browser (<see cref="Mode"/>: monitor, whisper or barge): the call offers WebRTC audio
/// to the one page that asked (<see cref="Page"/>: its connection on the supervisors' hub, taken from the connection,
/// never from the request); the page answers with <see cref="AnswerSupervisorBrowser"/> and mixing starts once its
/// media is secured (ICE, DTLS-SRTP). <see cref="Supervisor"/> is the user, for the call's notes and logs.
/// </summary>
public sealed record SuperviseInBrowser(string Supervisor, string Page, SupervisionMode Mode) : CallCommand
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => call.SuperviseInBrowserAsync(this);
}

/// <summary>The supervisor's page answers the listening offer of <see cref="SuperviseInBrowser"/> with its SDP.</summary>
public sealed record AnswerSupervisorBrowser(string Page, string Sdp) : CallCommand
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => Task.FromResult(call.AnswerSupervisorBrowser(this));
}

/// <summary>
/// The supervisor's page is gone (its hub connection closed) or its media failed: its listening leg ends, and only
/// that page's (another supervisor on the call, or a seat phone, stays).
/// </summary>
public sealed record EndSupervisorBrowser(string Page) : CallCommand
{
    internal override Task<CommandResult> ExecuteAsync(InboundCallSession call) => call.EndSupervisorBrowserAsync(this);
}
