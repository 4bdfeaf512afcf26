using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Telephony.Cases;
using Telephony.Softphone.Core;

namespace Telephony.LoadGen.Day;

/// <summary>What the server says about the day: <c>GET /api/kpis</c> per window and the planner's reading of the records (as the supervisor).</summary>
internal sealed class ServerFigures(HttpClient http) : IDisposable
{
    public static async Task<ServerFigures> LogInAsync(DayOptions o, CancellationToken ct)
    {
        var http = new HttpClient { BaseAddress = o.Http, Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            var token = await TokenClient.GetTokenAsync(http, o.Supervisor, o.SupervisorPassword, ct).ConfigureAwait(false);
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return new ServerFigures(http);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>The call part of <c>GET /api/kpis?from&amp;to</c>.</summary>
    public async Task<CallFigures> KpisAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        using var doc = await http.GetFromJsonAsync<JsonDocument>($"api/kpis?from={Iso(from)}&to={Iso(to)}", ct).ConfigureAwait(false)
            ?? throw new InvalidDataException("empty /api/kpis answer");
        return doc.RootElement.GetProperty("calls").Deserialize<CallFigures>(JsonSerializerOptions.Web)
            ?? throw new InvalidDataException("no call figures in /api/kpis");
    }

    /// <summary>The planner's estimates from the records of [from, to): mean handle time and the callers' patience.</summary>
    public async Task<(double? HandleSeconds, double? PatienceSeconds)> PlannerReadingAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken ct)
    {
        using var doc = await http.GetFromJsonAsync<JsonDocument>($"api/planning/staffing?from={Iso(from)}&to={Iso(to)}", ct).ConfigureAwait(false)
            ?? throw new InvalidDataException("empty /api/planning/staffing answer");
        var root = doc.RootElement;
        static double? Number(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;
        return (Number(root, "handleSecondsOverall"), Number(root, "patienceSeconds"));
    }

    private static string Iso(DateTimeOffset t) => Uri.EscapeDataString(t.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));

    public void Dispose() => http.Dispose();
}
