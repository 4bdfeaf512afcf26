using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Telephony.Calls.Trunks;
using Telephony.Sip.Auth;
using Telephony.Sip.Registrar;
using Telephony.Sip.Stack;
using Telephony.Sip.Transport;
using Telephony.Sip.UserAgent;

namespace Telephony.Server.Sip;

/// <summary>
/// Owns the server's SIP endpoint as a hosted service: binds <c>Sip:Udp</c>/<c>Sip:Tcp</c>, puts the
/// UA core on it with the <see cref="SipRequestRouter"/> in front, and purges expired registrations.
/// </summary>
public sealed class SipServerHost(
    SipServerOptions options, SeatDirectory seats, ILocationStore locations, ILoggerFactory loggers, TimeProvider time,
    TrunkPolicy? trunks = null, Telephony.Calls.NodeDrain? drain = null) : IHostedService, IAsyncDisposable
{
    private readonly ILogger _logger = loggers.CreateLogger<SipServerHost>();
    private readonly CancellationTokenSource _stopping = new();
    private SipEndpoint? _endpoint;
    private Task? _purge;
    private int _shutdown;

    /// <summary>The UA core (for the call manager). Valid after start.</summary>
    public SipUserAgent UserAgent { get; private set; } = null!;

    /// <summary>True once the endpoint is bound and listening (the readiness check asks).</summary>
    public bool IsListening => _endpoint is not null && UserAgent is not null && Volatile.Read(ref _shutdown) == 0 && _endpoint.LocalEndPoints.Count > 0;

    /// <summary>The bound listeners (real ports when 0 was configured).</summary>
    public IReadOnlyList<SipListenEndpoint> LocalEndPoints => _endpoint?.LocalEndPoints ?? [];

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var endpointOptions = new SipEndpointOptions { WarnAgent = options.Domain };
        options.ApplyStackSettings(endpointOptions);
        options.ApplyTlsSettings(endpointOptions);
        // A carrier's trunk may multiplex many connections from one address: the per-address limit is for everybody else.
        endpointOptions.Transport.ExemptFromPerAddressLimit = trunks is null ? null : trunks.IsAllowedSource;
        foreach (var (protocol, list) in new[] { ("udp", options.Udp), ("tcp", options.Tcp), ("tls", options.Tls) })
        {
            foreach (var entry in SipServerOptions.SplitList(list))
            {
                foreach (var listen in SipListenEndpoint.ParseList($"{protocol}:{entry}"))
                {
                    endpointOptions.Listen.Add(listen);
                }
            }
        }
        if (endpointOptions.Listen.Count == 0)
        {
            throw new Hosting.ConfigurationException("Sip:Udp, Sip:Tcp and Sip:Tls are all empty: nothing to listen on");
        }
        var uaLogger = loggers.CreateLogger<SipUserAgent>();
        _endpoint = new SipEndpoint(endpointOptions, new PendingUser(), loggers.CreateLogger<SipEndpoint>(), time);
        var uaOptions = new SipUserAgentOptions
        {
            LocalUri = $"sip:telephony@{options.Domain}",
            AcceptTransfers = false, // the B2BUA does not carry out transfers yet: REFER is declined, not accepted and dropped
        };
        options.ApplyUserAgentSettings(uaOptions); // T1/T2 are not set: the UA takes the endpoint's, i.e. Sip:T1/Sip:T2
        UserAgent = new SipUserAgent(_endpoint, uaOptions, uaLogger);

        var authenticator = new DigestAuthenticator(options.Domain, seats, TimeSpan.FromMinutes(5), time, options.ParseDigestAlgorithms());
        var limiter = new AuthFailureLimiter(options.AuthMaxFailures, TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(options.AuthBanSeconds), time: time);
        var gate = new SipAccessGate(authenticator, limiter, trunks, loggers.CreateLogger<SipAccessGate>(), _endpoint.MayLogRejection);
        // Banned: no answer, no transaction. The carrier's addresses are never banned (a forged failure costs nothing).
        _endpoint.RequestAdmission = (_, flow) => gate.IsTrunk(flow.Remote.Address) || !limiter.IsBanned(flow.Remote.Address);
        var registrar = new SipRegistrar(new RegistrarCore(locations, new RegistrarOptions { MinExpires = options.MinExpires, MaxExpires = options.MaxExpires }, time), time);
        var router = new SipRequestRouter(UserAgent, gate, registrar, locations, seats, options, loggers.CreateLogger<SipRequestRouter>(), drain);
        UserAgent.RequestFilter = router.Handle;

        try
        {
            await _endpoint.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (System.Net.Sockets.SocketException e) when (e.SocketErrorCode == System.Net.Sockets.SocketError.AddressAlreadyInUse)
        {
            throw new Hosting.ConfigurationException(
                $"Sip:Udp/Sip:Tcp: cannot listen on {string.Join(", ", endpointOptions.Listen)}: address already in use (another SIP server, or this one running twice?)", e);
        }
        SipHostLog.Listening(_logger, string.Join(", ", _endpoint.LocalEndPoints), options.Domain, seats.Extensions.Count);
        _purge = PurgeLoopAsync(_stopping.Token);
    }

    private async Task PurgeLoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(30), time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                int removed = await locations.PurgeExpiredAsync(cancellationToken).ConfigureAwait(false);
                if (removed > 0)
                {
                    SipHostLog.Purged(_logger, removed);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => ShutdownAsync();

    /// <inheritdoc />
    public async ValueTask DisposeAsync() => await ShutdownAsync().ConfigureAwait(false);

    /// <summary>Stops everything once, whichever of StopAsync/DisposeAsync comes first (the host and the container both call in).</summary>
    private async Task ShutdownAsync()
    {
        if (Interlocked.Exchange(ref _shutdown, 1) != 0)
        {
            return;
        }
        await _stopping.CancelAsync().ConfigureAwait(false);
        if (_purge is not null)
        {
            await _purge.ConfigureAwait(false);
        }
        if (UserAgent is not null)
        {
            await UserAgent.DisposeAsync().ConfigureAwait(false);
        }
        if (_endpoint is not null)
        {
            await _endpoint.DisposeAsync().ConfigureAwait(false);
        }
        _stopping.Dispose();
    }

    /// <summary>Stands in until the UA attaches itself (the endpoint needs a user at construction).</summary>
    private sealed class PendingUser : ISipTransactionUser
    {
        public void OnRequest(Telephony.Sip.Transactions.SipServerTransaction transaction)
        {
        }
    }
}
