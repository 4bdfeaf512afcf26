using System.Security.Claims;
using Telephony.Calls.Outbound;
using Telephony.Cases.Callbacks;
using Telephony.Cases.Storage;
using Telephony.ContactCenter.Routing;
using Telephony.Server.Security;

namespace Telephony.Server.Calls;

/// <summary>
/// Calls to citizens who contacted us. Agents dial from their own seat; the number comes from the task or the case.
/// <code>
/// GET  /api/callbacks?state=open|dialling|done|dropped|failed&amp;limit   the callback and missed-call tasks (centre staff)
/// POST /api/callbacks/{id}/dial                                        dial that task from the agent's seat (agent)
/// POST /api/callbacks/next/dial                                        dial the oldest due task (agent)
/// POST /api/cases/{id}/return-visit                                    the case's return visit (回访) from the agent's seat (agent)
/// </code>
/// A started call answers 202 with its call id; a refusal 409 with the reason (nothing was dialled).
/// </summary>
public static class OutboundEndpoints
{
    public static IEndpointRouteBuilder MapOutbound(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/callbacks", async (string? state, int? limit, ICallbackTaskStore tasks, CancellationToken ct) =>
        {
            CallbackTaskState? wanted = null;
            if (state is { Length: > 0 })
            {
                if (!Enum.TryParse<CallbackTaskState>(state, ignoreCase: true, out var parsed) || !state.All(char.IsAsciiLetter))
                {
                    return Results.Problem(title: "Invalid query", detail: "state is one of open, dialling, done, dropped, failed.", statusCode: StatusCodes.Status400BadRequest);
                }
                wanted = parsed;
            }
            var list = await tasks.ListCallbackTasksAsync(wanted, limit ?? 100, ct).ConfigureAwait(false);
            return Results.Ok(list.Select(TaskView.From));
        }).RequireAuthorization(p => p.RequireRole(Roles.Agent, Roles.Supervisor, Roles.Admin));

        var agents = app.MapGroup("/api").RequireAuthorization(Roles.Agent);
        agents.MapPost("/callbacks/{id:long}/dial", (long id, ClaimsPrincipal user, OutboundDesk desk, AutomaticCallDistributor acd, CancellationToken ct) =>
            FromSeatAsync(user, acd, (agent, seat) => desk.DialTaskAsync(id, agent, seat, ct)));
        agents.MapPost("/callbacks/next/dial", (ClaimsPrincipal user, OutboundDesk desk, AutomaticCallDistributor acd, CancellationToken ct) =>
            FromSeatAsync(user, acd, (agent, seat) => desk.DialTaskAsync(null, agent, seat, ct)));
        agents.MapPost("/cases/{id:long}/return-visit", (long id, ClaimsPrincipal user, OutboundDesk desk, AutomaticCallDistributor acd, CancellationToken ct) =>
            FromSeatAsync(user, acd, (agent, seat) => desk.ReturnVisitAsync(id, agent, seat, ct)));
        return app;
    }

    private static async Task<IResult> FromSeatAsync(ClaimsPrincipal user, AutomaticCallDistributor acd, Func<string, string, Task<OutboundStart>> start)
    {
        var agent = user.FindFirstValue(TelephonyClaims.Agent);
        var seat = agent is null ? null : await acd.Store.FindSeatOfAgentAsync(agent).ConfigureAwait(false);
        if (agent is null || seat is null)
        {
            return Results.Problem(title: "Not at a seat", detail: "Log in to a seat first.", statusCode: StatusCodes.Status409Conflict);
        }
        var started = await start(agent, seat).ConfigureAwait(false);
        return started.Started
            ? Results.Accepted(value: new { callId = started.CallId, taskId = started.TaskId, number = started.Number })
            : Results.Problem(title: "Not dialled", detail: started.Refusal, statusCode: StatusCodes.Status409Conflict);
    }

    /// <summary>A task as the desk and REST show it (enums as their stored words).</summary>
    public sealed record TaskView(long Id, string Kind, string Number, string Day, string? SourceCallId, DateTimeOffset CreatedAt, string State,
        int Attempts, DateTimeOffset DueAt, string? AgentId, string? LastOutcome, string? LastCallId, DateTimeOffset? ReturnedAt)
    {
        public static TaskView From(CallbackTask t) => new(t.Id, t.Kind.ToText(), t.Number, t.Day, t.SourceCallId, t.CreatedAt, t.State.ToText(),
            t.Attempts, t.DueAt, t.AgentId, t.LastOutcome?.ToText(), t.LastCallId, t.ReturnedAt);
    }
}
