using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Telephony.Server.Hosting;

/// <summary>
/// Reads a JSON file the server needs before it starts (users, agents). Any problem, from a missing
/// file to bad JSON, stops the start with a message naming the kind of file, its path and the problem.
/// </summary>
internal static class StartupFile
{
    public static T? ReadJson<T>(string path, string kind, JsonTypeInfo<T> type)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonSerializer.Deserialize(stream, type);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new InvalidOperationException($"{kind} {path}: {e.Message}", e);
        }
    }
}
