using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace Telephony.Server.Tests.Security;

/// <summary>
/// The in-memory test server has no client address; this sets it from a test header, so one test can
/// log in "from" many addresses (a botnet, a NAT).
/// </summary>
internal static class TestRemoteAddress
{
    public const string Header = "X-Test-Remote";

    public static void Install(IServiceCollection services) => services.AddSingleton<IStartupFilter>(new FromHeader());

    public static async Task<HttpResponseMessage> LoginAsync(HttpClient client, string user, string password, string? remote = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/auth/token", UriKind.Relative))
        {
            Content = JsonContent.Create(new { username = user, password }),
        };
        if (remote is not null)
        {
            request.Headers.Add(Header, remote);
        }
        return await client.SendAsync(request);
    }

    private sealed class FromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((http, nextMiddleware) =>
            {
                if (http.Request.Headers.TryGetValue(Header, out var value) && IPAddress.TryParse(value.ToString(), out var address))
                {
                    http.Connection.RemoteIpAddress = address;
                }
                return nextMiddleware(http);
            });
            next(app);
        };
    }
}
