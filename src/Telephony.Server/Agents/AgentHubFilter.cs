using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;
using Telephony.Server.Security;

namespace Telephony.Server.Agents;

/// <summary>
/// What the agents' hub logs when a method does not complete. SignalR itself logs every exception a
/// hub method throws as an error with its stack trace, even a <see cref="HubException"/> that is the
/// hub's ordinary answer ("not your call", "seat state temporarily unavailable"), so a desktop that
/// retries, or an outage, fills the log with stack traces. Its dispatcher's category is silenced
/// (<see cref="AgentsSetup"/>) and this filter logs instead: refusals not at all (the hub logs each
/// with its reason, one line), a desktop that went away mid-request in one line (the request itself,
/// a command in the call's mailbox, still runs: the call does not depend on the desktop), and only a
/// genuine failure with its stack trace.
/// </summary>
public sealed partial class AgentHubFilter(ILogger<AgentHubFilter> log) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        ArgumentNullException.ThrowIfNull(invocationContext);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next(invocationContext).ConfigureAwait(false);
        }
        catch (HubException)
        {
            throw; // an answer, already logged by the hub
        }
        catch (OperationCanceledException) when (invocationContext.Context.ConnectionAborted.IsCancellationRequested)
        {
            LogDesktopGone(Agent(invocationContext), invocationContext.HubMethodName, CallIdOf(invocationContext));
            throw new HubException("The desktop disconnected.");
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            LogFailed(e, Agent(invocationContext), invocationContext.HubMethodName);
            throw new HubException($"The server could not carry out {invocationContext.HubMethodName}.");
        }
    }

    private static string Agent(HubInvocationContext context) =>
        context.Context.User?.FindFirstValue(TelephonyClaims.Agent) ?? "?";

    // The call methods take the call id first; the others take no call.
    private static string CallIdOf(HubInvocationContext context) =>
        context.HubMethodArguments is [string callId, ..] ? Http.LogText.Safe(callId.Length > AgentHub.MaxCallIdLength ? callId[..AgentHub.MaxCallIdLength] : callId) : "-";

    // EventIds 7044-7045 belong to the agents' hub range (see AgentHub.Log.cs).
    [LoggerMessage(EventId = 7044, Level = LogLevel.Information, Message = "Agent {Agent}: desktop went away during {Method} (call {CallId}); the request still runs")] private partial void LogDesktopGone(string agent, string method, string callId);
    [LoggerMessage(EventId = 7045, Level = LogLevel.Error, Message = "Agent {Agent}: hub method {Method} failed")] private partial void LogFailed(Exception e, string agent, string method);
}
