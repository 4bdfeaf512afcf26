using Microsoft.AspNetCore.SignalR;
using Telephony.Calls.Outbound;
using Telephony.Cases;
using Telephony.Cases.Callbacks;
using Telephony.Cases.Storage;
using Telephony.Server.Calls;
using Telephony.Server.Cases;

namespace Telephony.Server.Agents;

// The desk's calls to citizens: the list of callback and missed-call tasks, dialling one (or the next due), and a
// case's return visit. The number comes from the task or the case; the call rings the agent's own seat first.
public sealed partial class AgentHub
{
    /// <summary>The open callback and missed-call tasks, oldest due first (at most 100).</summary>
    public async Task<IReadOnlyList<OutboundEndpoints.TaskView>> ListCallbackTasks(ICallbackTaskStore tasks)
    {
        RequireAgent();
        var open = await tasks.ListCallbackTasksAsync(CallbackTaskState.Open, 100, Context.ConnectionAborted).ConfigureAwait(false);
        return [.. open.Select(OutboundEndpoints.TaskView.From)];
    }

    /// <summary>Dials task <paramref name="taskId"/> (the oldest due when null) from the caller's seat; refused with the reason.</summary>
    public async Task<OutboundStart> DialCallbackTask(long? taskId, OutboundDesk desk)
    {
        var agent = RequireAgent();
        var started = await desk.DialTaskAsync(taskId, agent, await SeatOfAsync(agent).ConfigureAwait(false), Context.ConnectionAborted).ConfigureAwait(false);
        return started.Started ? started : throw new HubException(started.Refusal);
    }

    /// <summary>One task as it stands (its state, attempts and last outcome), for the desk to show how its call ended.</summary>
    public async Task<OutboundEndpoints.TaskView> GetCallbackTask(long taskId, ICallbackTaskStore tasks)
    {
        RequireAgent();
        var task = await tasks.GetCallbackTaskAsync(taskId, Context.ConnectionAborted).ConfigureAwait(false);
        return task is null ? throw new HubException("No such callback task.") : OutboundEndpoints.TaskView.From(task);
    }

    /// <summary>The return visit (回访) of case <paramref name="caseId"/> from the caller's seat; refused with the reason.</summary>
    public async Task<OutboundStart> ReturnVisit(long caseId, OutboundDesk desk)
    {
        var agent = RequireAgent();
        var started = await desk.ReturnVisitAsync(caseId, agent, await SeatOfAsync(agent).ConfigureAwait(false), Context.ConnectionAborted).ConfigureAwait(false);
        return started.Started ? started : throw new HubException(started.Refusal);
    }

    /// <summary>
    /// The citizen's verdict on return-visit call <paramref name="callId"/> of case <paramref name="caseId"/>, saved with the
    /// case (its <c>Callback</c> transition, whose note names the call): satisfied or basically satisfied closes the case,
    /// dissatisfied reopens it. Only the agent who placed that call for that case may; refused with the reason.
    /// </summary>
    public async Task<string> SaveReturnVisit(long caseId, string callId, string satisfaction, string? note, CaseService cases, ICallRecordStore records, IDirectoryStore directory)
    {
        var agent = RequireAgent();
        if (!Enum.TryParse<Satisfaction>(satisfaction, ignoreCase: true, out var verdict) || !satisfaction.All(char.IsAsciiLetter))
        {
            throw new HubException("The verdict is Satisfied, BasicallySatisfied or Dissatisfied.");
        }
        var record = string.IsNullOrWhiteSpace(callId) || callId.Length > MaxCallIdLength
            ? null : await records.GetCallRecordAsync(callId, Context.ConnectionAborted).ConfigureAwait(false);
        if (record is null || record.CaseId != caseId || !string.Equals(record.AgentId, agent, StringComparison.Ordinal))
        {
            throw new HubException("No return-visit call of yours for that case.");
        }
        var actor = await CaseHttp.ActorAsync(Context.User!, directory, Context.ConnectionAborted).ConfigureAwait(false);
        try
        {
            var current = await cases.GetAsync(caseId, actor, Context.ConnectionAborted).ConfigureAwait(false);
            var text = string.IsNullOrWhiteSpace(note) ? $"return visit, call {callId}" : $"return visit, call {callId}: {note.Trim()}";
            var after = await cases.TransitionAsync(caseId, new Transition
            {
                Action = CaseAction.Callback, ExpectedVersion = current.Version, Satisfaction = verdict, Note = text.Length > 500 ? text[..500] : text,
            }, actor, Context.ConnectionAborted).ConfigureAwait(false);
            return after.Status.ToString();
        }
        catch (CaseException e)
        {
            throw new HubException(e.Message);
        }
    }
}
