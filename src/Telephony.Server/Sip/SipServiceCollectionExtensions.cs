using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Telephony.Server.Sip;
using Telephony.Sip.Registrar;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the server's SIP endpoint (config section <c>Sip</c>).</summary>
public static class SipServiceCollectionExtensions
{
    /// <summary>
    /// Adds the SIP host (UDP/TCP listeners, registrar for the seats in <c>Sip:SeatsFile</c>, access gate)
    /// as a hosted service. An <see cref="ILocationStore"/> registered earlier wins over the in-memory one.
    /// </summary>
    public static IServiceCollection AddSipEndpoint(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<SipServerOptions>(configuration.GetSection(SipServerOptions.Section));
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<SipServerOptions>>().Value);
        services.TryAddSingleton(sp =>
        {
            var file = sp.GetRequiredService<SipServerOptions>().SeatsFile;
            var path = Path.IsPathRooted(file) ? file : Path.Combine(AppContext.BaseDirectory, file);
            return SeatDirectory.Load(path);
        });
        services.TryAddSingleton<ILocationStore>(sp => new InMemoryLocationStore(sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton<SipServerHost>();
        services.AddHostedService(sp => sp.GetRequiredService<SipServerHost>());
        return services;
    }
}
