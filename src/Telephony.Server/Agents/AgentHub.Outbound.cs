using Microsoft.AspNetCore.SignalR;
using Telephony.Calls.Outbound;
using Telephony.Cases.Callbacks;
using Telephony.Cases.Storage;
using Telephony.Server.Calls;

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

    /// <summary>The return visit (回访) of case <paramref name="caseId"/> from the caller's seat; refused with the reason.</summary>
    public async Task<OutboundStart> ReturnVisit(long caseId, OutboundDesk desk)
    {
        var agent = RequireAgent();
        var started = await desk.ReturnVisitAsync(caseId, agent, await SeatOfAsync(agent).ConfigureAwait(false), Context.ConnectionAborted).ConfigureAwait(false);
        return started.Started ? started : throw new HubException(started.Refusal);
    }
}
