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
            queues.Add(ParseQueue(q, $"agents file {path}: queue #{i}"));
        }
        if (queues.Count == 0)
            throw new InvalidOperationException($"agents file {path}: no queues");
        CheckOverflowTargets(queues, $"agents file {path}");
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
        return new AgentsFile { Queues = queues, Agents = agents, QueueJsons = json.Queues ?? [] };
    }

    /// <summary>Each queue as the file writes it (the staff table stores queues in this form).</summary>
    internal IReadOnlyList<QueueJson> QueueJsons { get; init; } = [];

    /// <summary>A queue from its JSON form (a file entry, a stored definition or an admin's request); throws <see cref="InvalidOperationException"/> starting with <paramref name="where"/>.</summary>
    internal static QueueDefinition ParseQueue(QueueJson q, string where)
    {
        if (string.IsNullOrWhiteSpace(q.Name) || q.Skills is null || q.Skills.Count == 0)
            throw new InvalidOperationException($"{where} needs a 'name' and 'skills'");
        if (q.Name.Contains(AutomaticCallDistributor.RouteSeparator, StringComparison.Ordinal))
            throw new InvalidOperationException($"{where} ('{q.Name}'): a name may not contain '{AutomaticCallDistributor.RouteSeparator}'");
        if (q.AverageHandleSeconds is <= 0 or > 86_400)
            throw new InvalidOperationException($"{where} ('{q.Name}'): 'averageHandleSeconds' must be 1..86400");
        return new QueueDefinition(q.Name, q.Skills, q.Priority, TimeSpan.FromSeconds(q.AverageHandleSeconds), PolicyOf(q, where));
    }

    /// <summary>Throws when an overflow names a queue that is not among <paramref name="queues"/>.</summary>
    internal static void CheckOverflowTargets(IReadOnlyList<QueueDefinition> queues, string where)
    {
        foreach (var queue in queues)
        {
            foreach (var overflow in queue.Policy?.Overflows ?? [])
            {
                if (overflow.Queue is { } target && !queues.Any(q => q.Name == target))
                    throw new InvalidOperationException($"{where}: queue '{queue.Name}': overflow target '{target}' is not a queue");
            }
        }
    }

    /// <summary>A stored queue definition (the file's JSON form of one queue).</summary>
    internal static QueueJson? ReadQueueJson(string json) => JsonSerializer.Deserialize(json, AgentsJsonContext.Default.QueueJson);

    /// <summary>The JSON form of one queue, as stored.</summary>
    internal static string WriteQueueJson(QueueJson queue) => JsonSerializer.Serialize(queue, AgentsJsonContext.Default.QueueJson);

    /// <summary>The queue's policy (maximum wait, size limit, overflows, end action), or null when it sets none.</summary>
    private static QueuePolicy? PolicyOf(QueueJson q, string where)
    {
        if (q.MaxWaitSeconds is null && q.MaxSize is null && q.Overflow is null && q.EndAction is null)
            return null;
        string Where() => $"{where} ('{q.Name}')";
        if (q.MaxWaitSeconds is <= 0 or > 86_400)
            throw new InvalidOperationException($"{Where()}: 'maxWaitSeconds' must be 1..86400");
        if (q.MaxSize is <= 0 or > 100_000)
            throw new InvalidOperationException($"{Where()}: 'maxSize' must be 1..100000");
        var action = q.EndAction switch
        {
            null or "message" => QueueEndAction.Message,
            "callback-offer" => QueueEndAction.CallbackOffer,
            _ => throw new InvalidOperationException($"{Where()}: 'endAction' must be message or callback-offer"),
        };
        var overflows = new List<QueueOverflow>();
        foreach (var o in q.Overflow ?? [])
        {
            if (o.AfterSeconds is <= 0 or > 86_400)
                throw new InvalidOperationException($"{Where()}: overflow 'afterSeconds' must be 1..86400");
            if (o.Queue is null && (o.Relax is null || o.Relax.Count == 0))
                throw new InvalidOperationException($"{Where()}: an overflow needs a 'queue', a 'relax' list of skills, or both");
            if (overflows.Count > 0 && o.AfterSeconds <= overflows[^1].After.TotalSeconds)
                throw new InvalidOperationException($"{Where()}: overflow steps must be in increasing 'afterSeconds'");
            if (q.MaxWaitSeconds is { } max && o.AfterSeconds >= max)
                throw new InvalidOperationException($"{Where()}: an overflow after {o.AfterSeconds} s comes after the maximum wait ({max} s)");
            overflows.Add(new QueueOverflow(TimeSpan.FromSeconds(o.AfterSeconds), o.Queue, o.Relax ?? []));
        }
        return new QueuePolicy
        {
            MaxWait = q.MaxWaitSeconds is { } wait ? TimeSpan.FromSeconds(wait) : null,
            MaxSize = q.MaxSize,
            Overflows = overflows,
            EndAction = action,
        };
    }
}

internal sealed record AgentsJson(
    [property: JsonPropertyName("queues")] List<QueueJson>? Queues,
    [property: JsonPropertyName("agents")] List<AgentJson>? Agents);

internal sealed record QueueJson(
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("skills")] List<string>? Skills,
    [property: JsonPropertyName("priority")] int Priority,
    [property: JsonPropertyName("averageHandleSeconds")] int AverageHandleSeconds = 180,
    [property: JsonPropertyName("maxWaitSeconds")] int? MaxWaitSeconds = null,
    [property: JsonPropertyName("maxSize")] int? MaxSize = null,
    [property: JsonPropertyName("overflow")] List<OverflowJson>? Overflow = null,
    [property: JsonPropertyName("endAction")] string? EndAction = null);

internal sealed record OverflowJson(
    [property: JsonPropertyName("afterSeconds")] int AfterSeconds,
    [property: JsonPropertyName("queue")] string? Queue,
    [property: JsonPropertyName("relax")] List<string>? Relax);

internal sealed record AgentJson(
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("name")] string? Name,
    [property: JsonPropertyName("skills")] List<string>? Skills);

[JsonSourceGenerationOptions(ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AgentsJson))]
[JsonSerializable(typeof(QueueJson))]
internal sealed partial class AgentsJsonContext : JsonSerializerContext;
