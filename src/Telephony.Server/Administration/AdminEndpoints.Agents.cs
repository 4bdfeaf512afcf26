using Telephony.Cases.Staff;
using Telephony.ContactCenter.Agents;

namespace Telephony.Server.Administration;

/// <summary>Body of <c>PUT /api/admin/agents/{id}</c>: display name (default: the id) and skills (languages and lanes: zh, en, taxi, deputy…).</summary>
public sealed record AgentRequest(string? Name, IReadOnlyList<string>? Skills);

/// <summary>
/// Agents. A new agent can log in on any node at once; changed skills apply from the agent's next login (the seat
/// store keeps the skills the agent logged in with); a removed agent cannot log in again, and one logged in is
/// logged out by the node that holds the login, after the call in hand has left the seat.
/// </summary>
internal static partial class AdminEndpoints
{
    /// <summary>The most skills one agent may have.</summary>
    public const int MaxSkills = 32;

    private static void MapAgents(RouteGroupBuilder admin)
    {
        admin.MapGet("/agents", (StaffCatalog staff) =>
            Results.Ok(staff.Agents.All.OrderBy(a => a.Id, StringComparer.Ordinal).Select(a => new { id = a.Id, name = a.Name, skills = a.Skills })));
        admin.MapPut("/agents/{id}", SaveAgentAsync);
        admin.MapDelete("/agents/{id}", DeleteAgentAsync);
    }

    private static async Task<IResult> SaveAgentAsync(string id, AgentRequest? body, HttpContext http, StaffCatalog staff, TimeProvider time)
    {
        if (BadName("id", id, idLike: true) is { } bad) return bad;
        if (body is null) return Invalid("body", "is required");
        var name = body.Name ?? id;
        if (BadName("name", name, idLike: false) is { } badName) return badName;
        if (body.Skills is not { Count: > 0 and <= MaxSkills } skills) return Invalid("skills", $"must list 1..{MaxSkills} skills");
        var profile = new AgentProfile(id, name, skills);
        try
        {
            AgentDirectory.Validate([profile]);
        }
        catch (ArgumentException e)
        {
            return Invalid("skills", e.Message);
        }
        var (write, failure) = await WriteAsync(http, staff, () => staff.Store.SaveAgentAsync(
            new StaffAgent(id, name, Telephony.ContactCenter.Seats.SkillNames.Normalize(skills)), AdminName(http.User), time.GetUtcNow()));
        if (failure is not null) return failure;
        var saved = staff.Agents.Find(id)!;
        Audit(http, write.Existed ? "updated" : "created", "agent", id, $" (skills {string.Join(' ', saved.Skills)})");
        return Saved(!write.Existed, $"/api/admin/agents/{Uri.EscapeDataString(id)}", new { id = saved.Id, name = saved.Name, skills = saved.Skills });
    }

    private static Task<IResult> DeleteAgentAsync(string id, HttpContext http, StaffCatalog staff) =>
        BadName("id", id, idLike: false) is { } bad ? Task.FromResult(bad)
        : DeleteAsync(http, staff, "agent", id, () => staff.Store.DeleteAgentAsync(id), " (logged out after any call in hand)");
}
