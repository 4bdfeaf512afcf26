using Telephony.Server.Hosting;
using Telephony.Server.Sip;

namespace Telephony.Server.Security;

/// <summary>
/// The shipped users and seats files hold demo passwords anyone can read in the repository; the staff tables they seed
/// mark those accounts (demo) until an administrator gives them a password of their own. Outside the
/// Development environment the server refuses to start while any is active, unless
/// <c>Security:AllowDemoCredentials=true</c> says it is meant (trying the server out); then each demo
/// account is logged as a warning at start, so it cannot go unnoticed.
/// </summary>
public static class DemoCredentials
{
    /// <summary>Checks before the server starts; throws <see cref="ConfigurationException"/> (one clear line at start) naming the way out.</summary>
    public static WebApplication RefuseDemoCredentialsUnlessAllowed(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var users = app.Services.GetRequiredService<UserDirectory>().DemoAccounts;
        var seats = app.Services.GetRequiredService<SeatDirectory>().DemoSeats;
        if (users.Count == 0 && seats.Count == 0)
        {
            return app;
        }
        var log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DemoCredentials));
        if (app.Environment.IsDevelopment())
        {
            SecurityLog.DemoCredentialsInDevelopment(log, users.Count, seats.Count);
            return app;
        }
        if (!app.Services.GetRequiredService<SecuritySettings>().AllowDemoCredentials)
        {
            throw new ConfigurationException(
                $"Demo credentials are active ({users.Count} users still with the plain demo 'password' seeded from {SecuritySettings.Section}:UsersFile, " +
                $"{seats.Count} seats with a '{SeatDirectory.DemoPasswordPrefix}' password seeded from Sip:SeatsFile) in the {app.Environment.EnvironmentName} environment. " +
                "Replace them (the admin API, PUT /api/admin/users/{name} and /api/admin/seats/{extension}, or seed files with real ones; see README, " +
                "'Administration' and 'Security: what an operator must set'), or, only to try the server out, " +
                $"start with --{SecuritySettings.Section}:AllowDemoCredentials=true.");
        }
        foreach (var user in users)
        {
            SecurityLog.DemoCredential(log, "user", user);
        }
        foreach (var seat in seats)
        {
            SecurityLog.DemoCredential(log, "seat", seat);
        }
        return app;
    }
}
