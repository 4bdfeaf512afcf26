using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Telephony.Calls;
using Telephony.Calls.Commands;
using Telephony.ContactCenter.Routing;
using Telephony.ContactCenter.Seats;
using Telephony.ContactCenter.Store;
using Telephony.Server.Agents;
using Telephony.Server.Calls;
using Telephony.Server.Security;

namespace Telephony.Server.Supervisors;

/// <summary>What the server calls on a supervisor's wall.</summary>
public interface ISupervisorClient
{
    /// <summary>The floor changed (seats, queues, alarms).</summary>
    Task Floor(FloorView floor);

    /// <summary>The figures changed.</summary>
    Task Figures(FigureBoard figures);

    /// <summary>The call this page asked to listen to offers its audio (WebRTC): the page answers with <see cref="SupervisorHub.AnswerListen"/>.</summary>
    Task ListenOffer(Telephony.Calls.WebPhone.BrowserPhoneOffer offer);

    /// <summary>This page's listening leg of <paramref name="callId"/> is over (left, mode refused, call ended).</summary>
    Task ListenEnded(string callId);
}

/// <summary>The wall as it stands when a page asks (both null until the first look after the first supervisor connected).</summary>
public sealed record Wall(FloorView? Floor, FigureBoard? Figures);

/// <summary>
/// The supervisors' hub (<c>/hubs/supervisors</c>, role supervisor or admin: anyone else gets 403 on connecting
/// and on every method). Each connection joins its node's group and gets the floor pushed on change
/// (<see cref="FloorPublisher"/>); the methods control seats (forced Not ready / Ready / log out, each with a
/// reason written to the audit log) and supervise calls on any node (monitor, whisper, barge, leave) from the
/// supervisor's seat phone or from the page's own audio (WebRTC: <see cref="ListenInBrowser"/>). A call held by
/// another node is looked up and commanded through <see cref="CallCommandRouter"/> (Redis); that node pushes its
/// listening offer to this page's connection through the SignalR Redis backplane.
/// </summary>
[Authorize(Policy = Roles.Supervisor)]
public sealed partial class SupervisorHub(FloorPublisher publisher, AutomaticCallDistributor acd, AcdOptions options, CallManager calls, CallCommandRouter router,
    ILogger<SupervisorHub> log) : Hub<ISupervisorClient>
{
    /// <summary>The SignalR group of one node's supervisors (the calls a wall shows are its node's).</summary>
    public static string GroupOf(string node) => "supervisors:" + node;

    public override async Task OnConnectedAsync()
    {
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(options.Node)).ConfigureAwait(false);
        publisher.Watch();
        await base.OnConnectedAsync().ConfigureAwait(false);
    }

    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        publisher.Unwatch();
        if (Context.Items.TryGetValue(ListeningKey, out var listening) && listening is string callId)
        {
            // The page went: its browser leg goes too (another supervisor or a seat phone on the call stays).
            await router.AskAsync(callId, new EndSupervisorBrowser(Context.ConnectionId)).ConfigureAwait(false);
        }
        await base.OnDisconnectedAsync(exception).ConfigureAwait(false);
    }

    /// <summary>The wall as it stands (the page asks once after connecting; changes are pushed).</summary>
    public Wall GetWall() => new(publisher.Floor, publisher.Figures);

    /// <summary>Forces the agent at <paramref name="seat"/> Not ready with <paramref name="reason"/> (the agent's desktop shows it).</summary>
    public Task<SeatSnapshot> ForceNotReady(string seat, string reason) =>
        ForceAsync(seat, reason, "Not ready", (ext, agent, why) => acd.SetNotReadyAsync(ext, agent, why));

    /// <summary>Forces the agent at <paramref name="seat"/> Ready.</summary>
    public Task<SeatSnapshot> ForceReady(string seat, string reason) =>
        ForceAsync(seat, reason, "Ready", (ext, agent, _) => acd.SetReadyAsync(ext, agent));

    /// <summary>Logs the agent at <paramref name="seat"/> out (not while a call is on the seat).</summary>
    public Task<SeatSnapshot> ForceLogout(string seat, string reason) =>
        ForceAsync(seat, reason, "log out", (ext, agent, _) => acd.LogoutAsync(ext, agent));

    private async Task<SeatSnapshot> ForceAsync(string seat, string reason, string action, Func<string, string, string, Task<SeatResult>> act)
    {
        if (!SupervisionEndpoints.IsSeat(seat))
            throw new HubException("A seat (1..16 letters or digits) is required.");
        var why = AgentHub.RequireReason(reason);
        var snapshot = await Reading(acd.Store.GetSeatAsync(seat)).ConfigureAwait(false) ?? throw new HubException("No such seat.");
        if (snapshot.AgentId is not { } agent)
            throw new HubException("Nobody is logged in at that seat.");
        var result = await act(seat, agent, why).ConfigureAwait(false);
        if (!result.Succeeded)
        {
            LogForceRefused(User, seat, agent, action, result.Error);
            throw new HubException(AgentHub.SeatErrorText(result, action));
        }
        LogForced(User, seat, agent, action, why);
        return result.Seat!;
    }

    /// <summary>
    /// Rings the supervisor's seat phone <paramref name="seat"/>; when it answers, the supervisor joins call
    /// <paramref name="callId"/> in <paramref name="mode"/> (monitor, whisper or barge). Not a call of that seat itself.
    /// </summary>
    public async Task<string> Monitor(string callId, string mode, string seat)
    {
        var call = await FindCallAsync(callId).ConfigureAwait(false);
        if (!SupervisionEndpoints.TryMode(mode, out var how))
            throw new HubException("A mode (monitor, whisper or barge) is required.");
        if (!SupervisionEndpoints.IsSeat(seat))
            throw new HubException("Your seat (1..16 letters or digits) is required.");
        if (string.Equals(call.AgentSeat, seat, StringComparison.Ordinal) || IsOwn(call))
            throw new HubException("That is your own seat's call.");
        return await AskAsync(callId, new Supervise(seat, how), "monitor").ConfigureAwait(false);
    }

    /// <summary>
    /// Joins call <paramref name="callId"/> in <paramref name="mode"/> from this page's own audio: the call offers WebRTC
    /// to this connection only (<see cref="ISupervisorClient.ListenOffer"/>), the page answers with <see cref="AnswerListen"/>.
    /// Not a call of the supervisor's own seat. A call on another node offers from there, through the backplane.
    /// </summary>
    public async Task<string> ListenInBrowser(string callId, string mode)
    {
        var call = await FindCallAsync(callId).ConfigureAwait(false);
        if (!SupervisionEndpoints.TryMode(mode, out var how))
            throw new HubException("A mode (monitor, whisper or barge) is required.");
        if (IsOwn(call))
            throw new HubException("That is your own seat's call.");
        var detail = await AskAsync(callId, new SuperviseInBrowser(User, Context.ConnectionId, how), "listen from the browser").ConfigureAwait(false);
        Context.Items[ListeningKey] = callId;
        return detail;
    }

    /// <summary>This page's SDP answer to the listening offer of call <paramref name="callId"/>.</summary>
    public async Task<string> AnswerListen(string callId, string sdp)
    {
        RequireCall(callId);
        if (string.IsNullOrEmpty(sdp) || sdp.Length > AgentHub.MaxSdpLength)
            throw new HubException($"An SDP answer of 1..{AgentHub.MaxSdpLength} characters is required.");
        var result = await router.AskAsync(callId, new AnswerSupervisorBrowser(Context.ConnectionId, sdp), Context.ConnectionAborted).ConfigureAwait(false);
        return result.Succeeded ? result.Detail : throw new HubException(Explained(result));
    }

    /// <summary>Switches the supervisor on call <paramref name="callId"/> between monitor, whisper and barge.</summary>
    public Task<string> ChangeMode(string callId, string mode)
    {
        RequireCall(callId);
        return SupervisionEndpoints.TryMode(mode, out var how)
            ? AskAsync(callId, new ChangeSupervision(how), "change mode")
            : throw new HubException("A mode (monitor, whisper or barge) is required.");
    }

    /// <summary>Takes the supervisor off call <paramref name="callId"/>.</summary>
    public Task<string> Leave(string callId)
    {
        RequireCall(callId);
        if (Context.Items.TryGetValue(ListeningKey, out var listening) && Equals(listening, callId))
            Context.Items.Remove(ListeningKey);
        return AskAsync(callId, new EndSupervision(), "leave");
    }

    // The call this connection listens to from the browser (Context.Items: per connection, gone with it).
    private const string ListeningKey = "listening";

    private const string NoSuchCall = "No such call on any node.";

    // Commands that need only the id: the router finds the call's node (or says nobody has it).
    private static void RequireCall(string callId)
    {
        if (string.IsNullOrWhiteSpace(callId) || callId.Length > AgentHub.MaxCallIdLength)
            throw new HubException($"A call id of 1..{AgentHub.MaxCallIdLength} characters is required.");
    }

    // Joining needs the call itself (whose seat and agent it is, to refuse the supervisor's own): this node's first,
    // then every node's list (one Redis round trip, only when this node does not hold it).
    private async Task<LiveCall> FindCallAsync(string callId)
    {
        RequireCall(callId);
        var call = calls.LiveCalls().FirstOrDefault(c => c.CallId == callId)
            ?? (await router.LiveCallsAsync(Context.ConnectionAborted).ConfigureAwait(false)).FirstOrDefault(c => c.CallId == callId);
        return call ?? throw new HubException(NoSuchCall);
    }

    // The router's miss is the local manager's ("not on this node"), but it asked every node.
    private static string Explained(CommandResult result) => result.Status == CommandStatus.NoSuchCall ? NoSuchCall : result.Detail;

    // A supervisor who is also an agent (an admin at a seat) may not listen to their own calls.
    private bool IsOwn(LiveCall call) =>
        Context.User?.FindFirstValue(TelephonyClaims.Agent) is { Length: > 0 } me && string.Equals(call.AgentId, me, StringComparison.Ordinal);

    private async Task<string> AskAsync(string callId, CallCommand command, string action)
    {
        var result = await router.AskAsync(callId, command, Context.ConnectionAborted).ConfigureAwait(false);
        if (result.Succeeded)
        {
            LogSupervision(User, action, callId, command.ToString());
            return result.Detail;
        }
        LogSupervisionRefused(User, action, callId, result.Status);
        throw new HubException(Explained(result));
    }

    private string User => Context.User?.FindFirstValue(TelephonyClaims.Name) ?? "?";

    private static async Task<T> Reading<T>(Task<T> read)
    {
        try
        {
            return await read.ConfigureAwait(false);
        }
        catch (SeatStoreUnavailableException)
        {
            throw new HubException(AgentHub.StoreUnavailableMessage);
        }
    }

    // The audit log of supervisors' actions: who, which seat or call, what, why (EventIds 7220-7229).
    [LoggerMessage(EventId = 7220, Level = LogLevel.Information, Message = "Audit: supervisor {User} forced seat {Seat} (agent {Agent}) {Action}: {Reason}")]
    private partial void LogForced(string user, string seat, string agent, string action, string reason);
    [LoggerMessage(EventId = 7221, Level = LogLevel.Warning, Message = "Supervisor {User} could not force seat {Seat} (agent {Agent}) {Action}: {Error}")]
    private partial void LogForceRefused(string user, string seat, string agent, string action, SeatError error);
    [LoggerMessage(EventId = 7222, Level = LogLevel.Information, Message = "Audit: supervisor {User} asked to {Action} on call {CallId} ({Command})")]
    private partial void LogSupervision(string user, string action, string callId, string command);
    [LoggerMessage(EventId = 7223, Level = LogLevel.Warning, Message = "Supervisor {User} could not {Action} on call {CallId}: {Status}")]
    private partial void LogSupervisionRefused(string user, string action, string callId, CommandStatus status);
}
