using System.Security.Claims;
using Telephony.Server.Http;

namespace Telephony.Server.Security;

/// <summary>Body of <c>PUT /api/users/{name}/role</c>: the new role, with the agent id (agents) or department (handlers) it needs when the user had none.</summary>
public sealed record RoleChangeRequest(string? Role, string? Agent, string? Department);

/// <summary>
/// Role changes and removals of users (admin role only; the rest is <c>/api/admin/users</c>); each change is written to the database and
/// revokes the user's tokens, and closes the user's hub connections on this node:
/// <code>
/// PUT    /api/users/{name}/role   {role, agent?, department?}   200 with the user, 404, 400, 409 (last admin)
/// DELETE /api/users/{name}                                     204, 404, 409 (last admin)
/// </code>
/// </summary>
internal static class UserEndpoints
{
    public static void Map(IEndpointRouteBuilder app)
    {
        var users = app.MapGroup("/api/users").RequireAuthorization(Roles.Admin)
            .WithMetadata(new Microsoft.AspNetCore.Mvc.RequestSizeLimitAttribute(SecurityEndpoints.MaxTokenRequestBytes));
        users.MapPut("/{name}/role", SetRole);
        users.MapDelete("/{name}", Delete);
    }

    private static async Task<IResult> SetRole(string name, RoleChangeRequest? body, ClaimsPrincipal admin, UserDirectory users, HubSessions sessions, ILoggerFactory loggers)
    {
        var log = loggers.CreateLogger(typeof(UserEndpoints));
        if (BadName(name) is { } bad) return bad;
        if (body?.Role is not { Length: > 0 } role) return Invalid("role", $"is required: one of {string.Join(", ", Roles.All)}");
        if (!PlainText.IsClean(body.Agent) || !PlainText.IsClean(body.Department)) return Invalid("agent", $"and department {PlainText.Refusal}");
        UserChange result;
        try
        {
            result = await users.SetRoleAsync(name, role, body.Agent, body.Department, AdminName(admin));
        }
        catch (InvalidOperationException e)
        {
            return Invalid("role", e.Message);
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            return NotWritten(log, e);
        }
        if (Refused(result, name) is { } refused) return refused;
        sessions.CloseAll(name);
        SecurityLog.RoleChanged(log, AdminName(admin), name, role);
        var user = users.Find(name)!;
        return Results.Ok(new { name = user.Name, role = user.Role, agent = user.AgentId, department = user.Department });
    }

    private static async Task<IResult> Delete(string name, ClaimsPrincipal admin, UserDirectory users, HubSessions sessions, ILoggerFactory loggers)
    {
        var log = loggers.CreateLogger(typeof(UserEndpoints));
        if (BadName(name) is { } bad) return bad;
        UserChange result;
        try
        {
            result = await users.DeleteAsync(name, AdminName(admin));
        }
        catch (Exception e) when (IsStoreFailure(e))
        {
            return NotWritten(log, e);
        }
        if (Refused(result, name) is { } refused) return refused;
        sessions.CloseAll(name);
        SecurityLog.UserRemoved(log, AdminName(admin), name);
        return Results.NoContent();
    }

    /// <summary>The answer when the database could not be written (the change is not made).</summary>
    public static IResult NotWritten(ILogger log, Exception e)
    {
        SecurityLog.UsersFileWriteFailed(log, e, LogText.Safe(e.Message, 256));
        return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The staff database could not be written; nothing was changed.");
    }

    /// <summary>A failure of the database (down, locked), not of the request.</summary>
    public static bool IsStoreFailure(Exception e) => e is System.Data.Common.DbException or IOException or TimeoutException;

    private static IResult? BadName(string name) =>
        name.Length > SecurityEndpoints.MaxUserNameLength ? Invalid("name", $"is longer than {SecurityEndpoints.MaxUserNameLength} characters")
        : !PlainText.IsClean(name) ? Invalid("name", PlainText.Refusal)
        : null;

    private static IResult? Refused(UserChange result, string name) => result switch
    {
        UserChange.NotFound => Results.Problem(statusCode: StatusCodes.Status404NotFound, title: $"No user named '{LogText.Safe(name)}'."),
        UserChange.LastAdmin => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "That would leave no admin; make another user admin first."),
        _ => null,
    };

    private static IResult Invalid(string field, string message) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] }, title: $"Invalid field '{field}'.", detail: $"{field}: {message}");

    internal static string AdminName(ClaimsPrincipal admin) => admin.FindFirstValue(TelephonyClaims.Name) ?? "?";
}
