using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StackExchange.Redis;
using Telephony.Calls;
using Telephony.ContactCenter.Agents;
using Telephony.ContactCenter.Events;
using Telephony.ContactCenter.Routing;
using Telephony.ContactCenter.Store;

using Telephony.Server.Hosting;

namespace Telephony.Server.Agents;

/// <summary>Wires the contact center (seat store, ACD) and the agents' SignalR hub into the server.</summary>
public static class AgentsSetup
{
    /// <summary>Where the hub is mapped.</summary>
    public const string HubPath = "/hubs/agents";

    /// <summary>
    /// Registers the ACD, its seat store (Redis when <c>ContactCenter:Redis</c> is set, so several
    /// nodes share seats and queues, with SignalR's Redis backplane; in-process otherwise), the
    /// desktop event sink and the screen-pop notifier. The ACD's call control is the call manager (<c>AddTelephonyCalls</c>).
    /// </summary>
    public static WebApplicationBuilder AddTelephonyAgents(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = builder.AddSettings<ContactCenterSettings>(ContactCenterSettings.Section, (o, section) => o.Validate(section));
        var redis = settings.Redis;
        var keyPrefix = settings.KeyPrefix;
        var services = builder.Services;

        services.TryAddSingleton(TimeProvider.System);
        // Agents and queues live in the staff tables (the agents file seeds them at the first start; see Administration).
        services.AddSingleton(sp => sp.GetRequiredService<Administration.StaffCatalog>().Agents);
        services.AddSingleton(sp => new AcdOptions
        {
            Node = settings.Node is { Length: > 0 } node ? node : Environment.MachineName,
            RingTimeout = TimeSpan.FromSeconds(settings.RingTimeoutSeconds),
            WrapUpTime = TimeSpan.FromSeconds(settings.WrapUpSeconds),
            DesktopGrace = TimeSpan.FromSeconds(settings.DesktopGraceSeconds),
            Seats = AcdOptions.SeatRange(settings.FirstSeat, settings.SeatCount),
            Queues = sp.GetRequiredService<Administration.StaffCatalog>().Queues,
            // Callback tasks (missed-call returns, failed callbacks) offered like calls to agents no call waits for.
            TaskQueue = AcdOptions.CallbackTasks,
        });

        var signalR = services.AddSignalR(o => o.AddFilter<AgentHubFilter>())
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        // SignalR logs every exception out of a hub method, refusals included, as an error with a stack
        // trace; AgentHubFilter logs what matters instead (see there).
        builder.Logging.AddFilter("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", LogLevel.None);
        if (!string.IsNullOrWhiteSpace(redis))
        {
            services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(RedisSeatStore.ConnectionOptions(redis)));
            services.AddSingleton<ISeatStore>(sp => new RedisSeatStore(sp.GetRequiredService<IConnectionMultiplexer>(), keyPrefix));
            services.AddSingleton<IAcdNodeLink>(sp => new RedisAcdNodeLink(sp.GetRequiredService<IConnectionMultiplexer>(), keyPrefix));
            // The token keys too (instead of Security:KeysFolder): a token issued by one node opens every node's hub and API.
            services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>((o, connection) =>
                o.XmlRepository = new RedisXmlRepository(() => connection.GetDatabase(), "{" + keyPrefix + "}:data-protection-keys"));
            // Registrations too (the SIP host's in-memory store is only the default): any node rings any seat.
            services.AddSingleton<Telephony.Sip.Registrar.ILocationStore>(sp => new Telephony.Server.Sip.RedisLocationStore(
                sp.GetRequiredService<IConnectionMultiplexer>(), keyPrefix, sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<Telephony.Server.Sip.RedisLocationStore>>()));
            signalR.AddStackExchangeRedis(redis, o => o.Configuration.ChannelPrefix = RedisChannel.Literal(keyPrefix + ":signalr"));
        }
        else
        {
            services.AddSingleton<ISeatStore, InProcessSeatStore>();
            services.AddSingleton<IAcdNodeLink, SingleNodeLink>();
        }

        services.AddSingleton<AgentConnections>();
        services.AddSingleton<SignalRAgentNotifier>();
        services.AddSingleton<IScreenPopNotifier>(sp => sp.GetRequiredService<SignalRAgentNotifier>());
        // Desktop events go into the call record (the end of wrap-up; it never throws) and to the
        // agents' desktops; the record first, so a failing push cannot lose it.
        // The supervisors' wall, when the host has one, looks at the floor again on every desktop event: poked
        // before the others (a poke cannot fail or wait), so its look runs while the record is written and the
        // desktop pushed (a database write, a backplane round trip) instead of after them.
        services.AddSingleton<IDesktopEventSink>(sp => new DesktopEventSinks([
            .. sp.GetService<Supervisors.FloorSignal>() is { } wall ? [wall] : Array.Empty<IDesktopEventSink>(),
            sp.GetRequiredService<Telephony.Calls.Recording.CallRecords>(), sp.GetRequiredService<SignalRAgentNotifier>()]));
        services.AddSingleton<AutomaticCallDistributor>();
        // The browser desktop's readers and writers (hub methods take them as parameters).
        services.AddSingleton<Desk.CitizenHistoryReader>();
        services.AddSingleton<Desk.DeskCases>();
        services.AddSingleton<Desk.KnowledgeSearch>();
        services.AddHostedService<ContactCenterStartup>();
        return builder;
    }

    /// <summary>Maps the agents' hub at <see cref="HubPath"/>.</summary>
    public static IEndpointRouteBuilder MapTelephonyAgents(this IEndpointRouteBuilder app)
    {
        app.MapHub<AgentHub>(HubPath);
        return app;
    }

    /// <summary>Creates the configured seats in the store when the server starts.</summary>
    private sealed class ContactCenterStartup(AutomaticCallDistributor acd) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => acd.InitializeAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
