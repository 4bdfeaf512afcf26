using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telephony.Sip.Auth;
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
public sealed partial class SipUserAgent : ISipTransactionUser, IAsyncDisposable
{
    /// <summary>Methods we answer (Allow header).</summary>
    public const string AllowedMethods = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER, NOTIFY, UPDATE";

    private readonly ConcurrentDictionary<string, SipCall> _calls = new(StringComparer.Ordinal);
    private readonly Channel<SipCall> _incoming = Channel.CreateBounded<SipCall>(new BoundedChannelOptions(64) { FullMode = BoundedChannelFullMode.Wait });
    private readonly bool _ownsEndpoint;

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
    public static async Task<SipUserAgent> StartAsync(string listen, SipUserAgentOptions options, ILogger? logger = null, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var endpointOptions = new SipEndpointOptions { WarnAgent = "telephony" };
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

    /// <summary>Calls in progress.</summary>
    public int CallCount => _calls.Count;

    /// <summary>
    /// Sees every out-of-dialog request (no To tag) first; returns true when it answered the request itself.
    /// Runs on a receive thread: answer quickly or hand the transaction on.
    /// </summary>
    public Func<SipServerTransaction, bool>? RequestFilter { get; set; }

    /// <summary>
    /// Our Contact for requests/responses exchanged with <paramref name="remote"/> over <paramref name="protocol"/>:
    /// the listener's port and the host the endpoint puts in its Via (or <see cref="SipUserAgentOptions.ContactHost"/>).
    /// Falls back to another transport's listener when there is none for <paramref name="protocol"/>.
    /// </summary>
    public NameAddress ContactFor(SipTransportProtocol protocol, IPAddress? remote = null)
    {
        if (!Endpoint.LocalEndPoints.Any(e => e.Protocol == protocol))
        {
            protocol = Endpoint.LocalEndPoints[0].Protocol;
        }
        var (host, port) = Endpoint.GetLocalAddress(new SipDestination(protocol, new IPEndPoint(remote ?? IPAddress.Loopback, 5060)));
        var user = (SipUri.TryParse(Options.LocalUri, out var aor, out _) ? aor!.User : null) ?? "ua";
        var uri = new SipUri(Options.ContactHost ?? host, user, port);
        if (protocol != SipTransportProtocol.Udp)
        {
            uri = uri.WithParameter("transport", protocol.ToViaToken().ToLowerInvariant());
        }
        return new NameAddress(uri);
    }

    // ------------------------------------------------------------ sending

    /// <summary>Where a request for <paramref name="requestUri"/> goes: the outbound proxy when configured, else the URI itself.</summary>
    public ValueTask<SipDestination> ResolveAsync(AddressUri requestUri, CancellationToken cancellationToken = default) =>
        UaDestinations.ResolveAsync(Options.OutboundProxy is { } proxy ? SipUri.Parse(proxy) : requestUri, Options.DefaultTransport, cancellationToken);

    /// <summary>
    /// Starts an out-of-dialog request: Request-URI, From (ours, new tag), To, new Call-ID, CSeq 1,
    /// Max-Forwards 70, User-Agent. Add headers/body to the builder before sending it.
    /// </summary>
    public SipRequestBuilder CreateRequest(string method, AddressUri requestUri, NameAddress? to = null)
    {
        var b = new SipRequestBuilder(method, requestUri);
        b.SetFrom(LocalAddress.WithTag(SipIds.NewTag()));
        b.SetTo(to ?? new NameAddress(requestUri));
        b.SetCallId(SipIds.NewCallId());
        b.SetCSeq(1, method);
        b.SetMaxForwards(70);
        b.SetHeader(SipHeaderNames.UserAgent, Options.Product);
        return b;
    }

    /// <summary>
    /// Sends an out-of-dialog request and returns its final response. A 401/407 is answered once with
    /// our credentials (same Call-ID and tags, CSeq + 1, new branch; §22.2), and again if the nonce was stale.
    /// Transaction timeouts come back as a local 408 and send failures as 503 (§8.1.3.1); a TCP connection
    /// that cannot be opened at all throws <see cref="SipTransportException"/>.
    /// </summary>
    public async Task<SipResponse> SendRequestAsync(SipRequest request, Action<SipResponse>? onProvisional = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var destination = await ResolveAsync(request.RequestUri, cancellationToken).ConfigureAwait(false);
        var digest = Options.Username is { } u && Options.Password is { } p ? new DigestClient(u, p) : null;
        for (int attempt = 0; ; attempt++)
        {
            var response = await Endpoint.SendRequestAsync(request, destination, onProvisional, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode is not (401 or 407) || digest is null || attempt >= 2)
            {
                return response;
            }
            var retry = Authorize(request, response, digest, attempt > 0);
            if (retry is null)
            {
                return response;
            }
            request = retry;
        }
    }

    /// <summary>
    /// Builds the retry of <paramref name="request"/> answering the challenge in <paramref name="response"/>;
    /// null when there is nothing usable (no supported challenge, or a second challenge that is not stale).
    /// </summary>
    internal static SipRequest? Authorize(SipRequest request, SipResponse response, DigestClient digest, bool alreadyTried)
    {
        bool proxy = response.StatusCode == 407;
        var challenge = DigestClient.Choose(response.GetHeaderLines(proxy ? SipHeaderNames.ProxyAuthenticate : SipHeaderNames.WwwAuthenticate));
        if (challenge is null || (alreadyTried && !challenge.Stale))
        {
            return null; // §22.2: credentials were refused; do not loop
        }
        var b = SipRequestBuilder.From(request);
        b.RemoveHeader(SipHeaderNames.Via);
        b.RemoveHeader(SipHeaderNames.Authorization);
        b.RemoveHeader(SipHeaderNames.ProxyAuthorization);
        b.SetCSeq((request.CSeq?.Number ?? 1) + 1, request.Method);
        var credentials = digest.Answer(challenge, request.Method, request.RequestUri.ToString());
        b.AddHeader(proxy ? SipHeaderNames.ProxyAuthorization : SipHeaderNames.Authorization, credentials.ToString());
        return b.Build();
    }

    /// <summary>Sends OPTIONS to <paramref name="target"/> and returns the final response.</summary>
    public Task<SipResponse> OptionsAsync(string target, CancellationToken cancellationToken = default)
    {
        var b = CreateRequest(SipMethods.Options, AddressUri.Parse(target));
        b.SetHeader(SipHeaderNames.Accept, "application/sdp");
        return SendRequestAsync(b.Build(), null, cancellationToken);
    }

    /// <summary>
    /// Registers our AOR at <paramref name="registrar"/> (e.g. <c>sip:telephony.local</c>) for
    /// <paramref name="expires"/> seconds (0 removes the binding), answering the digest challenge.
    /// The caller refreshes before expiry. Returns the final response (its Contacts carry the granted expiry).
    /// </summary>
    public async Task<SipResponse> RegisterAsync(string registrar, int expires = 3600, CancellationToken cancellationToken = default)
    {
        var registrarUri = AddressUri.Parse(registrar);
        var destination = await ResolveAsync(registrarUri, cancellationToken).ConfigureAwait(false);
        var b = new SipRequestBuilder(SipMethods.Register, registrarUri);
        b.SetFrom(LocalAddress.WithTag(SipIds.NewTag()));
        b.SetTo(new NameAddress(LocalAddress.Uri));
        b.SetCallId(_registerCallId);
        b.SetCSeq((uint)Interlocked.Increment(ref _registerCSeq), SipMethods.Register);
        b.SetMaxForwards(70);
        b.AddContact(ContactFor(destination.Protocol, destination.EndPoint.Address));
        b.SetHeader(SipHeaderNames.Expires, expires.ToString(CultureInfo.InvariantCulture));
        b.SetHeader(SipHeaderNames.UserAgent, Options.Product);
        var response = await SendRequestAsync(b.Build(), null, cancellationToken).ConfigureAwait(false);
        if (response.CSeq is { } cseq)
        {
            // keep our CSeq above what the authenticated retry used (§10.2.4: same Call-ID, increasing CSeq)
            long seen = cseq.Number;
            long current;
            while ((current = Interlocked.Read(ref _registerCSeq)) < seen && Interlocked.CompareExchange(ref _registerCSeq, seen, current) != current)
            {
            }
        }
        return response;
    }

    private readonly string _registerCallId = SipIds.NewCallId();
    private long _registerCSeq;

    /// <summary>
    /// Places a call: sends INVITE to <paramref name="target"/> with <paramref name="sdp"/> as offer and returns the
    /// call at once; follow it on <see cref="SipCall.Events"/> (progress, established, ended). Answers a digest challenge,
    /// ACKs the 2xx, and BYEs extra dialogs of a forked INVITE. <paramref name="replaces"/> adds a Replaces header (RFC 3891).
    /// </summary>
    public async Task<SipCall> CallAsync(string target, ReadOnlyMemory<byte> sdp, string? replaces = null, IEnumerable<SipHeader>? extraHeaders = null, CancellationToken cancellationToken = default)
    {
        var uri = AddressUri.Parse(target);
        var destination = await ResolveAsync(uri, cancellationToken).ConfigureAwait(false);
        var b = CreateRequest(SipMethods.Invite, uri);
        b.AddContact(ContactFor(destination.Protocol, destination.EndPoint.Address));
        b.SetHeader(SipHeaderNames.Allow, AllowedMethods);
        b.SetHeader(SipHeaderNames.Supported, "replaces");
        if (replaces is not null)
        {
            b.SetHeader(SipHeaderNames.Replaces, replaces);
        }
        foreach (var h in extraHeaders ?? [])
        {
            b.AddHeader(h.Name, h.Value);
        }
        if (!sdp.IsEmpty)
        {
            b.SetBody(sdp, "application/sdp");
        }
        var invite = b.Build();
        var call = new SipCall(this, invite, destination);
        if (!_calls.TryAdd(invite.CallId!, call))
        {
            throw new InvalidOperationException("Call-ID collision");
        }
        call.StartOutgoing();
        return call;
    }

    /// <inheritdoc cref="CallAsync(string, ReadOnlyMemory{byte}, string?, IEnumerable{SipHeader}?, CancellationToken)"/>
    public Task<SipCall> CallAsync(string target, string sdp, CancellationToken cancellationToken = default) =>
        CallAsync(target, System.Text.Encoding.UTF8.GetBytes(sdp), null, null, cancellationToken);

    /// <summary>Finds a call by Call-ID and tags from our point of view (for Replaces).</summary>
    public SipCall? FindCall(string callId, string localTag, string remoteTag) =>
        _calls.TryGetValue(callId, out var call) && call.HasDialog(localTag, remoteTag) ? call : null;

    internal void Forget(SipCall call) => _calls.TryRemove(new KeyValuePair<string, SipCall>(call.CallId, call));

    // ------------------------------------------------------------ receiving (ISipTransactionUser)

    /// <summary>The §8.2 checks applied to every request before it is handled (what we support).</summary>
    public static UasPolicy Policy { get; } = new()
    {
        Extensions = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "replaces" },
        AcceptedContentTypes = ["application/sdp", DtmfRelay.ContentType, "application/dtmf", SipFrag.ContentType, "text/plain"],
        WarnAgent = "telephony",
    };

    /// <inheritdoc />
    public void OnRequest(SipServerTransaction transaction)
    {
        var request = transaction.Request;
        var verdict = UasRequestCheck.Check(request, Policy);
        if (!verdict.IsAccepted)
        {
            LogRefused(Logger, request.Method, verdict.ToString());
            if (verdict.CanRespond && verdict.CreateResponse(request, Policy.WarnAgent) is { } refusal)
            {
                Respond(transaction, refusal);
            }
            return;
        }
        if (request.To?.Tag is not null)
        {
            if (_calls.TryGetValue(request.CallId ?? string.Empty, out var call))
            {
                call.Post(() => call.OnInDialogRequestAsync(transaction));
            }
            else
            {
                Respond(transaction, 481, "Call/Transaction Does Not Exist");
            }
            return;
        }
        if (request.Method == SipMethods.Cancel)
        {
            Respond(transaction, 481, "Call/Transaction Does Not Exist"); // a CANCEL the layer could not match
            return;
        }
        if (RequestFilter is { } filter && filter(transaction))
        {
            return;
        }
        switch (request.Method)
        {
            case SipMethods.Invite:
                AcceptIncomingInvite(transaction);
                break;
            case SipMethods.Options:
                RespondToOptions(transaction);
                break;
            default:
                var b = SipResponseBuilder.CreateResponse(request, 405);
                b.SetHeader(SipHeaderNames.Allow, AllowedMethods);
                Respond(transaction, b);
                break;
        }
    }

    /// <summary>Answers OPTIONS with 200 and our capabilities (§11.2).</summary>
    public void RespondToOptions(SipServerTransaction transaction)
    {
        var b = SipResponseBuilder.CreateResponse(transaction.Request, 200);
        b.SetHeader(SipHeaderNames.Allow, AllowedMethods);
        b.SetHeader(SipHeaderNames.Accept, "application/sdp, application/dtmf-relay, message/sipfrag");
        b.SetHeader(SipHeaderNames.Supported, "replaces");
        b.SetHeader(SipHeaderNames.Server, Options.Product);
        Respond(transaction, b);
    }

    /// <summary>Turns an out-of-dialog INVITE into an incoming <see cref="SipCall"/> on <see cref="IncomingCalls"/>.</summary>
    public void AcceptIncomingInvite(SipServerTransaction transaction)
    {
        var request = transaction.Request;
        if (_calls.Count >= Options.MaxCalls)
        {
            var busy = SipResponseBuilder.CreateResponse(request, 503);
            busy.SetHeader(SipHeaderNames.RetryAfter, "5");
            Respond(transaction, busy);
            return;
        }
        var replaces = request.Replaces;
        SipCall? replaced = null;
        if (request.HasHeader(SipHeaderNames.Replaces))
        {
            // RFC 3891 §3: the Replaces names the dialog from the sender's view: to-tag is our local tag.
            replaced = replaces is null ? null : FindCall(replaces.CallId, replaces.ToTag, replaces.FromTag);
            if (replaced is null)
            {
                Respond(transaction, 481, "Call/Transaction Does Not Exist");
                return;
            }
        }
        if (request.Contacts.Count == 0)
        {
            Respond(transaction, SipResponseBuilder.CreateErrorResponse(request, 400, "Contact missing", "telephony"));
            return;
        }
        var call = new SipCall(this, transaction, replaced);
        if (!_calls.TryAdd(call.CallId, call))
        {
            Respond(transaction, 482, "Loop Detected"); // a second INVITE with a Call-ID in use (merged request, §8.2.2.2)
            return;
        }
        if (!_incoming.Writer.TryWrite(call))
        {
            Forget(call);
            Respond(transaction, 486, "Busy Here");
        }
    }

    /// <inheritdoc />
    public void OnAck(SipRequest ack, SipFlow flow, SipServerTransaction? transaction)
    {
        if (_calls.TryGetValue(ack.CallId ?? string.Empty, out var call))
        {
            call.Post(() => call.OnAckAsync(ack));
        }
    }

    /// <inheritdoc />
    public void OnCancel(SipServerTransaction invite, SipRequest cancel)
    {
        if (_calls.TryGetValue(invite.Request.CallId ?? string.Empty, out var call))
        {
            call.Post(call.OnRemoteCancelAsync);
        }
    }

    /// <inheritdoc />
    public void OnStrayResponse(SipResponse response, SipFlow flow, SipClientTransaction? transaction)
    {
        if (response.IsSuccess && response.CSeq?.Method == SipMethods.Invite && _calls.TryGetValue(response.CallId ?? string.Empty, out var call))
        {
            call.Post(() => call.OnInviteSuccessAsync(response));
        }
    }

    /// <inheritdoc />
    public void OnServerTransactionFailed(SipServerTransaction transaction, SipTransactionError error)
    {
        if (transaction.IsInvite && _calls.TryGetValue(transaction.Request.CallId ?? string.Empty, out var call))
        {
            call.Post(() => call.OnServerInviteFailedAsync(transaction, error));
        }
    }

    // ------------------------------------------------------------ helpers

    /// <summary>Sends a response built from the request with a status and reason.</summary>
    public void Respond(SipServerTransaction transaction, int statusCode, string? reason = null) =>
        Respond(transaction, SipResponseBuilder.CreateResponse(transaction.Request, statusCode, reason));

    /// <summary>Sends a response, logging (never throwing) when it cannot be sent.</summary>
    public void Respond(SipServerTransaction transaction, SipResponseBuilder response)
    {
        try
        {
            if (!transaction.TrySendResponse(response.Build()))
            {
                LogResponseNotSent(Logger, response.StatusCode, transaction.Request.Method);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            LogResponseFailed(Logger, response.StatusCode, transaction.Request.Method, e.Message);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} refused by the UAS checks: {Verdict}")]
    private static partial void LogRefused(ILogger logger, string method, string verdict);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Code} to {Method} not sent: the transaction has moved on")]
    private static partial void LogResponseNotSent(ILogger logger, int code, string method);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Code} to {Method} could not be built: {Reason}")]
    private static partial void LogResponseFailed(ILogger logger, int code, string method, string reason);

    private sealed class NoUser : ISipTransactionUser
    {
        public static readonly NoUser Instance = new();

        public void OnRequest(SipServerTransaction transaction)
        {
        }
    }
}
