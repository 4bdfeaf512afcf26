using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Telephony.Softphone.Core;

/// <summary>Gets the agent's bearer token: <c>POST /api/auth/token</c> with user name and password.</summary>
public static class TokenClient
{
    /// <summary>Returns the <c>accessToken</c>; throws <see cref="AgentStartException"/> with the server's reason when refused.</summary>
    public static async Task<string> GetTokenAsync(HttpClient http, string user, string password, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(http);
        HttpResponseMessage response;
        try
        {
            response = await http.PostAsJsonAsync("api/auth/token", new { username = user, password }, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new AgentStartException($"cannot reach {http.BaseAddress}: {e.Message}", e);
        }
        using (response)
        {
            if (response.StatusCode is HttpStatusCode.Unauthorized)
            {
                throw new AgentStartException($"login refused for user {user}: wrong user name or password");
            }
            if (!response.IsSuccessStatusCode)
            {
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                throw new AgentStartException($"login for user {user} failed: HTTP {(int)response.StatusCode} {Shorten(body)}");
            }
            try
            {
                var json = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken).ConfigureAwait(false);
                return json.TryGetProperty("accessToken", out var token) && token.GetString() is { Length: > 0 } t
                    ? t
                    : throw new AgentStartException("login answer has no accessToken");
            }
            catch (JsonException e)
            {
                throw new AgentStartException($"login answer is not JSON: {e.Message}", e);
            }
        }
    }

    private static string Shorten(string s) => s.Length <= 200 ? s : s[..200] + "…";
}
