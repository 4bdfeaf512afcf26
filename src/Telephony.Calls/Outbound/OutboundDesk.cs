using Microsoft.Extensions.Logging;
using Telephony.Cases;
using Telephony.Cases.Callbacks;
using Telephony.Cases.Storage;
using Telephony.ContactCenter.Routing;
using Telephony.ContactCenter.Seats;

namespace Telephony.Calls.Outbound;

/// <summary>What an agent's request to call a citizen started: the call and the task it works, or why nothing was dialled.</summary>
public sealed record OutboundStart(string? CallId, long? TaskId, string? Number, string? Refusal)
{
    public bool Started => Refusal is null;
}

/// <summary>
/// An agent calls a citizen from the desk or REST: a missed-call task (one picked from the list, or the oldest due)
/// or a case's return visit (回访). The number comes from the task or the case, never from the request. The seat must
/// not be on a call; a Ready seat goes Not ready ("callback work") first, so the ACD offers it no call meanwhile.
/// A task's attempt is recorded when the citizen's leg settles (reached, no answer, busy, wrong number).
/// </summary>
public sealed partial class OutboundDesk(CallManager calls, AutomaticCallDistributor acd, ICallbackTaskStore tasks, ICaseStore cases, TimeProvider time, ILogger<OutboundDesk> log)
{
    /// <summary>The Not-ready reason of a seat whose agent places calls (one of the desk's default reasons).</summary>
    public const string CallbackWorkReason = "callback work";

    /// <summary>Takes the task <paramref name="taskId"/> (or the oldest due when null) and dials it for the agent at <paramref name="extension"/>.</summary>
    public async Task<OutboundStart> DialTaskAsync(long? taskId, string agentId, string extension, CancellationToken ct = default)
    {
        if (await SeatBusyAsync(agentId, extension).ConfigureAwait(false) is { } busy)
        {
            return busy;
        }
        var task = await tasks.ClaimCallbackTaskAsync(taskId, agentId, time.GetUtcNow(), ct).ConfigureAwait(false);
        if (task is null)
        {
            return Refused(taskId is null ? "No callback task is due." : "That task is not open (done, taken by another agent, or unknown).");
        }
        var purpose = task.Kind == CallbackKind.MissedCallback ? CallOutcome.Callback : CallOutcome.MissedCallReturn;
        var dial = await calls.DialCitizenAsync(new OutboundCallRequest(task.Number, agentId, extension, purpose, CallbackTaskId: task.Id), ct).ConfigureAwait(false);
        if (!dial.Started)
        {
            await tasks.ReleaseCallbackTaskAsync(task.Id, ct).ConfigureAwait(false);
            return Refused(dial.Refusal!);
        }
        LogTaskDialled(log, task.Id, task.Number, agentId, dial.CallId!);
        _ = RecordAttemptAsync(task.Id, dial);
        return new OutboundStart(dial.CallId, task.Id, task.Number, null);
    }

    /// <summary>The return visit of case <paramref name="caseId"/>: the citizen's number on the case is dialled; the record is linked to the case.</summary>
    public async Task<OutboundStart> ReturnVisitAsync(long caseId, string agentId, string extension, CancellationToken ct = default)
    {
        var found = await cases.GetAsync(caseId, ct).ConfigureAwait(false);
        if (found is null)
        {
            return Refused("No such case.");
        }
        if (!CallbackNumbers.IsDiallable(found.CitizenPhone))
        {
            return Refused("The case has no number the citizen can be called on.");
        }
        if (await SeatBusyAsync(agentId, extension).ConfigureAwait(false) is { } busy)
        {
            return busy;
        }
        var dial = await calls.DialCitizenAsync(new OutboundCallRequest(found.CitizenPhone!, agentId, extension, CallOutcome.ReturnVisit, CaseId: caseId), ct).ConfigureAwait(false);
        if (!dial.Started)
        {
            return Refused(dial.Refusal!);
        }
        LogReturnVisit(log, caseId, agentId, dial.CallId!);
        return new OutboundStart(dial.CallId, null, found.CitizenPhone, null);
    }

    /// <summary>Refused when the seat holds a call; a Ready seat goes Not ready ("callback work") so no call is offered meanwhile.</summary>
    private async Task<OutboundStart?> SeatBusyAsync(string agentId, string extension)
    {
        var seat = await acd.Store.GetSeatAsync(extension).ConfigureAwait(false);
        if (seat is null || !string.Equals(seat.AgentId, agentId, StringComparison.Ordinal))
        {
            return Refused("You are not logged in to that seat.");
        }
        if (seat.State is SeatState.Reserved or SeatState.Ringing or SeatState.OnCall)
        {
            return Refused("Your seat is on a call.");
        }
        if (seat.State == SeatState.Ready && !(await acd.SetNotReadyAsync(extension, agentId, CallbackWorkReason).ConfigureAwait(false)).Succeeded)
        {
            return Refused("Your seat was just offered a call.");
        }
        return null;
    }

    private async Task RecordAttemptAsync(long taskId, OutboundDial dial)
    {
        var result = await dial.Settled.ConfigureAwait(false);
        try
        {
            if (result == OutboundCallResult.AgentUnreachable)
            {
                await tasks.ReleaseCallbackTaskAsync(taskId).ConfigureAwait(false); // the citizen was never dialled
                return;
            }
            var outcome = OutboundResultText.AttemptOutcomeOf(result);
            var task = await tasks.RecordCallbackAttemptAsync(taskId, outcome, dial.CallId, time.GetUtcNow(), calls.CallbackPolicy).ConfigureAwait(false);
            LogAttempt(log, taskId, outcome.ToText(), task?.State.ToText() ?? "?");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogAttemptFailed(log, e, taskId);
        }
    }

    private OutboundStart Refused(string reason)
    {
        LogRefused(log, reason);
        return new OutboundStart(null, null, null, reason);
    }

    [LoggerMessage(EventId = 2390, Level = LogLevel.Information, Message = "Callback task {TaskId} ({Number}) dialled for agent {Agent}: call {CallId}")] private static partial void LogTaskDialled(ILogger logger, long taskId, string number, string agent, string callId);
    [LoggerMessage(EventId = 2391, Level = LogLevel.Information, Message = "Return visit of case {CaseId} by agent {Agent}: call {CallId}")] private static partial void LogReturnVisit(ILogger logger, long caseId, string agent, string callId);
    [LoggerMessage(EventId = 2392, Level = LogLevel.Information, Message = "Callback task {TaskId}: attempt {Outcome}, task {State}")] private static partial void LogAttempt(ILogger logger, long taskId, string outcome, string state);
    [LoggerMessage(EventId = 2393, Level = LogLevel.Error, Message = "Callback task {TaskId}: the attempt could not be recorded")] private static partial void LogAttemptFailed(ILogger logger, Exception e, long taskId);
    [LoggerMessage(EventId = 2394, Level = LogLevel.Information, Message = "Outbound call refused: {Reason}")] private static partial void LogRefused(ILogger logger, string reason);
}
