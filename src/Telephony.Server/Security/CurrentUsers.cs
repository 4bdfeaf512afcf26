using System.Security.Claims;
using Microsoft.AspNetCore.SignalR;

namespace Telephony.Server.Security;

/// <summary>
/// Tokens are only as good as the user behind them now: a token whose user was removed, or whose
/// security stamp is not the user's any more (logout, role change), is treated as no token at all, on
/// every HTTP request (the middleware) and on every hub connection and hub call (the filter; a
/// WebSocket outlives the request that opened it).
/// </summary>
public static class CurrentUsers
{
    /// <summary>What a hub caller with a revoked token is told.</summary>
    public const string RevokedMessage = "Your sign-in is no longer valid (logged out, role changed or user removed); log in again.";

    /// <summary>True when <paramref name="user"/> is signed in with a token that is still current.</summary>
    public static bool IsCurrent(this UserDirectory users, ClaimsPrincipal? user) =>
        user?.Identity?.IsAuthenticated == true
        && users.IsCurrent(user.FindFirstValue(TelephonyClaims.Name), user.FindFirstValue(TelephonyClaims.Stamp));

    /// <summary>After authentication: a revoked token leaves the request anonymous (so protected endpoints answer 401).</summary>
    public static IApplicationBuilder UseCurrentUsersOnly(this IApplicationBuilder app) =>
        app.Use(async (http, next) =>
        {
            if (http.User.Identity?.IsAuthenticated == true)
            {
                var users = http.RequestServices.GetRequiredService<UserDirectory>();
                if (!users.IsCurrent(http.User))
                {
                    var log = http.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(CurrentUsers));
                    SecurityLog.TokenRevoked(log, Http.LogText.Safe(http.User.FindFirstValue(TelephonyClaims.Name)), Http.LogText.Safe(http.Request.Path.Value, 128));
                    http.User = new ClaimsPrincipal(new ClaimsIdentity());
                }
            }
            await next(http).ConfigureAwait(false);
        });
}

/// <summary>Checks the caller's token on each hub connection and call; tracks connections so a revocation closes them.</summary>
internal sealed class CurrentUserHubFilter(UserDirectory users, HubSessions sessions, ILogger<CurrentUserHubFilter> log) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (!users.IsCurrent(invocationContext.Context.User))
        {
            Refuse(invocationContext.Context, invocationContext.HubMethodName);
            // The refusal goes back as this call's error; the connection is closed just after, so the
            // desktop reads why rather than a bare cancellation.
            _ = CloseSoonAsync(invocationContext.Context);
            throw new HubException(CurrentUsers.RevokedMessage);
        }
        return await next(invocationContext).ConfigureAwait(false);
    }

    public Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        if (!users.IsCurrent(context.Context.User))
        {
            Refuse(context.Context, "connect");
            throw new HubException(CurrentUsers.RevokedMessage); // SignalR closes the connection with it
        }
        sessions.Opened(NameOf(context.Context), context.Context);
        return next(context);
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        sessions.Closed(NameOf(context.Context), context.Context);
        return next(context, exception);
    }

    private void Refuse(HubCallerContext context, string what) =>
        SecurityLog.TokenRevoked(log, Http.LogText.Safe(context.User?.FindFirstValue(TelephonyClaims.Name)), "hub " + what);

    private static async Task CloseSoonAsync(HubCallerContext context)
    {
        await Task.Delay(CloseDelay).ConfigureAwait(false);
        context.Abort();
    }

    /// <summary>How long after refusing a call the connection is closed (time for the refusal to be sent).</summary>
    private static readonly TimeSpan CloseDelay = TimeSpan.FromMilliseconds(250);

    private static string NameOf(HubCallerContext context) => context.User?.FindFirstValue(TelephonyClaims.Name) ?? "";
}
