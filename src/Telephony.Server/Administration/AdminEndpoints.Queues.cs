using System.Text.Json;
using Telephony.Cases.Staff;
using Telephony.Server.Agents;

namespace Telephony.Server.Administration;

/// <summary>
/// Queues and their policies (the agents file's form of one queue). A change applies to calls queued after it;
/// calls already waiting keep the maximum wait and overflow steps they were queued under (their timers run from
/// their arrival) but are matched by the queue's new skills. A queue that another queue overflows to, or the last
/// queue, cannot be removed (409); a removed queue takes no new calls and still serves the calls waiting in it.
/// </summary>
internal static partial class AdminEndpoints
{
    private static void MapQueues(RouteGroupBuilder admin)
    {
        admin.MapGet("/queues", (StaffCatalog staff) =>
            Results.Ok(staff.StoredQueues.Select(q => JsonSerializer.Deserialize<JsonElement>(q.Definition))));
        admin.MapPut("/queues/{name}", SaveQueueAsync);
        admin.MapDelete("/queues/{name}", DeleteQueueAsync);
    }

    private static async Task<IResult> SaveQueueAsync(string name, QueueJson? body, HttpContext http, StaffCatalog staff, TimeProvider time)
    {
        if (BadName("name", name, idLike: true) is { } bad) return bad;
        if (body is null) return Invalid("body", "is required");
        if (body.Name is { } named && named != name) return Invalid("name", "differs from the name in the path");
        var queue = body with { Name = name };
        var stored = new StaffQueue(name, AgentsFile.WriteQueueJson(queue));
        try
        {
            StaffCatalog.ParseQueues([.. staff.StoredQueues.Where(q => q.Name != name), stored]);
        }
        catch (InvalidOperationException e)
        {
            return Invalid("queue", e.Message);
        }
        var (write, failure) = await WriteAsync(http, staff, () => staff.Store.SaveQueueAsync(stored, AdminName(http.User), time.GetUtcNow()));
        if (failure is not null) return failure;
        Audit(http, write.Existed ? "updated" : "created", "queue", name, " (" + stored.Definition + ")");
        return Saved(!write.Existed, $"/api/admin/queues/{Uri.EscapeDataString(name)}", JsonSerializer.Deserialize<JsonElement>(stored.Definition));
    }

    private static async Task<IResult> DeleteQueueAsync(string name, HttpContext http, StaffCatalog staff)
    {
        if (BadName("name", name, idLike: false) is { } bad) return bad;
        if (staff.StoredQueues.All(q => q.Name != name)) return NotFound("queue", name);
        if (staff.StoredQueues.Count == 1) return Conflict("The last queue cannot be removed.");
        try
        {
            StaffCatalog.ParseQueues([.. staff.StoredQueues.Where(q => q.Name != name)]);
        }
        catch (InvalidOperationException e)
        {
            return Conflict($"Another queue overflows to '{name}': {e.Message}");
        }
        return await DeleteAsync(http, staff, "queue", name, () => staff.Store.DeleteQueueAsync(name), " (calls waiting in it are still served)");
    }
}
