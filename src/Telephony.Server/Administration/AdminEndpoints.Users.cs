using System.Globalization;
using Telephony.Server.Security;

namespace Telephony.Server.Administration;

/// <summary>Body of <c>PUT /api/admin/users/{name}</c>; <c>password</c> may be left out to keep an existing user's.</summary>
public sealed record UserRequest(string? Role, string? Agent, string? Department, string? Password, string? RosterDate);

/// <summary>Users and the guests' rosters.</summary>
internal static partial class AdminEndpoints
{
    /// <summary>The shortest password the API sets (the seed files' demo passwords are shorter; they are warned about).</summary>
    public const int MinPasswordLength = 10;

    /// <summary>The longest password the API takes (PBKDF2 of a huge one is a cheap way to burn CPU).</summary>
    public const int MaxPasswordLength = 128;

    private static void MapUsers(RouteGroupBuilder admin)
    {
        admin.MapGet("/users", (UserDirectory users) => Results.Ok(users.Users.OrderBy(u => u.Name, StringComparer.Ordinal).Select(UserView)));
        admin.MapGet("/rosters/{date}", (string date, UserDirectory users) =>
            ParseDate(date) is not { } day ? Invalid("date", "must be a date yyyy-MM-dd")
            : Results.Ok(users.Users.Where(u => u.RosterDate == day).OrderBy(u => u.Name, StringComparer.Ordinal).Select(UserView)));
        admin.MapPut("/users/{name}", SaveUserAsync);
        admin.MapDelete("/users/{name}", DeleteUserAsync);
    }

    private static async Task<IResult> SaveUserAsync(string name, UserRequest? body, HttpContext http, UserDirectory users, HubSessions sessions)
    {
        if (BadName("name", name, idLike: true) is { } bad) return bad;
        if (body is null) return Invalid("body", "is required");
        if (body.Role is null || !Roles.All.Contains(body.Role)) return Invalid("role", $"must be one of {string.Join(", ", Roles.All)}");
        if (body.Role == Roles.Agent && BadName("agent", body.Agent, idLike: true) is { } badAgent) return badAgent;
        if (body.Role == Roles.Handler && BadName("department", body.Department, idLike: true) is { } badDepartment) return badDepartment;
        if (body.Password is { } password && (password.Length < MinPasswordLength || password.Length > MaxPasswordLength))
            return Invalid("password", $"must be {MinPasswordLength}..{MaxPasswordLength} characters");
        DateOnly? roster = null;
        if (body.RosterDate is { } text)
        {
            if (ParseDate(text) is not { } day) return Invalid("rosterDate", "must be a date yyyy-MM-dd");
            if (day < users.Today) return Invalid("rosterDate", "is in the past");
            roster = day;
        }
        UserChange change;
        bool created;
        try
        {
            (change, created) = await users.SaveAsync(new UserSpec(name, body.Role, body.Agent, body.Department, body.Password, roster), AdminName(http.User));
        }
        catch (InvalidOperationException e)
        {
            var field = e.Message.Split(':')[0];
            return Invalid(field is "password" or "role" ? field : "role", e.Message);
        }
        catch (Exception e) when (UserEndpoints.IsStoreFailure(e))
        {
            return StoreDown(http, e);
        }
        if (change == UserChange.LastAdmin) return Conflict("That would leave no admin; make another user admin first.");
        var user = users.Find(name)!;
        if (!created) sessions.CloseAll(name); // a changed role or password revoked the tokens; a kept one changes nothing
        Audit(http, created ? "created" : "updated", "user", name, $" (role {user.Role}{(roster is { } r ? ", guest on " + r.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "")}{(body.Password is null ? "" : ", new password")})");
        return Saved(created, $"/api/admin/users/{Uri.EscapeDataString(name)}", UserView(user));
    }

    private static async Task<IResult> DeleteUserAsync(string name, HttpContext http, UserDirectory users, HubSessions sessions)
    {
        if (BadName("name", name, idLike: false) is { } bad) return bad;
        UserChange change;
        try
        {
            change = await users.DeleteAsync(name, AdminName(http.User));
        }
        catch (Exception e) when (UserEndpoints.IsStoreFailure(e))
        {
            return StoreDown(http, e);
        }
        if (change == UserChange.NotFound) return NotFound("user", name);
        if (change == UserChange.LastAdmin) return Conflict("That would leave no admin; make another user admin first.");
        sessions.CloseAll(name);
        Audit(http, "deleted", "user", name);
        return Results.NoContent();
    }

    private static object UserView(UserAccount u) => new
    {
        name = u.Name, role = u.Role, agent = u.AgentId, department = u.Department, demo = u.Demo,
        rosterDate = u.RosterDate?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    private static DateOnly? ParseDate(string text) =>
        DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day) ? day : null;
}
