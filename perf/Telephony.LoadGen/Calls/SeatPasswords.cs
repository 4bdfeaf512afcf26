using System.Text.Json;

namespace Telephony.LoadGen.Calls;

/// <summary>Reads the seats' SIP passwords from the server's seats file (<c>{ "seats": [ { "extension", "password" } ] }</c>).</summary>
internal static class SeatPasswords
{
    public static Dictionary<string, string> Load(string? path)
    {
        path ??= FindDefault() ?? throw new FileNotFoundException("no --seats-file given and src/Telephony.Server/seats.json not found from here upwards");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var seat in doc.RootElement.GetProperty("seats").EnumerateArray())
        {
            if (seat.TryGetProperty("extension", out var ext) && seat.TryGetProperty("password", out var pw) && ext.GetString() is { } e && pw.GetString() is { } p)
            {
                result[e] = p;
            }
        }
        return result;
    }

    private static string? FindDefault()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "Telephony.Server", "seats.json");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }
        return null;
    }
}
