using System.Net;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.AspNetCore.DataProtection;

using Microsoft.AspNetCore.Mvc;
using Telephony.Server.Hosting;
using Telephony.Server.Http;

namespace Telephony.Server.Security;

/// <summary>Request body of <c>POST /api/auth/token</c>.</summary>
public sealed record TokenRequest(string? Username, string? Password);

/// <summary>
/// Authentication for the REST API and the SignalR hubs: users from the users file, bearer
/// tokens issued by ASP.NET Core's built-in bearer-token handler (protected by data
/// protection; several nodes need a shared key ring, see README), roles as claims.
/// </summary>
public static class SecurityEndpoints
{
    public const string AuthenticationScheme = BearerTokenDefaults.AuthenticationScheme;

    /// <summary>Registers authentication, role policies, the user directory and the login throttle.</summary>
    public static WebApplicationBuilder AddTelephonySecurity(this WebApplicationBuilder builder)
    {
        var settings = builder.AddSettings<SecuritySettings>(SecuritySettings.Section, (o, section) => o.Validate(section));
        builder.Services.TryAddSingleton(TimeProvider.System);
        // The users live in the staff tables (the users file seeds them at the first start; see Administration).
        builder.Services.AddSingleton(sp => sp.GetRequiredService<Administration.StaffCatalog>().Users);
        builder.Services.AddSingleton<LoginThrottle>();
        builder.Services.AddSingleton<HubSessions>();
        builder.Services.AddSingleton<CurrentUserHubFilter>();
        builder.Services.Configure<HubOptions>(o => o.AddFilter<CurrentUserHubFilter>());

        // Persisted keys and a fixed application name: tokens issued before a restart (or by another node
        // sharing the folder) still open the hub, so a desktop comes back without a new login.
        builder.Services.AddDataProtection()
            .SetApplicationName("Telephony")
            .PersistKeysToFileSystem(new DirectoryInfo(ServerPaths.InDataFolder(builder.Configuration, settings.KeysFolder)));

        builder.Services.AddAuthentication(AuthenticationScheme)
            .AddBearerToken(AuthenticationScheme, options =>
            {
                options.BearerTokenExpiration = TimeSpan.FromHours(settings.TokenHours);
                options.Events = new BearerTokenEvents
                {
                    // Browsers' WebSocket API cannot set headers, so SignalR sends the token
                    // in the query string; accept it there for hub paths only. Likewise an <audio> element
                    // cannot, and must fetch a recording itself to play it with Range requests.
                    OnMessageReceived = context =>
                    {
                        var token = context.Request.Query["access_token"];
                        if (!string.IsNullOrEmpty(token) && (context.HttpContext.Request.Path.StartsWithSegments("/hubs")
                            || Recordings.RecordingEndpoints.IsAudioPath(context.HttpContext.Request.Path)))
                        {
                            context.Token = token;
                        }

                        return Task.CompletedTask;
                    },
                };
            });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Agent, p => p.RequireRole(Roles.Agent))
            .AddPolicy(Roles.Supervisor, p => p.RequireRole(Roles.Supervisor, Roles.Admin))
            .AddPolicy(Roles.Handler, p => p.RequireRole(Roles.Handler))
            .AddPolicy(Roles.Admin, p => p.RequireRole(Roles.Admin));
        return builder;
    }

    /// <summary>Maps <c>POST /api/auth/token</c>: username + password in, bearer token out.</summary>
    public static IEndpointRouteBuilder MapTelephonySecurity(this IEndpointRouteBuilder app)
    {
        // Anonymous, so its body is bounded before it is read: a login is a few dozen bytes.
        app.MapPost("/api/auth/token", IssueToken).AllowAnonymous().WithMetadata(new RequestSizeLimitAttribute(MaxTokenRequestBytes));
        app.MapGet("/api/auth/me", (ClaimsPrincipal user) => Results.Ok(new
        {
            name = user.FindFirstValue(TelephonyClaims.Name),
            role = user.FindFirstValue(TelephonyClaims.Role),
            agent = user.FindFirstValue(TelephonyClaims.Agent),
            department = user.FindFirstValue(TelephonyClaims.Department),
        })).RequireAuthorization();
        app.MapPost("/api/auth/logout", Logout).RequireAuthorization();
        UserEndpoints.Map(app);
        return app;
    }

    /// <summary>Revokes every token of the signed-in user (all their devices) and closes their hub connections on this node.</summary>
    private static async Task<IResult> Logout(ClaimsPrincipal user, UserDirectory users, HubSessions sessions, ILoggerFactory loggers)
    {
        var log = loggers.CreateLogger(typeof(SecurityEndpoints));
        var name = user.FindFirstValue(TelephonyClaims.Name)!;
        try
        {
            await users.RevokeAsync(name, name);
        }
        catch (Exception e) when (UserEndpoints.IsStoreFailure(e))
        {
            return UserEndpoints.NotWritten(log, e);
        }
        sessions.CloseAll(name);
        SecurityLog.LoggedOut(log, name);
        return Results.NoContent();
    }

    /// <summary>The largest body <c>POST /api/auth/token</c> reads; larger ones get 413.</summary>
    public const int MaxTokenRequestBytes = 4096;

    private static IResult IssueToken(TokenRequest? request, HttpContext http, UserDirectory users, LoginThrottle throttle, ILoggerFactory loggers)
    {
        var log = loggers.CreateLogger(typeof(SecurityEndpoints));
        var remote = http.Connection.RemoteIpAddress ?? IPAddress.None;
        if (request is null || string.IsNullOrEmpty(request.Username) || string.IsNullOrEmpty(request.Password))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "username and password are required.");
        }

        // The throttle's key: no user name is this long, and a bounded key keeps its table small.
        var name = request.Username.Length > MaxUserNameLength ? request.Username[..MaxUserNameLength] : request.Username;
        switch (throttle.IsBlocked(remote, name))
        {
            case LoginBlock.User:
                SecurityLog.LoginThrottledForUser(log, LogText.Safe(name), remote);
                return TooManyFailures();
            case LoginBlock.Address:
                SecurityLog.LoginThrottled(log, remote);
                return TooManyFailures();
        }

        var user = users.Find(request.Username);
        // Unknown names are verified against a dummy hash of the same cost, so the time taken does not tell which names exist.
        var ok = PasswordHasher.Verify(request.Password, user?.PasswordHash ?? users.DummyHash) && user is not null;
        if (!ok)
        {
            throttle.RecordFailure(remote, name);
            SecurityLog.LoginFailed(log, LogText.Safe(request.Username), remote);
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Wrong username or password.");
        }

        if (!user!.ActiveOn(users.Today))
        {
            // A guest of the leaders' answering day: the right password, the wrong day.
            SecurityLog.GuestOutsideRoster(log, user.Name, user.RosterDate!.Value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), remote);
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "This guest account is valid only on its roster date.");
        }
        throttle.RecordSuccess(name);
        var claims = new List<Claim> { new(TelephonyClaims.Name, user.Name), new(TelephonyClaims.Role, user.Role), new(TelephonyClaims.Stamp, user.Stamp) };
        if (user.AgentId is not null) claims.Add(new Claim(TelephonyClaims.Agent, user.AgentId));
        if (user.Department is not null) claims.Add(new Claim(TelephonyClaims.Department, user.Department));
        var identity = new ClaimsIdentity(claims, "password", TelephonyClaims.Name, TelephonyClaims.Role);
        SecurityLog.LoggedIn(log, user.Name, user.Role, remote);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: AuthenticationScheme);
    }

    /// <summary>The longest user name the login looks at (longer ones cannot be users).</summary>
    public const int MaxUserNameLength = 128;

    private static IResult TooManyFailures() =>
        Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many failed logins; try again later.");
}
