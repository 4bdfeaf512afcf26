namespace Telephony.Server.Tests.Administration;

/// <summary>An HTTP client of a test server signed in as a user, and the few calls the admin tests make.</summary>
internal static class AdminApi
{
    public static async Task<HttpClient> ClientAsync(WebApplicationFactory<Program> factory, string user, string password)
    {
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AgentDesk.TokenAsync(factory, user, password));
        return client;
    }

    public static async Task<HttpStatusCode> LoginStatusAsync(WebApplicationFactory<Program> factory, string user, string password)
    {
        using var client = factory.CreateClient();
        using var response = await client.PostAsJsonAsync(U("/api/auth/token"), new { username = user, password });
        return response.StatusCode;
    }

    public static async Task<(HttpStatusCode Status, string Body)> PutAsync(HttpClient client, string path, object body)
    {
        using var response = await client.PutAsJsonAsync(U(path), body);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static async Task<HttpStatusCode> DeleteAsync(HttpClient client, string path)
    {
        using var response = await client.DeleteAsync(U(path));
        return response.StatusCode;
    }

    /// <summary>Waits (bounded) until <paramref name="condition"/> holds on a node; false when it never did.</summary>
    public static async Task<bool> EventuallyAsync(Func<bool> condition, TimeSpan? within = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(5));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
                return false;
            await Task.Delay(20);
        }
        return true;
    }

    public static Uri U(string path) => new(path, UriKind.Relative);
}
