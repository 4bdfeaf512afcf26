using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telephony.Sip.Messages;
using Telephony.Sip.Timers;
using Telephony.Sip.Transactions;
using Telephony.Sip.Transport;

namespace Telephony.Sip.Stack;

/// <summary>
/// The SIP endpoint: transports (§18), the transaction layer (§17 + RFC 6026) and the one timer
/// queue, wired to a transaction user. Parses what arrives (malformed requests get a 400 with
/// the reason when one can be formed, otherwise they are dropped — always with a log line),
/// stamps Via received/rport (§18.2.1, RFC 3581) and hands requests and responses to the
/// transaction layer. The TU sends requests with <see cref="SendRequestAsync"/> and answers through
/// the <see cref="SipServerTransaction"/> it was given.
/// </summary>
public sealed class SipEndpoint : IAsyncDisposable, ISipTransportSink
{
    private readonly SipEndpointOptions _options;
    private readonly ILogger _logger;
    private readonly SipTimerQueue _timers;
    private readonly SipTransportManager _transports;
    private readonly SipTransactionLayer _layer;
    private readonly ConcurrentDictionary<IPAddress, IPAddress> _routeCache = new();
    private readonly SipEndpointMetrics _metrics;
    private readonly SipLogRateLimiter _badInputWarnings;
    private ISipTransactionUser _user;
    private int _state; // 0 new, 1 started, 2 stopped
    private long _dropped;

    public SipEndpoint(SipEndpointOptions options, ISipTransactionUser user, ILogger? logger = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(user);
        _options = options;
        _user = user;
        _logger = logger ?? NullLogger.Instance;
        _timers = new SipTimerQueue(timeProvider, ex => _logger.TimerCallbackFailed(ex));
        _transports = new SipTransportManager(this, options.Parser, options.Transport, _timers, _logger);
        _layer = new SipTransactionLayer(_transports, _timers, options.Timers, _logger, () => _user, MayLogRejection);
        _metrics = new SipEndpointMetrics(this);
        _badInputWarnings = new SipLogRateLimiter(options.WarningsPerSource, options.WarningInterval, timeProvider);
        _layer.TransactionFailed += (side, error) => _metrics.TransactionFailed(side, error);
    }

    /// <summary>The bound endpoints (with the real port when 0 was configured). Valid after <see cref="StartAsync"/>.</summary>
    public IReadOnlyList<SipListenEndpoint> LocalEndPoints => _transports.BoundEndPoints;

    /// <summary>Live client transactions (the table shrinks back to 0 when their timers run out).</summary>
    public int ClientTransactionCount => _layer.ClientCount;

    /// <summary>Live server transactions.</summary>
    public int ServerTransactionCount => _layer.ServerCount;

    /// <summary>Open TCP connections.</summary>
    public int ConnectionCount => _transports.Tcp.ConnectionCount + _transports.Tls.ConnectionCount;

    /// <summary>True when a TCP or TLS connection to (or from) <paramref name="destination"/> is open now; false for UDP.</summary>
    public bool HasOpenConnection(SipDestination destination) =>
        destination.Protocol is SipTransportProtocol.Tcp or SipTransportProtocol.Tls
        && _transports.StreamTransport(destination.Protocol).Find(destination.EndPoint) is not null;

    /// <summary>Messages dropped because they could not be parsed or validated.</summary>
    public long DroppedMessages => Interlocked.Read(ref _dropped);

    /// <summary>Live timers in the shared queue.</summary>
    public int TimerCount => _timers.Count;

    /// <summary>
    /// The endpoint's one timer service: transactions, transports and the UA (2xx retransmission,
    /// call linger, registration refresh) all schedule here instead of starting timers of their own.
    /// </summary>
    public SipTimerQueue Timers => _timers;

    /// <summary>The RFC 3261 timer values in force (<c>Sip:T1</c> …); the UA's call timers follow them too.</summary>
    public SipTimerSettings TimerSettings => _options.Timers;

    /// <summary>
    /// True when a line about a rejected message from <paramref name="source"/> may be logged now: every
    /// rejection path (parser, validation, UAS checks, access gate, overload) shares one per-source budget
    /// (<see cref="SipEndpointOptions.WarningsPerSource"/> per <see cref="SipEndpointOptions.WarningInterval"/>), so a flood of
    /// bad messages writes a few lines and a "suppressed N" summary instead of one line each.
    /// </summary>
    public bool MayLogRejection(IPAddress? source) => ((ISipTransportSink)this).MayWarnAbout(source);

    /// <summary>
    /// Sees every message received (once parsed) and sent (retransmissions too), for calls' traces; null (the
    /// default) costs one null check per message.
    /// </summary>
    public ISipMessageTap? MessageTap
    {
        get => _transports.Tap;
        set => _transports.Tap = value;
    }

    /// <summary>Replaces the transaction user (e.g. when the UA is created after the endpoint).</summary>
    public void SetTransactionUser(ISipTransactionUser user) => _user = user ?? throw new ArgumentNullException(nameof(user));

    /// <summary>Binds every configured listener.</summary>
    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0) throw new InvalidOperationException("The endpoint was already started.");
        if (_options.Listen.Count == 0) throw new InvalidOperationException("No listen endpoints configured.");
        foreach (var listen in _options.Listen)
        {
            cancellationToken.ThrowIfCancellationRequested();
            _transports.Listen(listen);
        }
        return Task.CompletedTask;
    }

    /// <summary>Closes every socket and stops the timers. Client transactions still waiting end with a local 503.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2) return;
        await _transports.DisposeAsync().ConfigureAwait(false);
        _layer.FailAllClientTransactions();
        _timers.Dispose();
        _metrics.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync().ConfigureAwait(false);

    // ---------------- sending ----------------

    /// <summary>
    /// Sends <paramref name="request"/> through a new client transaction and returns it (use it to
    /// CANCEL an INVITE). A top Via with sent-by and a new branch is added unless the request
    /// already has one with a branch. <paramref name="onProvisional"/> runs for each 1xx (must not block).
    /// </summary>
    public async Task<SipClientTransaction> StartRequestAsync(SipRequest request, SipDestination destination,
        Action<SipResponse>? onProvisional = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var flow = await _transports.GetFlowAsync(destination, cancellationToken).ConfigureAwait(false);
        var prepared = PrepareOutgoing(request, flow);
        using (BeginCallScope(prepared.CallId))
        {
            return _layer.StartClientTransaction(prepared, flow, onProvisional);
        }
    }

    /// <summary>
    /// Sends a request through a client transaction and returns its final response: the real one,
    /// or a local 408 (Timer B/F) or 503 (transport failure) per §8.1.3.1 — see
    /// <see cref="SipClientTransaction.Error"/>. For INVITE, later 2xx (retransmissions, forks) arrive at
    /// <see cref="ISipTransactionUser.OnStrayResponse"/>; the TU ACKs 2xx with <see cref="SendStatelessAsync"/>.
    /// Cancelling the token stops the wait, not the transaction.
    /// </summary>
    public async Task<SipResponse> SendRequestAsync(SipRequest request, SipDestination destination,
        Action<SipResponse>? onProvisional = null, CancellationToken cancellationToken = default)
    {
        var tx = await StartRequestAsync(request, destination, onProvisional, cancellationToken).ConfigureAwait(false);
        return await tx.FinalResponse.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Cancels an INVITE client transaction (§9.1): waits for a provisional response first (a CANCEL
    /// must not be sent before one), then sends CANCEL on the INVITE's flow and returns its final
    /// response. Returns null when the INVITE got a final response first (nothing to cancel).
    /// </summary>
    public async Task<SipResponse?> CancelAsync(SipClientTransaction invite, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invite);
        if (!invite.IsInvite) throw new ArgumentException("Only INVITE transactions can be cancelled.", nameof(invite));
        await Task.WhenAny(invite.ProvisionalReceived, invite.FinalResponse).WaitAsync(cancellationToken).ConfigureAwait(false);
        if (invite.FinalResponse.IsCompleted) return null;
        var cancel = SipTxnMessages.Cancel(invite.Request);
        using (BeginCallScope(cancel.CallId))
        {
            var tx = _layer.StartClientTransaction(cancel, invite.Flow, null);
            return await tx.FinalResponse.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sends a request outside any transaction (the ACK for a 2xx, §13.2.2.4). Adds our Via like <see cref="StartRequestAsync"/>.</summary>
    public async ValueTask SendStatelessAsync(SipRequest request, SipDestination destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var flow = await _transports.GetFlowAsync(destination, cancellationToken).ConfigureAwait(false);
        var prepared = PrepareOutgoing(request, flow);
        await _transports.SendAsync(flow, prepared.RawBytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a response outside any transaction (e.g. a 2xx retransmission by the dialog), routed per §18.2.2 from the request's flow.</summary>
    public async ValueTask SendStatelessResponseAsync(SipResponse response, SipFlow requestFlow, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(response);
        var flow = requestFlow;
        if (!requestFlow.Protocol.IsReliable())
        {
            flow = ResponseFlowFor(response.TopVia, requestFlow);
        }
        else if (requestFlow.Connection is not { IsOpen: true })
        {
            // §18.2.2: the connection is gone; open one to the source address and the sent-by port.
            var target = new IPEndPoint(requestFlow.Remote.Address, response.TopVia?.Port ?? 5060);
            flow = await _transports.GetFlowAsync(new SipDestination(requestFlow.Protocol, target), cancellationToken).ConfigureAwait(false);
        }
        await _transports.SendAsync(flow, response.RawBytes, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>§18.1.1: our top Via (sent-by, transport, new branch, rport) unless the TU put one with a branch there already.</summary>
    private SipRequest PrepareOutgoing(SipRequest request, SipFlow flow)
    {
        var top = request.TopVia;
        if (top?.Branch is not null) return request;
        var parameters = SipParameters.Empty.With("branch", SipIds.NewBranch());
        if (_options.RequestRPort) parameters = parameters.With("rport", null);
        var local = _transports.LocalFor(flow.Protocol, flow.Remote) ?? flow.Local;
        var via = new ViaHeader(flow.Protocol.ToViaToken(), ViaHostFor(local, flow.Remote.Address), local.Port, parameters);
        var fast = top is null
            ? SipViaRewriter.InsertTopVia(request, via, _options.Parser)
            : SipViaRewriter.ReplaceTopVia(request, via, _options.Parser);
        if (fast is not null) return fast;
        var builder = SipRequestBuilder.From(request);
        if (top is not null) ReplaceVias(builder, request.Via, via, skipTop: true);
        else builder.PrependVia(via);
        return builder.Build();
    }

    /// <summary>
    /// The host and port this endpoint uses in its Via sent-by toward <paramref name="destination"/>
    /// — also what a Contact should carry (the listening port, and <see cref="SipEndpointOptions.ViaHost"/>
    /// or the local address that routes to the peer).
    /// </summary>
    public (string Host, int Port) GetLocalAddress(SipDestination destination)
    {
        var local = _transports.LocalFor(destination.Protocol, destination.EndPoint)
            ?? throw new InvalidOperationException($"No {destination.Protocol} listener.");
        return (ViaHostFor(local, destination.EndPoint.Address), local.Port);
    }

    private string ViaHostFor(IPEndPoint local, IPAddress remote)
    {
        if (_options.ViaHost is { } configured) return configured;
        var address = local.Address;
        if (address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any))
        {
            address = _routeCache.GetOrAdd(remote, static r =>
            {
                try
                {
                    using var probe = new Socket(r.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
                    probe.Connect(r, 9);
                    return ((IPEndPoint)probe.LocalEndPoint!).Address;
                }
                catch (SocketException)
                {
                    return r.AddressFamily == AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;
                }
            });
        }
        return address.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{address}]" : address.ToString();
    }

    private static void ReplaceVias(SipRequestBuilder builder, IReadOnlyList<ViaHeader> vias, ViaHeader newTop, bool skipTop)
    {
        builder.RemoveHeader(SipHeaderNames.Via);
        for (int i = vias.Count - 1; i >= 1; i--) builder.PrependVia(vias[i]);
        if (!skipTop) builder.PrependVia(vias[0]);
        builder.PrependVia(newTop);
    }

    // ---------------- receiving ----------------

    void ISipTransportSink.OnMessage(in SipFlow flow, ReadOnlySpan<byte> message)
    {
        // The parsed message references its bytes, so it gets its own copy (the receive buffer is reused).
        var data = message.ToArray();
        if (!SipParser.TryParse(data, flow.Protocol.IsReliable(), out var parsed, out var error, _options.Parser))
        {
            Interlocked.Increment(ref _dropped);
            _metrics.Dropped(flow.Protocol.ToViaToken(), "parse");
            if (error.Kind == SipParseErrorKind.Incomplete && message.IndexOfAnyExcept("\r\n"u8) < 0) return; // stray CRLFs (keep-alive on UDP)
            bool warn = ShouldWarnAbout(flow);
            if (warn) _logger.MalformedMessage(flow, message.Length, error.Reason);
            if (error.TryCreateResponse(_options.WarnAgent, out var builder))
            {
                SendErrorResponse(builder!, flow, warn);
            }
            return;
        }
        _metrics.Received(flow.Protocol.ToViaToken(), parsed.IsRequest);
        _transports.Tap?.OnSipMessage(SipTraceDirection.In, flow, message);
        using var scope = BeginCallScope(parsed.CallId);
        try
        {
            if (parsed is SipRequest request) OnRequest(request, flow);
            else OnResponse((SipResponse)parsed, flow);
        }
        catch (Exception ex)
        {
            _logger.MessageHandlingFailed(ex, flow);
        }
    }

    /// <summary>
    /// Optional admission check run on every parsed request before any validation, response or
    /// transaction: false drops the request silently (e.g. a banned scanner gets no answer and
    /// costs no transaction state). Counted as <c>sip.messages.dropped</c> with reason "refused".
    /// It runs on the receive path, so it must be cheap and must not throw.
    /// </summary>
    public Func<SipRequest, SipFlow, bool>? RequestAdmission { get; set; }

    private void OnRequest(SipRequest request, SipFlow flow)
    {
        if (RequestAdmission is { } admit && !admit(request, flow))
        {
            _metrics.Dropped(flow.Protocol.ToViaToken(), "refused");
            return;
        }
        if (request.ValidateHeaders() is { } problem)
        {
            Interlocked.Increment(ref _dropped);
            _metrics.Dropped(flow.Protocol.ToViaToken(), "invalid");
            bool warn = ShouldWarnAbout(flow);
            if (warn) _logger.InvalidRequest(request.Method, flow, problem);
            if (request.Method == SipMethods.Ack) return; // never answer an ACK (§17)
            if (!CanFormResponse(request))
            {
                if (warn) _logger.NoErrorResponsePossible();
                return;
            }
            SipResponseBuilder? builder = null;
            try { builder = SipResponseBuilder.CreateErrorResponse(request, 400, problem, _options.WarnAgent); }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
            {
                if (warn) _logger.ErrorResponseNotFormed(ex.Message);
            }
            if (builder is not null) SendErrorResponse(builder, flow, warn);
            return;
        }
        _layer.OnRequest(StampVia(request, flow), flow);
    }

    /// <summary>Rate limit for warnings about bad input (a flood of garbage must not flood the log); drops are counted regardless.</summary>
    private bool ShouldWarnAbout(in SipFlow flow) => ((ISipTransportSink)this).MayWarnAbout(flow.Remote?.Address);

    /// <inheritdoc />
    bool ISipTransportSink.MayWarnAbout(IPAddress? source)
    {
        if (!_badInputWarnings.TryAcquire(source, out long suppressed)) return false;
        if (suppressed > 0)
        {
            _logger.BadInputWarningsSuppressed(suppressed, source);
        }
        return true;
    }

    /// <summary>
    /// §8.2.6.2: a response copies Via, From, To, Call-ID and CSeq — those present. The Via routes it back (§18.2.2) and
    /// the branch with the CSeq method lets the client match it (§17.1.3); without either nobody could use the answer.
    /// A request missing only From, To or Call-ID still gets its 400 (RFC 4475 §3.3.1 <c>insuf</c>).
    /// </summary>
    private static bool CanFormResponse(SipRequest request) =>
        request.HasHeader(SipHeaderNames.Via) && request.HasHeader(SipHeaderNames.CSeq);

    private void OnResponse(SipResponse response, SipFlow flow)
    {
        if (response.ValidateHeaders() is { } problem)
        {
            Interlocked.Increment(ref _dropped);
            _metrics.Dropped(flow.Protocol.ToViaToken(), "invalid");
            if (ShouldWarnAbout(flow)) _logger.InvalidResponse(response.StatusCode, flow, problem);
            return;
        }
        if (!IsOurSentByPort(response.TopVia!, flow))
        {
            // §18.1.2: a response whose top Via we did not write is discarded.
            Interlocked.Increment(ref _dropped);
            _metrics.Dropped(flow.Protocol.ToViaToken(), "not-ours");
            if (ShouldWarnAbout(flow)) _logger.ResponseViaNotOurs(response.StatusCode, flow, response.TopVia);
            return;
        }
        _layer.OnResponse(response, flow);
    }

    /// <summary>Our Vias always carry the port of one of our listeners (hosts may be spelled several ways, ports not).</summary>
    private bool IsOurSentByPort(ViaHeader via, SipFlow flow)
    {
        int port = via.Port ?? flow.Protocol.DefaultPort();
        foreach (var bound in _transports.BoundEndPoints)
        {
            if (bound.EndPoint.Port == port) return true;
        }
        // A connection we opened on a transport we do not listen on (TLS to a phone or trunk with no TLS listener of
        // our own): our Via named the connection's own local port (PrepareOutgoing), and the answer comes back on it.
        return flow.Protocol.IsStream() && flow.Connection is { Inbound: false } && flow.Local.Port == port;
    }

    /// <summary>
    /// §18.2.1: add <c>received</c> when the sent-by host is not the packet's source address;
    /// RFC 3581 §4: when the Via has an empty <c>rport</c>, fill in the source port and always add
    /// <c>received</c>. Responses copy the Via, so they carry both back (and are routed by them).
    /// </summary>
    private SipRequest StampVia(SipRequest request, SipFlow flow)
    {
        var via = request.TopVia!;
        var source = flow.Remote.Address;
        bool fillRPort = via.HasRPort && via.RPort is null;
        bool addReceived = fillRPort || !SameAddress(via.Host, source);
        if (!addReceived) return request;
        var stamped = via.WithParameter("received", source.ToString());
        if (fillRPort) stamped = stamped.WithParameter("rport", flow.Remote.Port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (SipViaRewriter.ReplaceTopVia(request, stamped, _options.Parser) is { } fast) return fast;
        var builder = SipRequestBuilder.From(request);
        ReplaceVias(builder, request.Via, stamped, skipTop: true);
        return builder.Build();
    }

    private static bool SameAddress(string host, IPAddress source)
    {
        var span = host.AsSpan();
        if (span.Length > 2 && span[0] == '[' && span[^1] == ']') span = span[1..^1];
        return IPAddress.TryParse(span, out var parsed) && Normalize(parsed).Equals(Normalize(source));
    }

    private static IPAddress Normalize(IPAddress a) => a.IsIPv4MappedToIPv6 ? a.MapToIPv4() : a;

    private void SendErrorResponse(SipResponseBuilder builder, SipFlow flow, bool log)
    {
        SipResponse response;
        try { response = builder.Build(); }
        catch (InvalidOperationException ex)
        {
            _logger.ErrorResponseNotBuilt(ex.Message);
            return;
        }
        var target = flow.Protocol.IsReliable() ? flow : ResponseFlowFor(response.TopVia, flow);
        if (log) _logger.AnsweredStatelessly(target, response.StatusCode, response.ReasonPhrase); // within the source's warning budget
        _ = SendQuietlyAsync(target, response.RawBytes);
    }

    private async Task SendQuietlyAsync(SipFlow flow, ReadOnlyMemory<byte> data)
    {
        try { await _transports.SendAsync(flow, data, CancellationToken.None).ConfigureAwait(false); }
        catch (SipTransportException ex) { _logger.StatelessSendFailed(flow, ex.Message); }
    }

    /// <summary>§18.2.2 over UDP from the Via alone (stateless responses): rport → source port; else sent-by port.</summary>
    private static SipFlow ResponseFlowFor(ViaHeader? via, SipFlow flow)
    {
        if (via is null || via.HasRPort) return flow;
        int port = via.Port ?? 5060;
        return port == flow.Remote.Port ? flow : SipTransportManager.Redirect(flow, new IPEndPoint(flow.Remote.Address, port));
    }

    // No scope object at all when nothing would log (the benchmark's and tests' null logger).
    private IDisposable? BeginCallScope(string? callId) =>
        callId is null || !_logger.IsEnabled(LogLevel.Critical) ? null : _logger.BeginScope("Call-ID {CallId}", callId);
}
