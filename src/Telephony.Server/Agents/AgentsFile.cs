using System.Text.Json;
using System.Text.Json.Serialization;
using Telephony.ContactCenter.Agents;
using Telephony.ContactCenter.Queues;
using Telephony.ContactCenter.Routing;
using Telephony.Server.Hosting;

namespace Telephony.Server.Agents;

/// <summary>
/// The agents file (JSON): the ACD's queues and the agents with their skills. Read once at start;
/// a malformed file stops the server with a message naming the file and the problem.
/// </summary>
public sealed class AgentsFile
{
    public required IReadOnlyList<QueueDefinition> Queues { get; init; }
    public required IReadOnlyList<AgentProfile> Agents { get; init; }

    public static AgentsFile Load(string path)
    {
        var json = StartupFile.ReadJson(path, "agents file", AgentsJsonContext.Default.AgentsJson);
        if (json is null)
            throw new InvalidOperationException($"agents file {path}: empty");

        var queues = new List<QueueDefinition>();
        foreach (var (q, i) in (json.Queues ?? []).Select((q, i) => (q, i + 1)))
        {
            if (string.IsNullOrWhiteSpace(q.Name) || q.Skills is null || q.Skills.Count == 0)
                throw new InvalidOperationException($"agents file {path}: queue #{i} needs a 'name' and 'skills'");
            if (q.Name.Contains(AutomaticCallDistributor.RouteSeparator, StringComparison.Ordinal))
                throw new InvalidOperationException($"agents file {path}: queue '{q.Name}': a name may not contain '{AutomaticCallDistributor.RouteSeparator}'");
            if (q.AverageHandleSeconds is <= 0 or > 86_400)
                throw new InvalidOperationException($"agents file {path}: queue '{q.Name}': 'averageHandleSeconds' must be 1..86400");
            queues.Add(new QueueDefinition(q.Name, q.Skills, q.Priority, TimeSpan.FromSeconds(q.AverageHandleSeconds)));
        }
        if (queues.Count == 0)
            throw new InvalidOperationException($"agents file {path}: no queues");
        var agents = new List<AgentProfile>();
        foreach (var (a, i) in (json.Agents ?? []).Select((a, i) => (a, i + 1)))
        {
            if (string.IsNullOrWhiteSpace(a.Id))
                throw new InvalidOperationException($"agents file {path}: agent #{i} needs an 'id'");
            agents.Add(new AgentProfile(a.Id, a.Name ?? a.Id, a.Skills ?? []));
        }
        try
        {
            _ = new AgentDirectory(agents); // validates skills and duplicate ids
        }
        catch (ArgumentException e)
        {
            throw new InvalidOperationException($"agents file {path}: {e.Message}", e);
        }
        return new AgentsFile { Queues = queues, Agents = agents };
    }
}

internal sealed record AgentsJson(
    [property: JsonPropertyName("queues")] List<QueueJson>? Queues,
    [property: JsonPropertyName("agents")] List<AgentJson>? Agents);

internal sealed record QueueJson(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("skills")] List<string>? Skills,
    [property: JsonPropertyName("priority")] int Priority,
    [property: JsonPropertyName("averageHandleSeconds")] int AverageHandleSeconds = 180);

internal sealed record AgentJson(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("skills")] List<string>? Skills);

[JsonSourceGenerationOptions(ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(AgentsJson))]
internal sealed partial class AgentsJsonContext : JsonSerializerContext;
