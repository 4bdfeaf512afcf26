using System.Security.Claims;
using System.Text.Json;
using Telephony.Calls;
using Telephony.Calls.Tracing;
using Telephony.Cases.Storage;
using Telephony.Server.Security;

namespace Telephony.Server.Recordings;

/// <summary>
/// <c>GET /api/calls/{callId}/trace</c>: a call's own trace (SIP ladder of every leg, RTP quality samples), from
/// memory while the call runs or was recently ended (<c>live</c> says which), else from the database. Supervisors
/// and admins see every call, an agent only their own.
/// </summary>
internal static class TraceEndpoints
{
    public static void Map(WebApplication app) =>
        app.MapGet("/api/calls/{callId}/trace", GetAsync).RequireAuthorization(p => p.RequireRole(Roles.Agent, Roles.Supervisor, Roles.Admin));

    private static async Task<IResult> GetAsync(string callId, ClaimsPrincipal user, CallManager calls, ICallRecordStore records,
        ICallTraceStore stored, CancellationToken ct)
    {
        if (!RecordingFiles.IsCallId(callId))
        {
            return Results.Problem(statusCode: 400, title: "Not a call id.");
        }
        if (!RecordingEndpoints.IsSupervisor(user))
        {
            var agent = user.FindFirstValue(TelephonyClaims.Agent);
            var owner = calls.LiveCalls().FirstOrDefault(c => c.CallId == callId)?.AgentId
                ?? (await records.GetCallRecordAsync(callId, ct).ConfigureAwait(false))?.AgentId;
            if (agent is null || owner != agent)
            {
                return Results.Problem(statusCode: 403, title: "Only supervisors and the call's own agent may see its trace.");
            }
        }
        if (calls.Traces?.Find(callId) is { } view)
        {
            return Results.Json(view, CallTraces.Json);
        }
        if (await stored.GetCallTraceAsync(callId, ct).ConfigureAwait(false) is { } json)
        {
            return Results.Text(json, "application/json");
        }
        return Results.Problem(statusCode: 404, title: "No trace for that call (unknown, or older than Calls:TraceRetentionDays).");
    }
}
