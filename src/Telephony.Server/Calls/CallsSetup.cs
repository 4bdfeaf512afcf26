using Telephony.Calls;
using Telephony.Media;
using Telephony.Calls.Recording;
using Telephony.Calls.Routing;
using Telephony.Calls.Trunks;
using Telephony.Calls.WebPhone;
using Telephony.ContactCenter.Routing;
using Telephony.Ivr;
using Telephony.Server.Hosting;
using Telephony.Server.Security;
using Telephony.Server.Sip;

namespace Telephony.Server.Calls;

/// <summary>Wires the call manager (B2BUA, in <c>Telephony.Calls</c>), its media engine, the IVR script and the trunk policy into the server.</summary>
public static class CallsSetup
{
    /// <summary>
    /// Registers the call manager as the ACD's call control and as the target of the SIP host's
    /// service-number INVITEs. Call after <c>AddTelephonyCases</c> (the call-record store),
    /// <c>AddTelephonyAgents</c> (the ACD, the screen-pop notifier) and <c>AddSipEndpoint</c>.
    /// </summary>
    public static WebApplicationBuilder AddTelephonyCalls(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = builder.AddSettings<CallManagerOptions>(CallManagerOptions.Section, (o, section) => o.Validate(section));
        var trunkOptions = builder.AddSettings<TrunkOptions>(TrunkOptions.Section, (o, section) => o.Validate(section));
        var scriptPath = ServerPaths.FindUpwards(options.IvrScript, builder.Environment.ContentRootPath);
        var recordings = new RecordingFolder(ServerPaths.InDataFolder(builder.Configuration, options.RecordingsFolder));

        // The public numbers, and the merged old hotline numbers the script has entries for (12315, 12319): a
        // carrier delivers those like 12345. Read from the script in service at start.
        services.AddSingleton(sp => new TrunkPolicy(trunkOptions, SipServerOptions.SplitList(sp.GetRequiredService<SipServerOptions>().PublicNumbers)
            .Concat(ScriptEntryNumbers(sp.GetRequiredService<IvrScriptProvider>()))));
        services.AddSingleton(recordings);
        services.AddSingleton(sp => IvrScriptProvider.LoadOrThrow(scriptPath, sp.GetRequiredService<ILogger<IvrScriptProvider>>()));
        services.AddSingleton<DialPlan>();
        services.AddSingleton(sp => new SeatPhones(sp.GetRequiredService<Telephony.Sip.Registrar.ILocationStore>(), sp.GetRequiredService<SipServerOptions>().Domain));
        services.AddSingleton(sp => new MediaEngine(options.ToMediaEngineOptions(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton<CallRecords>();
        services.AddSingleton(sp => new NodeDrain(sp.GetRequiredService<TimeProvider>()));
        // The host must wait for the drain (its default is 30 s): the drain time plus the time to end the rest.
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(Math.Max(o.ShutdownTimeout.TotalSeconds, options.DrainTimeoutSeconds + 15)));
        services.AddSingleton<IBrowserPhoneSignalling, Telephony.Server.Agents.BrowserPhoneSignalling>();
        services.AddSingleton<Telephony.Server.Supervisors.SupervisorBrowserSignalling>();
        services.AddSingleton(sp => new BrowserPhones(sp.GetRequiredService<IBrowserPhoneSignalling>(),
            supervisors: sp.GetRequiredService<Telephony.Server.Supervisors.SupervisorBrowserSignalling>()));
        services.AddSingleton<CallManager>();
        services.AddSingleton<IAcdCallControl>(sp => sp.GetRequiredService<CallManager>());
        services.AddSingleton<Telephony.Calls.Outbound.OutboundDesk>();
        // Commands and the live-call list reach every node through the seat store's Redis (one node without it).
        services.AddSingleton(sp => new CallCommandRouter(sp.GetRequiredService<CallManager>(), sp.GetRequiredService<ILogger<CallCommandRouter>>(),
            sp.GetService<StackExchange.Redis.IConnectionMultiplexer>(), sp.GetRequiredService<Telephony.Server.Agents.ContactCenterSettings>().KeyPrefix));
        services.AddHostedService<CallsHost>();
        return builder;
    }

    /// <summary>The numbers the script's <c>entries</c> name (digits only: <c>default</c> is no number).</summary>
    internal static IEnumerable<string> ScriptEntryNumbers(IvrScriptProvider scripts) =>
        scripts.Current?.Entries.Keys.Where(k => k.Length > 0 && k.All(char.IsAsciiDigit)) ?? [];

    /// <summary>
    /// Maps <c>POST /api/ivr/reload</c> (admin): reloads the IVR script; a broken one is refused with
    /// file:line:col and the old one stays. Also the supervisors' <c>/api/calls</c> (<see cref="SupervisionEndpoints"/>).
    /// </summary>
    public static IEndpointRouteBuilder MapTelephonyCalls(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/ivr/reload", (IvrScriptProvider scripts) =>
        {
            var result = scripts.Reload();
            return result.Succeeded
                ? Results.Ok(new { script = scripts.Path, nodes = result.Script!.Nodes.Count })
                : Results.Problem(
                    title: "IVR script refused; the previous script stays in service",
                    statusCode: StatusCodes.Status422UnprocessableEntity,
                    extensions: new Dictionary<string, object?> { ["errors"] = result.Errors.Select(e => e.ToString()).ToArray() });
        }).RequireAuthorization(Roles.Admin);
        app.MapSupervision();
        app.MapOutbound();
        return app;
    }

    /// <summary>
    /// Runs the call side with the server: the media clock, the IVR script watcher (when configured) and
    /// the call manager (on the SIP host's user agent, started before it); on stop, the node drains
    /// (<see cref="CallManager.DrainAsync"/>: no new calls, those in progress may finish for <c>Calls:DrainTimeoutSeconds</c>),
    /// then every call left ends and writes its record before the media engine goes. The drain runs in
    /// <see cref="StoppingAsync"/>, before any hosted service stops: the web server (which the host stops first)
    /// still serves readiness, metrics and the agents' hub, and the SIP host still sends the BYEs.
    /// </summary>
    private sealed class CallsHost(
        CallManagerOptions options, IvrScriptProvider scripts, MediaEngine media, CallManager calls,
        SipServerHost sip, AutomaticCallDistributor acd, CallCommandRouter router, IHostApplicationLifetime lifetime) : IHostedLifecycleService, IAsyncDisposable
    {
        private IDisposable? _watch;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            // The drain shows (readiness, 503s) from the first moment of the stop, before the host reaches us.
            lifetime.ApplicationStopping.Register(() => calls.Drain.Begin());
            media.Start();
            if (options.WatchIvrScript)
            {
                _watch = scripts.Watch();
            }
            calls.Start(sip.UserAgent, acd);
            return router.StartAsync();
        }

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async Task StoppingAsync(CancellationToken cancellationToken)
        {
            _watch?.Dispose();
            _watch = null;
            await calls.DrainAsync(TimeSpan.FromSeconds(options.DrainTimeoutSeconds), cancellationToken).ConfigureAwait(false);
        }

        public Task StopAsync(CancellationToken cancellationToken) => calls.StopAsync(cancellationToken); // done by the drain; once

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async ValueTask DisposeAsync()
        {
            _watch?.Dispose();
            await router.DisposeAsync().ConfigureAwait(false);
            await calls.DisposeAsync().ConfigureAwait(false);
            await media.DisposeAsync().ConfigureAwait(false);
        }
    }
}
