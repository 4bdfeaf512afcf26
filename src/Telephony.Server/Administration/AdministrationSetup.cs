using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;
using Telephony.Cases.Staff;
using Telephony.Cases.Storage;
using Telephony.Server.Agents;
using Telephony.Server.Hosting;
using Telephony.Server.Security;
using Telephony.Server.Sip;

namespace Telephony.Server.Administration;

/// <summary>Wires live administration: the staff catalog (users, seats, agents, queues from the database), its sync and the admin API.</summary>
public static class AdministrationSetup
{
    /// <summary>
    /// Registers the <see cref="StaffCatalog"/> and the views other parts read from it. Call after the security, cases,
    /// agents and SIP settings are bound (they name the seed files and the realm).
    /// </summary>
    public static WebApplicationBuilder AddTelephonyAdministration(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IStaffStore>(sp => sp.GetRequiredService<SqlCaseStore>());
        services.AddSingleton(sp =>
        {
            var contactCenter = sp.GetRequiredService<ContactCenterSettings>();
            var node = contactCenter.Node is { Length: > 0 } n ? n : Environment.MachineName;
            return new StaffNotices(sp.GetService<IConnectionMultiplexer>(), contactCenter.KeyPrefix, node + "/" + Guid.NewGuid().ToString("N")[..8]);
        });
        services.AddSingleton(sp =>
        {
            var security = sp.GetRequiredService<SecuritySettings>();
            var sip = sp.GetRequiredService<SipServerOptions>();
            var files = new StaffSeedFiles(
                ServerPaths.FromAppDirectory(security.UsersFile),
                ServerPaths.FromAppDirectory(sip.SeatsFile),
                ServerPaths.FromAppDirectory(sp.GetRequiredService<ContactCenterSettings>().AgentsFile));
            return StaffCatalog.Open(sp.GetRequiredService<SqlCaseStore>(), files, sp.GetRequiredService<StaffNotices>(), sip.Domain,
                sp.GetRequiredService<TimeProvider>(), TimeSpan.FromHours(security.LocalUtcOffsetHours), sp.GetRequiredService<ILogger<StaffCatalog>>());
        });
        services.AddHostedService<StaffSync>();
        return builder;
    }

    /// <summary>Maps the admin API (<see cref="AdminEndpoints"/>).</summary>
    public static IEndpointRouteBuilder MapTelephonyAdministration(this IEndpointRouteBuilder app)
    {
        AdminEndpoints.Map(app);
        return app;
    }
}
