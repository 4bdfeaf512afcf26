using System.Security.Claims;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Telephony.Calls;
using Telephony.Calls.Commands;
using Telephony.ContactCenter.Events;
using Telephony.ContactCenter.Routing;
using Telephony.ContactCenter.Seats;
using Telephony.ContactCenter.Store;
using Telephony.Server.Http;
using Telephony.Server.Security;

namespace Telephony.Server.Agents;

/// <summary>What the server calls on an agent desktop.</summary>
public interface IAgentClient
{
    /// <summary>The agent's seat changed state.</summary>
    Task StateChanged(SeatStateChanged change);

    /// <summary>A call is about to ring at the agent's seat: show who it is.</summary>
    Task ScreenPop(ScreenPop pop);

    /// <summary>The softphone now rings.</summary>
    Task CallOffered(CallOffered offered);

    /// <summary>The agent answered.</summary>
    Task CallAnswered(CallAnswered answered);

    /// <summary>The call left the seat (the method name is the wire name the desktops listen for).</summary>
    Task CallEnded(CallLeftSeat left);

    /// <summary>A call rings in the agent's browser phone: our WebRTC offer (answer with <c>AnswerBrowserCall</c>).</summary>
    Task BrowserOffer(Telephony.Calls.WebPhone.BrowserPhoneOffer offer);

    /// <summary>The browser phone's leg of that call is over: close the peer connection.</summary>
    Task BrowserCallEnded(string callId);
}

/// <summary>
/// The agents' hub (<c>/hubs/agents</c>). Only users with the agent role and an <c>agent</c> claim
/// connect; every method acts on the caller's own seat (the agent id comes from the token, never
/// from an argument), and each connection joins only its own agent's group.
/// </summary>
[Authorize(Policy = Roles.Agent)]
public sealed partial class AgentHub(AutomaticCallDistributor acd, AgentConnections connections, CallManager calls, Telephony.Server.Calls.CallCommandRouter router, ILogger<AgentHub> log) : Hub<IAgentClient>
{
    /// <summary>The SignalR group of one agent's connections.</summary>
    public static string GroupOf(string agentId) => "agent:" + agentId;

    public override async Task OnConnectedAsync()
    {
        if (AgentId is not { } agent)
        {
            LogNoAgentClaim(Context.User?.FindFirstValue(TelephonyClaims.Name) ?? "?");
            Context.Abort();
            return;
        }
        connections.Opened(agent);
        await Groups.AddToGroupAsync(Context.ConnectionId, GroupOf(agent)).ConfigureAwait(false);
        await acd.DesktopBackAsync(agent).ConfigureAwait(false);
        await base.OnConnectedAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// When the agent's last desktop connection (on this node) closes or drops, the ACD parks the seat
    /// NotReady ("desktop disconnected") so no call rings for an agent who cannot see it — at once, or
    /// when the call in progress ends (that call goes on: it is on the phone, not the desktop) — and logs
    /// the agent out unless a desktop reconnects within the grace period (<c>ContactCenter:DesktopGraceSeconds</c>).
    /// Nothing here may throw: the hub would log a stack trace for a desktop that merely went away.
    /// </summary>
    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        if (AgentId is { } agent && connections.Closed(agent) == 0)
        {
            // The page that was the agent's phone is gone (it says so again when it comes back).
            calls.BrowserPhones?.Unregister(agent);
            try
            {
                await acd.DesktopLostAsync(agent).ConfigureAwait(false);
            }
            catch (ObjectDisposedException)
            {
                // The server is shutting down; the seat keeps its state in the store.
            }
        }
        await base.OnDisconnectedAsync(exception).ConfigureAwait(false);
    }

    /// <summary>The NotReady reason set when an agent's desktop goes away.</summary>
    public const string DisconnectedReason = AutomaticCallDistributor.DesktopLostReason;

    /// <summary>Logs the caller in at a seat (NotReady "login").</summary>
    public async Task<SeatSnapshot> Login(string extension)
    {
        if (string.IsNullOrWhiteSpace(extension) || extension.Length > 16)
            throw new HubException("An extension is required.");
        if (!PlainText.IsClean(extension))
            throw new HubException($"An extension {PlainText.Refusal}.");
        return Checked(await acd.LoginAsync(extension.Trim(), RequireAgent()).ConfigureAwait(false), "log in");
    }

    /// <summary>Logs the caller out of their seat.</summary>
    public async Task<SeatSnapshot> Logout()
    {
        var agent = RequireAgent();
        return Checked(await acd.LogoutAsync(await SeatOfAsync(agent).ConfigureAwait(false), agent).ConfigureAwait(false), "log out");
    }

    /// <summary>The caller is ready for calls.</summary>
    public async Task<SeatSnapshot> SetReady()
    {
        var agent = RequireAgent();
        return Checked(await acd.SetReadyAsync(await SeatOfAsync(agent).ConfigureAwait(false), agent).ConfigureAwait(false), "become Ready");
    }

    /// <summary>The caller is not ready, for a reason (1..64 characters).</summary>
    public async Task<SeatSnapshot> SetNotReady(string reason)
    {
        var agent = RequireAgent();
        var seat = await SeatOfAsync(agent).ConfigureAwait(false);
        var trimmed = RequireReason(reason);
        return Checked(await acd.SetNotReadyAsync(seat, agent, trimmed).ConfigureAwait(false), "become NotReady");
    }

    /// <summary>
    /// The desktop has shown the screen-pop of <paramref name="callId"/>: the seat's softphone rings now
    /// instead of after the call manager's maximum wait. Only a pop addressed to the caller's own agent
    /// id (from the token) is accepted; anything else is refused with a <see cref="HubException"/>.
    /// </summary>
    public Task AcknowledgePop(string callId) => AskAsync(callId, new AcknowledgePop(RequireAgent()));

    /// <summary>
    /// A reason as a person typed it: 1..64 characters, without control characters (a CR/LF would forge
    /// lines in logs and exports) or Unicode bidi controls (they reorder what a supervisor reads).
    /// </summary>
    internal static string RequireReason(string? reason)
    {
        var trimmed = (reason ?? "").Trim();
        if (trimmed.Length is 0 or > AutomaticCallDistributor.MaxReasonLength)
            throw new HubException($"A reason of 1..{AutomaticCallDistributor.MaxReasonLength} characters is required.");
        if (!PlainText.IsClean(trimmed))
            throw new HubException($"A reason {PlainText.Refusal}.");
        return trimmed;
    }

    /// <summary>The longest call id the call methods take (SIP Call-IDs are short in practice).</summary>
    public const int MaxCallIdLength = 256;

    /// <summary>
    /// Pauses the recording of the caller's own connected call <paramref name="callId"/> (while the
    /// citizen gives a card or ID number): silence is recorded until <see cref="ResumeRecording"/>,
    /// and the recording's metadata lists the stretch with <paramref name="reason"/> (1..64 characters).
    /// Pausing a paused recording changes nothing; anyone else's call is refused with a <see cref="HubException"/>.
    /// </summary>
    public Task PauseRecording(string callId, string reason)
    {
        var agent = RequireAgent();
        return AskAsync(callId, new PauseRecording(agent, RequireReason(reason)));
    }

    /// <summary>Resumes the recording of the caller's own connected call <paramref name="callId"/>.</summary>
    public Task ResumeRecording(string callId) => AskAsync(callId, new ResumeRecording(RequireAgent()));

    /// <summary>
    /// Brings partner hotline <paramref name="number"/> (legal aid, charity, …: a number the dial plan
    /// allows) into the caller's own connected call <paramref name="callId"/>: it is dialled through the
    /// outbound trunk and, when it answers, citizen, agent and partner all hear each other.
    /// </summary>
    public Task AddPartner(string callId, string number)
    {
        var agent = RequireAgent();
        if (string.IsNullOrEmpty(number) || number.Length > 16 || !number.All(char.IsAsciiDigit))
            throw new HubException("A partner number of 1..16 digits is required.");
        return AskAsync(callId, new AddPartner(agent, number));
    }

    /// <summary>Drops the partner hotline from the caller's own call; citizen and agent talk alone again.</summary>
    public Task DropPartner(string callId) => AskAsync(callId, new DropPartner(RequireAgent()));

    /// <summary>
    /// Leaves a conference with a partner that has answered: the citizen goes on with the partner
    /// (still recorded) and the caller's seat goes to wrap-up.
    /// </summary>
    public Task HandOverToPartner(string callId) => AskAsync(callId, new HandOverToPartner(RequireAgent()));

    /// <summary>The one path from this hub to a call: the command runs in the call's loop; a refusal comes back as a <see cref="HubException"/> with the call's own sentence.</summary>
    private async Task AskAsync(string callId, AgentCommand command)
    {
        if (string.IsNullOrWhiteSpace(callId) || callId.Length > MaxCallIdLength)
            throw new HubException($"A call id of 1..{MaxCallIdLength} characters is required.");
        var result = await router.AskAsync(callId, command, Context.ConnectionAborted).ConfigureAwait(false); // the call may live on another node
        if (result.Succeeded)
            return;
        LogCommandRefused(command.AgentId, command.GetType().Name, callId, result.Status);
        throw new HubException(result.Status == CommandStatus.NoSuchCall ? CommandResultNotYours(command) : result.Detail);
    }

    // An agent asking about an unknown call id gets the same answer as for someone else's call.
    private static string CommandResultNotYours(AgentCommand command) =>
        command is AcknowledgePop ? "No screen-pop of yours is waiting for that call." : "No call of yours is connected with that id.";

    /// <summary>The caller's seat, or null when not logged in.</summary>
    public async Task<SeatSnapshot?> GetSeat()
    {
        var agent = RequireAgent();
        var ext = await Reading(acd.Store.FindSeatOfAgentAsync(agent)).ConfigureAwait(false);
        return ext is null ? null : await Reading(acd.Store.GetSeatAsync(ext)).ConfigureAwait(false);
    }

    private string? AgentId => Context.User?.FindFirstValue(TelephonyClaims.Agent) is { Length: > 0 } a ? a : null;

    private string RequireAgent() => AgentId ?? throw new HubException("This user is not an agent.");

    private async Task<string> SeatOfAsync(string agent) =>
        await Reading(acd.Store.FindSeatOfAgentAsync(agent)).ConfigureAwait(false) ?? throw new HubException("You are not logged in to a seat.");

    /// <summary>What an agent is told while the seat store is away (the ACD logs the outage once; nothing per request).</summary>
    public const string StoreUnavailableMessage = "Seat state is temporarily unavailable; please try again in a moment.";

    /// <summary>A read of the seat store for the caller; while it is away, the agent gets a clear sentence, not a server error.</summary>
    private static async Task<T> Reading<T>(Task<T> read)
    {
        try
        {
            return await read.ConfigureAwait(false);
        }
        catch (SeatStoreUnavailableException)
        {
            throw new HubException(StoreUnavailableMessage);
        }
    }

    private SeatSnapshot Checked(SeatResult result, string action)
    {
        if (result.Succeeded)
            return result.Seat!;
        LogRefused(AgentId ?? "?", action, result.Error);
        throw new HubException(SeatErrorText(result, action));
    }

    /// <summary>What a person is told when the seat store refused <paramref name="action"/> (also the supervisors' hub's sentences).</summary>
    internal static string SeatErrorText(SeatResult result, string action) => result.Error switch
    {
        SeatError.UnknownSeat => "No such seat.",
        SeatError.SeatTaken => "Another agent is logged in at that seat.",
        SeatError.AgentElsewhere => "You are already logged in at another seat.",
        SeatError.UnknownAgent => "You are not in the agents file.",
        SeatError.WrongAgent => "That seat is not yours.",
        SeatError.IllegalTransition => $"Cannot {action} while {result.Seat?.State}.",
        SeatError.StoreUnavailable => StoreUnavailableMessage,
        _ => $"Cannot {action} ({result.Error}).",
    };
}
