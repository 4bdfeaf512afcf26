using Telephony.Server.Hosting;

namespace Telephony.Server.Supervisors;

/// <summary>Wires the supervisors' wall: its hub, the floor's publisher, the figures and the alarms.</summary>
public static class SupervisorsSetup
{
    /// <summary>Where the hub is mapped.</summary>
    public const string HubPath = "/hubs/supervisors";

    /// <summary>
    /// Registers the wall (the <c>Wallboard</c> section). The hub shares the agents' SignalR setup, so it uses the
    /// Redis backplane whenever <c>ContactCenter:Redis</c> is set; the floor's signal is one of the ACD's
    /// desktop-event sinks (<see cref="Agents.AgentsSetup"/>).
    /// </summary>
    public static WebApplicationBuilder AddTelephonySupervisors(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = builder.AddSettings<WallboardSettings>(WallboardSettings.Section, (o, section) => o.Validate(section));
        var services = builder.Services;
        services.AddSingleton<FloorSignal>();
        services.AddSingleton<FloorAlarms>();
        services.AddSingleton<OtherNodesCalls>();
        services.AddSingleton<FloorBuilder>();
        services.AddSingleton<FigureWindows>();
        services.AddSingleton<FloorPublisher>();
        services.AddHostedService(sp => sp.GetRequiredService<FloorPublisher>());
        return builder;
    }

    /// <summary>Maps the supervisors' hub at <see cref="HubPath"/>.</summary>
    public static IEndpointRouteBuilder MapTelephonySupervisors(this IEndpointRouteBuilder app)
    {
        app.MapHub<SupervisorHub>(HubPath);
        return app;
    }
}
