using System.Text.Json;
using System.Text.Json.Nodes;

namespace Telephony.LoadGen.Day;

/// <summary>
/// The agents file the day runs with: the server's own (its queues unchanged) with every agent given every skill any
/// agent or queue names. The planner staffs one pool per half hour (Erlang per half hour, not per lane), so the
/// simulated centre is one pool of agents who can take every lane; lanes still differ in their IVR path, queue and
/// priority (deputies 8, taxi 3).
/// </summary>
internal static class AllRoundAgents
{
    public const string Help = "--from src/Telephony.Server/agents.json --to FILE [--queue-handle-s S]";

    public static Task<int> RunAsync(string[] args)
    {
        string? from = null, to = null;
        int? queueHandle = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--from": from = args[i + 1]; break;
                case "--to": to = args[i + 1]; break;
                case "--queue-handle-s": queueHandle = int.Parse(args[i + 1], System.Globalization.CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option {args[i]}");
            }
        }
        if (from is null || to is null)
            throw new ArgumentException($"usage: day-agents {Help}");
        Write(from, to, queueHandle);
        return Task.FromResult(0);
    }

    /// <summary>
    /// Writes the file; <paramref name="queueHandleSeconds"/> replaces every queue's average handle time (the callback
    /// scenario's: a long estimate makes the expected wait exceed the callback threshold from the first position on).
    /// </summary>
    public static void Write(string agentsFile, string destination, int? queueHandleSeconds = null)
    {
        var root = JsonNode.Parse(File.ReadAllText(agentsFile))?.AsObject() ?? throw new InvalidDataException($"{agentsFile}: not a JSON object");
        var agents = root["agents"]?.AsArray() ?? throw new InvalidDataException($"{agentsFile}: no agents");
        var queues = root["queues"]?.AsArray() ?? [];
        var skills = agents.Concat(queues)
            .SelectMany(n => n?["skills"]?.AsArray() ?? [])
            .Select(s => s?.GetValue<string>())
            .Where(s => !string.IsNullOrEmpty(s))
            .Concat(["zh", "en"])
            .Distinct(StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .ToList();
        foreach (var agent in agents)
        {
            agent!["skills"] = new JsonArray([.. skills.Select(s => (JsonNode)JsonValue.Create(s)!)]);
        }
        if (queueHandleSeconds is { } handle)
        {
            foreach (var queue in queues)
            {
                queue!["averageHandleSeconds"] = handle;
            }
        }
        File.WriteAllText(destination, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
    }
}
