using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;
using Telephony.Calls;
using Telephony.Calls.Commands;
using Telephony.Cases;
using Telephony.Cases.Storage;
using Telephony.ContactCenter.Agents;
using Telephony.Server.Agents.Desk;
using Telephony.Server.Cases;
using Telephony.Server.Security;

namespace Telephony.Server.Agents;

// The browser desktop's methods: its profile, the citizen of the agent's own call, the case typed
// during the call, the knowledge search, and the call controls (hang up, hold, mute) through the
// one command path. Services come as method parameters (SignalR resolves them from DI).
public sealed partial class AgentHub
{
    /// <summary>The agent's desktop profile: language, Not-ready reasons, wrap-up time and the case form's lists.</summary>
    public async Task<DeskProfile> GetDesk(AgentDirectory agents, ContactCenterSettings settings, IDirectoryStore directory)
    {
        var agent = RequireAgent();
        var profile = agents.Find(agent);
        // English-queue agents (skill "en") start in English; everyone else in Chinese. The page can switch.
        var language = profile?.Skills.Contains("en", StringComparer.Ordinal) == true ? "en" : "zh";
        var departments = (await directory.ListDepartmentsAsync(Context.ConnectionAborted).ConfigureAwait(false)).Where(d => d.Active).ToList();
        return new DeskProfile(agent, profile?.Name ?? Context.User?.FindFirstValue(TelephonyClaims.Name) ?? agent, language,
            settings.ReasonsForNotReady(), settings.WrapUpSeconds, Enum.GetNames<CaseCategory>(),
            await directory.ListDistrictsAsync(Context.ConnectionAborted).ConfigureAwait(false), departments);
    }

    /// <summary>
    /// The citizen of call <paramref name="callId"/>: earlier cases, last calls, repeat-caller flag. Only for
    /// the call the caller's own seat holds (reserved for the pop, ringing, talking or in wrap-up); any
    /// other call id is refused with the same words as an unknown one.
    /// </summary>
    public async Task<CitizenHistory> GetCitizen(string callId, CitizenHistoryReader history, ICallRecordStore records, IDirectoryStore directory, ICallbackTaskStore tasks)
    {
        var phone = await CallerOfOwnCallAsync(callId, records, tasks, "read the citizen of").ConfigureAwait(false);
        var actor = await CaseHttp.ActorAsync(Context.User!, directory, Context.ConnectionAborted).ConfigureAwait(false);
        return await history.ReadAsync(phone, callId, actor, Context.ConnectionAborted).ConfigureAwait(false);
    }

    /// <summary>
    /// Saves the case the agent typed during (or right after) their own call <paramref name="callId"/>: a phone
    /// case with the caller's number and the call's id (its record and recording linked), then answered
    /// directly or dispatched to the department picked.
    /// </summary>
    public async Task<DeskCaseSaved> SaveCase(string callId, DeskCaseForm form, DeskCases cases, ICallRecordStore records, IDirectoryStore directory, ICallbackTaskStore tasks)
    {
        var phone = await CallerOfOwnCallAsync(callId, records, tasks, "save a case for").ConfigureAwait(false);
        var actor = await CaseHttp.ActorAsync(Context.User!, directory, Context.ConnectionAborted).ConfigureAwait(false);
        var saved = await cases.SaveAsync(form, callId, phone, actor, Context.ConnectionAborted).ConfigureAwait(false);
        LogCaseSaved(actor.Name, saved.Number, callId);
        return saved;
    }

    /// <summary>Searches departments, partner hotlines (numbers, hours) and the IVR's information tables.</summary>
    public Task<IReadOnlyList<KnowledgeEntry>> SearchKnowledge(string? query, KnowledgeSearch knowledge)
    {
        RequireAgent();
        if (query is { Length: > KnowledgeSearch.MaxQueryLength })
            throw new HubException($"A search of at most {KnowledgeSearch.MaxQueryLength} characters, please.");
        return knowledge.SearchAsync(query, Context.ConnectionAborted);
    }

    /// <summary>Ends the caller's own connected call <paramref name="callId"/> (as if the agent hung up the phone).</summary>
    public Task HangUp(string callId) => AskAsync(callId, new HangUp(RequireAgent()));

    /// <summary>Puts the caller's own connected call on hold (the citizen hears music) or takes it back.</summary>
    public Task Hold(string callId, bool on) => AskAsync(callId, new HoldCall(RequireAgent(), on));

    /// <summary>Mutes the agent towards the citizen on the caller's own connected call, or unmutes.</summary>
    public Task Mute(string callId, bool on) => AskAsync(callId, new MuteCall(RequireAgent(), on));

    /// <summary>
    /// The caller's number of <paramref name="callId"/> when the asking agent's seat holds that call; the call
    /// itself knows it while it lasts, its record after. Anything else is refused (and logged).
    /// </summary>
    private async Task<string> CallerOfOwnCallAsync(string callId, ICallRecordStore records, ICallbackTaskStore tasks, string action)
    {
        var agent = RequireAgent();
        if (string.IsNullOrWhiteSpace(callId) || callId.Length > MaxCallIdLength)
            throw new HubException($"A call id of 1..{MaxCallIdLength} characters is required.");
        var ext = await acd.Store.FindSeatOfAgentAsync(agent).ConfigureAwait(false);
        var seat = ext is null ? null : await acd.Store.GetSeatAsync(ext).ConfigureAwait(false);
        if (seat is null || !string.Equals(seat.CallId, callId, StringComparison.Ordinal))
        {
            LogNotOwnCall(agent, action, callId);
            throw new HubException("No call of yours has that id.");
        }
        // A callback task the ACD offered has no call record under its offer's id: its number is the task's.
        return calls.CallerOf(callId)
            ?? (await records.GetCallRecordAsync(callId, Context.ConnectionAborted).ConfigureAwait(false))?.Caller
            ?? (CallManager.TaskOfEntry(callId) is { } taskId ? (await tasks.GetCallbackTaskAsync(taskId, Context.ConnectionAborted).ConfigureAwait(false))?.Number : null)
            ?? throw new HubException("That call's number is not known on this node.");
    }
}
