using Microsoft.Extensions.DependencyInjection.Extensions;
using Telephony.Server.Hosting;
using Telephony.Server.Sip;
using Telephony.Sip.Registrar;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the server's SIP endpoint (config section <c>Sip</c>).</summary>
public static class SipServiceCollectionExtensions
{
    /// <summary>
    /// Adds the SIP host (UDP/TCP listeners, registrar for the seats in <c>Sip:SeatsFile</c>, access gate)
    /// as a hosted service. An <see cref="ILocationStore"/> registered earlier wins over the in-memory one.
    /// The stack's timers and limits are checked when the host starts (<see cref="SipServerOptions.ApplyStackSettings"/>).
    /// </summary>
    public static WebApplicationBuilder AddSipEndpoint(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddSettings<SipServerOptions>(SipServerOptions.Section, (o, section) => o.ValidateTls(section));
        var services = builder.Services;
        services.TryAddSingleton(TimeProvider.System);
        // The seats live in the staff tables (the seats file seeds them at the first start; see Administration).
        services.TryAddSingleton(sp => sp.GetRequiredService<Telephony.Server.Administration.StaffCatalog>().Seats);
        services.TryAddSingleton<ILocationStore>(sp => new InMemoryLocationStore(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<SipServerHost>();
        services.AddHostedService(sp => sp.GetRequiredService<SipServerHost>());
        return builder;
    }
}
