using Microsoft.Extensions.DependencyInjection.Extensions;
using Telephony.ContactCenter.Routing;
using Telephony.Ivr;
using Telephony.Server.Agents;
using Telephony.Server.Security;
using Telephony.Server.Sip;
using Telephony.Server.Trunks;

namespace Telephony.Server.Calls;

/// <summary>Wires the call manager (B2BUA), the media engine, the IVR script and the trunk policy into the server.</summary>
public static class CallsSetup
{
    /// <summary>
    /// Registers the call manager as the ACD's call control and as the SIP host's handler for public
    /// service numbers. Call after <c>AddTelephonyCases</c> (the call-record store), <c>AddTelephonyAgents</c>
    /// and <c>AddSipEndpoint</c>.
    /// </summary>
    public static WebApplicationBuilder AddTelephonyCalls(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var options = new CallManagerOptions();
        builder.Configuration.GetSection(CallManagerOptions.Section).Bind(options);
        var trunkOptions = new TrunkOptions();
        builder.Configuration.GetSection(TrunkOptions.Section).Bind(trunkOptions);
        var contentRoot = builder.Environment.ContentRootPath;

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);
        services.AddSingleton(new TrunkPolicy(trunkOptions));
        services.AddSingleton<IPublicNumberCalls, TrunkInviteGate>();
        services.AddSingleton(sp => IvrScriptProvider.LoadOrThrow(ResolveScript(options.IvrScript, contentRoot), sp.GetRequiredService<ILogger<IvrScriptProvider>>()));
        services.AddSingleton<MediaEngine>();
        services.AddSingleton<CallManager>();
        services.Replace(ServiceDescriptor.Singleton<IAcdCallControl>(sp => sp.GetRequiredService<CallManager>()));
        services.Replace(ServiceDescriptor.Singleton<IScreenPopAcknowledgements>(sp => sp.GetRequiredService<CallManager>()));
        services.Replace(ServiceDescriptor.Singleton<IRecordingControl>(sp => sp.GetRequiredService<CallManager>()));
        services.Replace(ServiceDescriptor.Singleton<IConferenceControl>(sp => sp.GetRequiredService<CallManager>()));
        services.AddHostedService<CallsStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<MediaEngine>());
        services.AddHostedService(sp => sp.GetRequiredService<CallManager>());
        return builder;
    }

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
        return app;
    }

    /// <summary>Finds the script: absolute, or relative to the working directory, the content root, or a parent of the app directory (a repository checkout).</summary>
    public static string ResolveScript(string configured, string contentRoot)
    {
        if (Path.IsPathRooted(configured))
        {
            return configured;
        }
        foreach (var start in new[] { Directory.GetCurrentDirectory(), contentRoot, AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, configured);
                if (File.Exists(candidate))
                {
                    return candidate;
                }
            }
        }
        return Path.GetFullPath(configured); // LoadOrThrow names the missing file
    }

    /// <summary>Starts the IVR script watcher (when configured) with the server.</summary>
    private sealed class CallsStartup(CallManagerOptions options, IvrScriptProvider scripts) : IHostedService, IDisposable
    {
        private IDisposable? _watch;

        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (options.WatchIvrScript)
            {
                _watch = scripts.Watch();
            }
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken)
        {
            _watch?.Dispose();
            _watch = null;
            return Task.CompletedTask;
        }

        public void Dispose() => _watch?.Dispose();
    }
}
