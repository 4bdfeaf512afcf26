using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telephony.Sip.Messages;
using Telephony.Sip.Stack;
using Telephony.Sip.Timers;
using Telephony.Sip.Transactions;
using Telephony.Sip.Transport;

namespace Telephony.Sip.UserAgent;

/// <summary>
/// The UA core used by the server and the softphone (RFC 3261 §8, §12–§15, RFC 3515, RFC 3891) on top
/// of a <see cref="SipEndpoint"/>: sends requests and awaits their final response (answering digest
/// challenges), places and receives calls (<see cref="SipCall"/>, one mailbox each), answers OPTIONS,
/// and routes in-dialog requests, ACKs, CANCELs and stray 2xx to their call. Out-of-dialog requests
/// can be taken over by <see cref="RequestFilter"/> (the server's registrar and access gate do so).
/// </summary>
// This file: state, Contact, responding, shutdown. SipUserAgent.Send.cs: requests we send out of a dialog;
// SipUserAgent.Receive.cs: what the endpoint hands us as transaction user.
public sealed partial class SipUserAgent : ISipTransactionUser, IAsyncDisposable
{
    /// <summary>Methods we answer (Allow header).</summary>
    public const string AllowedMethods = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY, UPDATE";

    private readonly ConcurrentDictionary<string, SipCall> _calls = new(StringComparer.Ordinal);
    // INVITEs waiting for the application to take them; when full, a stateless 503 with Retry-After (the overload
    // gate). 256 rides out the process's short stalls (GC, thread-pool hops: up to ~250 ms at 1,000 calls/s) that
    // with 64 turned 4.6 % of a steady 1,000/s into 503s although the cores had room (docs/benchmarks.md).
    private const int AcceptQueueLength = 256;
    private readonly Channel<SipCall> _incoming = Channel.CreateBounded<SipCall>(new BoundedChannelOptions(AcceptQueueLength) { FullMode = BoundedChannelFullMode.Wait });
    private readonly bool _ownsEndpoint;
    private int _liveIncoming; // incoming calls not yet ended: what MaxCalls bounds
    private long _overloadRefusals;
    private readonly string _registerCallId = SipIds.NewCallId();
    private long _registerCSeq;

    /// <summary>
    /// Attaches a UA to an endpoint (it becomes the endpoint's transaction user). The UA's timers
    /// (2xx retransmission, linger, registration refresh) run on the endpoint's shared
    /// <see cref="SipEndpoint.Timers"/>, so they follow the endpoint's <see cref="TimeProvider"/>.
    /// </summary>
    public SipUserAgent(SipEndpoint endpoint, SipUserAgentOptions options, ILogger? logger = null)
        : this(endpoint, options, logger, ownsEndpoint: false)
    {
    }

    private SipUserAgent(SipEndpoint endpoint, SipUserAgentOptions options, ILogger? logger, bool ownsEndpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        Endpoint = endpoint;
        Options = options;
        Logger = logger ?? NullLogger.Instance;
        LocalAddress = NameAddress.Parse(options.DisplayName is null ? $"<{options.LocalUri}>" : $"{SipSyntax.Quote(options.DisplayName)} <{options.LocalUri}>");
        _ownsEndpoint = ownsEndpoint;
        endpoint.SetTransactionUser(this);
    }

    /// <summary>Creates an endpoint listening on <paramref name="listen"/> (e.g. <c>udp:127.0.0.1:0,tcp:127.0.0.1:0</c>) with a UA on it, and starts it.</summary>
    /// <param name="tls">TLS for a <c>tls:</c> listener (its certificate) and for peers reached over TLS (trusted roots).</param>
    public static async Task<SipUserAgent> StartAsync(string listen, SipUserAgentOptions options, ILogger? logger = null, TimeProvider? time = null, CancellationToken cancellationToken = default,
        SipTlsOptions? tls = null)
    {
        var endpointOptions = new SipEndpointOptions { WarnAgent = "telephony" };
        if (tls is not null)
        {
            endpointOptions.Transport.Tls = tls;
        }
        foreach (var l in SipListenEndpoint.ParseList(listen))
        {
            endpointOptions.Listen.Add(l);
        }
        var endpoint = new SipEndpoint(endpointOptions, NoUser.Instance, logger, time);
        var ua = new SipUserAgent(endpoint, options, logger, ownsEndpoint: true);
        await endpoint.StartAsync(cancellationToken).ConfigureAwait(false);
        return ua;
    }

    /// <summary>The endpoint underneath.</summary>
    public SipEndpoint Endpoint { get; }

    /// <summary>Options in force.</summary>
    public SipUserAgentOptions Options { get; }

    /// <summary>Our From address (AOR plus display name).</summary>
    public NameAddress LocalAddress { get; }

    internal ILogger Logger { get; }

    /// <summary>The endpoint's shared timer queue (the UA starts no timers of its own).</summary>
    internal SipTimerQueue Timers => Endpoint.Timers;

    /// <summary>Incoming calls (INVITEs that passed the filter), to be answered with <see cref="SipCall.AcceptAsync"/> or rejected.</summary>
    public ChannelReader<SipCall> IncomingCalls => _incoming.Reader;

    /// <summary>Calls the UA still tracks: live ones and ended ones kept reachable for retransmissions (64·T1).</summary>
    public int CallCount => _calls.Count;

    /// <summary>Incoming calls not yet ended: what <see cref="SipUserAgentOptions.MaxCalls"/> bounds.</summary>
    public int LiveIncomingCalls => Volatile.Read(ref _liveIncoming);

    /// <summary>INVITEs refused with 503 for overload since start (no <see cref="SipCall"/> exists for them: the count is all the application sees).</summary>
    public long OverloadRefusals => Interlocked.Read(ref _overloadRefusals);

    /// <summary>
    /// Told of each INVITE refused for overload, after its 503 left (no <see cref="SipCall"/> exists for it), so the
    /// application can count what it could not take. Runs on the receive thread for every refusal of a flood:
    /// it must be cheap, allocate little and never throw.
    /// </summary>
    public Action<SipServerTransaction>? OverloadRefused { get; set; }

    /// <summary>T1 for the UA's timers: the option, else the endpoint's (<c>Sip:T1</c>).</summary>
    internal TimeSpan T1 => Options.T1 ?? Endpoint.TimerSettings.T1;

    /// <summary>T2 for the UA's timers: the option, else the endpoint's.</summary>
    internal TimeSpan T2 => Options.T2 ?? Endpoint.TimerSettings.T2;

    /// <summary>
    /// The application's own capacity for one more incoming call (free media ports, say), asked for each new
    /// INVITE after the <see cref="SipUserAgentOptions.MaxCalls"/> check and before any per-call work; false
    /// refuses it like overload: a stateless 503 with Retry-After. Runs on a receive thread: keep it cheap.
    /// </summary>
    public Func<bool>? HasCapacity { get; set; }

    /// <summary>
    /// Sees every out-of-dialog request (no To tag) first; returns true when it answered the request itself.
    /// Runs on a receive thread: answer quickly or hand the transaction on.
    /// </summary>
    public Func<SipServerTransaction, bool>? RequestFilter { get; set; }

    /// <summary>
    /// Decides on an in-dialog REFER before it is accepted (RFC 3515 §2.4.2 leaves that to the recipient's policy):
    /// given the call and the Refer-To target (without URI headers), it returns null to accept (202, then
    /// <see cref="TransferRequested"/>) or a reason to refuse with 403 and that reason in a Warning header (RFC 3261
    /// §20.43), so a phone whose transfer is not allowed learns it at once and no NOTIFY is promised. Runs in the
    /// call's mailbox: answer from memory, quickly.
    /// </summary>
    public Func<SipCall, string, string?>? TransferFilter { get; set; }

    /// <summary>
    /// Our Contact for requests/responses exchanged with <paramref name="remote"/> over <paramref name="protocol"/>:
    /// the listener's port and the host the endpoint puts in its Via (or <see cref="SipUserAgentOptions.ContactHost"/>).
    /// Falls back to another transport's listener when there is none for <paramref name="protocol"/>.
    /// </summary>
    /// <param name="secure">The request was for a sips: URI: the Contact must be sips: too (RFC 3261 §8.1.1.8, §12.1.1).</param>
    public NameAddress ContactFor(SipTransportProtocol protocol, IPAddress? remote = null, bool secure = false)
    {
        if (!Endpoint.LocalEndPoints.Any(e => e.Protocol == protocol))
        {
            protocol = Endpoint.LocalEndPoints[0].Protocol;
        }
        var (host, port) = Endpoint.GetLocalAddress(new SipDestination(protocol, new IPEndPoint(remote ?? IPAddress.Loopback, 5060)));
        var user = (SipUri.TryParse(Options.LocalUri, out var aor, out _) ? aor!.User : null) ?? "ua";
        // A sips: dialog gets a sips: Contact (RFC 3261 §8.1.1.8). Otherwise the transport parameter names TLS
        // (deprecated by RFC 5630 §3.1.3 but what phones understand: libre in baresip 1.0 fails a plain sip: call
        // whose 200 carries a sips: Contact), so in-dialog requests come back over TLS either way.
        secure &= protocol == SipTransportProtocol.Tls;
        var uri = new SipUri(Options.ContactHost ?? host, user, port, secure);
        if (protocol != SipTransportProtocol.Udp && !secure)
        {
            uri = uri.WithParameter("transport", protocol.ToViaToken().ToLowerInvariant());
        }
        return new NameAddress(uri);
    }

    /// <summary>
    /// <see cref="ContactFor"/> for a request sent to the URI <paramref name="nextHop"/>: on the transport its
    /// transport parameter names, else on <paramref name="fallback"/>.
    /// </summary>
    internal NameAddress ContactForNextHop(string nextHop, SipTransportProtocol fallback)
    {
        if (!SipUri.TryParse(nextHop, out var uri, out _))
        {
            return ContactFor(fallback);
        }
        if (uri!.IsSecure)
        {
            return ContactFor(SipTransportProtocol.Tls, secure: true);
        }
        return ContactFor(uri.Transport is { } t && SipTransportProtocolExtensions.TryParseViaToken(t, out var p) ? p : fallback);
    }

    // ------------------------------------------------------------ helpers

    /// <summary>Sends a response built from the request with a status and reason.</summary>
    public void Respond(SipServerTransaction transaction, int statusCode, string? reason = null) =>
        Respond(transaction, SipResponseBuilder.CreateResponse(transaction.Request, statusCode, reason));

    /// <summary>Sends a response, logging (never throwing) when it cannot be sent.</summary>
    public void Respond(SipServerTransaction transaction, SipResponseBuilder response) =>
        Send(transaction, response, static (tx, r) => tx.TrySendResponse(r));

    /// <summary>
    /// Sends a final non-2xx response statelessly (§8.2.6; see <see cref="SipServerTransaction.TryRespondStatelessly"/>):
    /// for refusals and challenges that may go to a forged source. Logs (never throws) when it cannot be sent.
    /// </summary>
    public void RespondStatelessly(SipServerTransaction transaction, SipResponseBuilder response) =>
        Send(transaction, response, static (tx, r) => tx.TryRespondStatelessly(r));

    private void Send(SipServerTransaction transaction, SipResponseBuilder response, Func<SipServerTransaction, SipResponse, bool> send)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(response);
        try
        {
            if (!send(transaction, response.Build()))
            {
                Logger.ResponseNotSent(response.StatusCode, transaction.Request.Method);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            Logger.ResponseNotBuilt(response.StatusCode, transaction.Request.Method, e.Message);
        }
    }

    /// <summary>Sets the Server (responses) or User-Agent (requests) header to the product name, unless that is configured empty.</summary>
    internal void StampProduct(SipMessageBuilder builder, string header)
    {
        if (!string.IsNullOrEmpty(Options.Product))
        {
            builder.SetHeader(header, Options.Product);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        var calls = _calls.Values.ToList();
        foreach (var call in calls)
        {
            call.Post(call.AbortAsync);
        }
        _incoming.Writer.TryComplete();
        // Give the calls a moment to send their BYEs before the sockets close.
        using (var giveUp = new CancellationTokenSource())
        {
            Task grace;
            try
            {
                grace = Timers.DelayAsync(TimeSpan.FromSeconds(2), giveUp.Token);
            }
            catch (ObjectDisposedException)
            {
                grace = Task.CompletedTask; // the endpoint is already gone: nothing left to wait for
            }
            await Task.WhenAny(Task.WhenAll(calls.Select(c => c.Completion)), grace).ConfigureAwait(false);
            await giveUp.CancelAsync().ConfigureAwait(false); // removes the grace entry from the queue
        }
        foreach (var call in _calls.Values)
        {
            call.Close(); // their linger timers die with the UA
        }
        if (_ownsEndpoint)
        {
            await Endpoint.DisposeAsync().ConfigureAwait(false);
        }
    }

    private sealed class NoUser : ISipTransactionUser
    {
        public static readonly NoUser Instance = new();

        public void OnRequest(SipServerTransaction transaction)
        {
        }
    }
}
