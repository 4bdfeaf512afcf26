using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Telephony.Cases;
using Telephony.Cases.Storage;

namespace Telephony.Server.Cases;

/// <summary>
/// <code>
/// POST /api/cases                        take in a case (agent, supervisor, admin)
/// GET  /api/cases?status&amp;channel&amp;category&amp;departmentId&amp;from&amp;to&amp;text&amp;overdue&amp;page&amp;pageSize
/// GET  /api/cases/export.csv?(same filters)
/// GET  /api/cases/{id}                   (a handler: own department only, else 404)
/// POST /api/cases/{id}/transitions       {action, expectedVersion, note?, departmentId?, days?, satisfaction?, replyText?, intoCaseId?}
/// GET  /api/cases/{id}/audit | /supervision-orders | /messages
/// GET  /api/kpis?from&amp;to                  (centre staff)
/// </code>
/// </summary>
internal static class CaseEndpoints
{
    public static void Map(WebApplication app)
    {
        var cases = CaseHttp.MapApiGroup(app, "/api/cases");

        cases.MapPost("", async (CreateCaseRequest? body, ClaimsPrincipal user, CaseService service, IDirectoryStore directory, CancellationToken ct) =>
        {
            if (body is null) { return Problems.Invalid("body", "a JSON case is required"); }
            var actor = await CaseHttp.ActorAsync(user, directory, ct);
            var created = await service.CreateAsync(CaseHttp.ToIntake(body), actor, ct);
            return Results.Json(created, CaseHttp.Json, statusCode: StatusCodes.Status201Created);
        });

        cases.MapGet("", async (HttpRequest request, ClaimsPrincipal user, CaseService service, IDirectoryStore directory, CancellationToken ct) =>
            CaseHttp.Ok(await service.SearchAsync(CaseHttp.ParseQuery(request.Query), await CaseHttp.ActorAsync(user, directory, ct), ct)));

        cases.MapGet("/export.csv", async (HttpContext http, ClaimsPrincipal user, CaseService service, IDirectoryStore directory) =>
        {
            var query = CaseHttp.ParseQuery(http.Request.Query);
            var actor = await CaseHttp.ActorAsync(user, directory, http.RequestAborted);
            return Results.Stream(s => CsvExport.WriteAsync(s, service.ExportAsync(query, actor, http.RequestAborted), http.RequestAborted),
                "text/csv; charset=utf-8", "cases.csv");
        });

        cases.MapGet("/{id:long}", async (long id, ClaimsPrincipal user, CaseService service, IDirectoryStore directory, CancellationToken ct) =>
            CaseHttp.Ok(await service.GetAsync(id, await CaseHttp.ActorAsync(user, directory, ct), ct)));

        cases.MapPost("/{id:long}/transitions", async (long id, TransitionRequest? body, ClaimsPrincipal user, CaseService service, IDirectoryStore directory, CancellationToken ct) =>
        {
            if (body is null) { return Problems.Invalid("body", "a JSON transition is required"); }
            var transition = CaseHttp.ToTransition(body);
            return CaseHttp.Ok(await service.TransitionAsync(id, transition, await CaseHttp.ActorAsync(user, directory, ct), ct));
        });

        cases.MapGet("/{id:long}/audit", async (long id, ClaimsPrincipal user, CaseService service, IDirectoryStore directory, CancellationToken ct) =>
            CaseHttp.Ok(await service.GetAuditAsync(id, await CaseHttp.ActorAsync(user, directory, ct), ct)));
        cases.MapGet("/{id:long}/supervision-orders", async (long id, ClaimsPrincipal user, CaseService service, IDirectoryStore directory, CancellationToken ct) =>
            CaseHttp.Ok(await service.GetSupervisionOrdersAsync(id, await CaseHttp.ActorAsync(user, directory, ct), ct)));
        cases.MapGet("/{id:long}/messages", async (long id, ClaimsPrincipal user, CaseService service, IDirectoryStore directory, CancellationToken ct) =>
            CaseHttp.Ok(await service.GetOutboundAsync(id, await CaseHttp.ActorAsync(user, directory, ct), ct)));

        app.MapGet("/api/kpis", async (HttpRequest request, ClaimsPrincipal user, CaseService service, IDirectoryStore directory, CancellationToken ct) =>
        {
            var from = CaseHttp.ParseTime(request.Query["from"], "from") ?? throw new CaseValidationException("from", "is required");
            var to = CaseHttp.ParseTime(request.Query["to"], "to") ?? throw new CaseValidationException("to", "is required");
            return CaseHttp.Ok(await service.GetKpisAsync(from, to, await CaseHttp.ActorAsync(user, directory, ct), ct));
        }).RequireAuthorization().AddEndpointFilter<CaseExceptionFilter>();
    }
}
