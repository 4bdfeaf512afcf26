using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenTelemetry.Metrics;
using Telephony.Server.Hosting;

namespace Telephony.Server.Operations;

/// <summary>
/// What an operator's tools read: <c>/healthz/live</c> (the process answers), <c>/healthz/ready</c> (SIP bound, Redis and
/// the database reachable, the IVR script loaded, not draining; 503 with each check's reason otherwise) and
/// <c>/metrics</c> (Prometheus text, every "Telephony.*" meter via OpenTelemetry). <c>/healthz</c> stays the liveness answer it always was.
/// </summary>
public static class OperationsSetup
{
    /// <summary>The longest one readiness probe (Redis PING, database query) may take before it counts as unreachable.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private const string Ready = "ready";

    /// <summary>Registers the health checks, the OpenTelemetry meter provider with the Prometheus exporter and the contact centre's gauges.</summary>
    public static WebApplicationBuilder AddTelephonyOperations(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var settings = builder.AddSettings<MetricsSettings>(MetricsSettings.Section, (o, section) => o.Validate(section));
        builder.Services.AddHealthChecks()
            .AddCheck<SipTransportCheck>("sip", tags: [Ready])
            .AddCheck<RedisCheck>("redis", tags: [Ready])
            .AddCheck<DatabaseCheck>("database", tags: [Ready])
            .AddCheck<ScriptCheck>("script", tags: [Ready])
            .AddCheck<DrainCheck>("drain", tags: [Ready]);
        if (settings.Enabled)
        {
            builder.Services.AddSingleton<ContactCentreMetrics>();
            builder.Services.AddHostedService<MetricsSampler>();
            builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
                .AddMeter("Telephony.*")
                .AddPrometheusExporter(o => o.ScrapeResponseCacheDurationMilliseconds = 0));
        }
        return builder;
    }

    /// <summary>Maps <c>/healthz</c>, <c>/healthz/live</c>, <c>/healthz/ready</c> and (when enabled) the scrape endpoint.</summary>
    public static WebApplication MapTelephonyOperations(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var live = new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteJsonAsync };
        app.MapHealthChecks("/healthz", live);
        app.MapHealthChecks("/healthz/live", live);
        app.MapHealthChecks("/healthz/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(Ready), ResponseWriter = WriteJsonAsync });
        var settings = app.Services.GetRequiredService<MetricsSettings>();
        if (settings.Enabled)
        {
            var scrape = app.MapPrometheusScrapingEndpoint(settings.Path);
            if (MetricsSettings.SplitHosts(settings.Hosts) is { Length: > 0 } hosts)
            {
                scrape.RequireHost(hosts); // e.g. "*:9464": only on the internal port the operator added to Urls
            }
        }
        return app;
    }

    /// <summary>The body: <c>{"status":"Unhealthy","checks":{"redis":{"status":"Unhealthy","description":"…"},…}}</c>.</summary>
    private static Task WriteJsonAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    /// <summary>Reads seats and queues for the gauges every <c>Metrics:SampleSeconds</c> (a failing store only leaves the last sample).</summary>
    private sealed class MetricsSampler(ContactCentreMetrics metrics, MetricsSettings settings, TimeProvider time, ILogger<ContactCentreMetrics> logger) : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.SampleSeconds), time);
            do
            {
                try
                {
                    await metrics.Sample(stoppingToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
                {
                    OperationsLog.SampleFailed(logger, e.Message);
                }
            }
            while (await WaitAsync(timer, stoppingToken).ConfigureAwait(false));
        }

        private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
        {
            try
            {
                return await timer.WaitForNextTickAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }
}
