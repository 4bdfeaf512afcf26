using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Telephony.Cases.Staff;
using Telephony.Server.Http;
using Telephony.Server.Security;

namespace Telephony.Server.Administration;

/// <summary>
/// The admin API (role <c>admin</c>): users, agents, seats and queues, stored in the database and applied on every
/// node at once (<see cref="StaffCatalog"/>). <c>PUT</c> creates (201) or replaces (200) the thing its path names;
/// every change is one audit line (EventId 7270: who, what). Bodies are small (<see cref="MaxBodyBytes"/>: 413 past
/// it); a body that is not JSON is 400, a field that is not valid is 400 naming the field.
/// <code>
/// GET    /api/admin/users                 GET /api/admin/rosters/{yyyy-MM-dd}   (the guests of that day)
/// PUT    /api/admin/users/{name}          {role, agent?, department?, password?, rosterDate?}
/// DELETE /api/admin/users/{name}
/// GET    /api/admin/agents                PUT /api/admin/agents/{id}   {name?, skills[]}        DELETE /api/admin/agents/{id}
/// GET    /api/admin/seats                 PUT /api/admin/seats/{ext}   {password}               DELETE /api/admin/seats/{ext}
/// GET    /api/admin/queues                PUT /api/admin/queues/{name} {skills, priority?, averageHandleSeconds?,
///                                              maxWaitSeconds?, maxSize?, overflow?, endAction?}  DELETE /api/admin/queues/{name}
/// </code>
/// </summary>
internal static partial class AdminEndpoints
{
    /// <summary>The largest body an admin request may have.</summary>
    public const int MaxBodyBytes = 16 * 1024;

    /// <summary>The longest user name, agent id, queue name or display name.</summary>
    public const int MaxNameLength = 64;

    public static void Map(IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin").RequireAuthorization(Roles.Admin).WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes));
        MapUsers(admin);
        MapAgents(admin);
        MapSeats(admin);
        MapQueues(admin);
    }

    private static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: $"Invalid field '{field}'.", detail: $"{field}: {message}",
            extensions: new Dictionary<string, object?> { ["field"] = field });

    private static IResult NotFound(string kind, string id) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No {kind} '{LogText.Safe(id)}'.");

    private static IResult Conflict(string title) => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: title);

    private static IResult Saved(bool created, string path, object body) => created ? Results.Created(path, body) : Results.Ok(body);

    /// <summary>A name, id or display name: 1..<see cref="MaxNameLength"/> characters of plain text; null when fine.</summary>
    private static IResult? BadName(string field, string? value, bool idLike)
    {
        if (string.IsNullOrWhiteSpace(value)) return Invalid(field, "is required");
        if (value.Length > MaxNameLength) return Invalid(field, $"is longer than {MaxNameLength} characters");
        if (!PlainText.IsClean(value)) return Invalid(field, PlainText.Refusal);
        if (idLike && !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@'))
            return Invalid(field, "may hold only ASCII letters, digits and - _ . @");
        return null;
    }

    private static void Audit(HttpContext http, string action, string kind, string id, string detail = "")
    {
        var log = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Telephony.Server.Administration");
        AdminLog.Changed(log, LogText.Safe(AdminName(http.User)), action, kind, LogText.Safe(id), detail);
    }

    private static string AdminName(ClaimsPrincipal admin) => UserEndpoints.AdminName(admin);

    /// <summary>
    /// Runs a write of the staff tables and, when it changed a row, applies it on this node and tells the others before
    /// the answer; the database down is the 503 in <c>Failure</c> (nothing changed).
    /// </summary>
    private static async Task<(StaffWrite Write, IResult? Failure)> WriteAsync(HttpContext http, StaffCatalog staff, Func<Task<StaffWrite>> write)
    {
        try
        {
            var done = await write();
            if (done.Existed || done.Version > 0)
                await staff.AfterWriteAsync();
            return (done, null);
        }
        catch (Exception e) when (UserEndpoints.IsStoreFailure(e))
        {
            return (default, StoreDown(http, e));
        }
    }

    /// <summary>A <c>DELETE</c>: 204 and the audit line, 404 when there was no such row, 503 when the database is down.</summary>
    private static async Task<IResult> DeleteAsync(HttpContext http, StaffCatalog staff, string kind, string id, Func<Task<StaffWrite>> delete, string detail = "")
    {
        var (write, failure) = await WriteAsync(http, staff, delete);
        if (failure is not null) return failure;
        if (!write.Existed) return NotFound(kind, id);
        Audit(http, "deleted", kind, id, detail);
        return Results.NoContent();
    }

    /// <summary>The database could not be written: 503, nothing changed.</summary>
    private static IResult StoreDown(HttpContext http, Exception e) =>
        UserEndpoints.NotWritten(http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Telephony.Server.Administration"), e);
}
