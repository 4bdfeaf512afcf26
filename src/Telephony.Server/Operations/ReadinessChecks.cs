using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;
using Telephony.Calls;
using Telephony.Cases.Storage;
using Telephony.Ivr;
using Telephony.Server.Sip;

namespace Telephony.Server.Operations;

// The readiness checks behind /healthz/ready: each says in its description why the node cannot take calls.
// A dispatcher or load balancer takes the node out while any of them is unhealthy.

/// <summary>The SIP transport is bound and listening.</summary>
internal sealed class SipTransportCheck(SipServerHost sip) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(sip.IsListening
            ? HealthCheckResult.Healthy("listening on " + string.Join(", ", sip.LocalEndPoints))
            : HealthCheckResult.Unhealthy("SIP transport not bound"));
}

/// <summary>The node is not draining (a draining node refuses new calls with 503).</summary>
internal sealed class DrainCheck(NodeDrain drain) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(drain.IsDraining
            ? HealthCheckResult.Unhealthy(FormattableString.Invariant($"draining since {drain.BeganAt:O}: new calls are refused"))
            : HealthCheckResult.Healthy("taking calls"));
}

/// <summary>The IVR script is loaded (a reload that failed keeps the previous one in service: still ready).</summary>
internal sealed class ScriptCheck(IvrScriptProvider scripts) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(scripts.Current is { } script
            ? HealthCheckResult.Healthy($"{scripts.Path}: {script.Nodes.Count} nodes")
            : HealthCheckResult.Unhealthy($"{scripts.Path}: no script loaded"));
}

/// <summary>Redis (shared seats, queues, SignalR backplane) answers a PING; healthy without Redis (single node, in-process seats).</summary>
internal sealed class RedisCheck(IServiceProvider services) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<IConnectionMultiplexer>() is not { } redis)
        {
            return HealthCheckResult.Healthy("not configured (seats in process)");
        }
        try
        {
            var rtt = await redis.GetDatabase().PingAsync().WaitAsync(OperationsSetup.ProbeTimeout, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy(FormattableString.Invariant($"PING {rtt.TotalMilliseconds:F1} ms"));
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("Redis unreachable: " + e.Message);
        }
    }
}

/// <summary>The case database answers a query.</summary>
internal sealed class DatabaseCheck(ICallRecordStore store) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await store.GetCallRecordAsync("healthz-probe", cancellationToken).WaitAsync(OperationsSetup.ProbeTimeout, cancellationToken).ConfigureAwait(false);
            return HealthCheckResult.Healthy("reachable");
        }
        catch (Exception e) when (e is System.Data.Common.DbException or TimeoutException or InvalidOperationException)
        {
            return HealthCheckResult.Unhealthy("database unreachable: " + e.Message);
        }
    }
}
