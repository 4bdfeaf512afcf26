using System.Globalization;
using Telephony.Sip.Auth;
using Telephony.Sip.Messages;
using Telephony.Sip.Transport;

namespace Telephony.Sip.UserAgent;

// Requests we send out of a dialog (§8.1): building them, answering digest challenges (§22.2),
// OPTIONS, REGISTER (§10.2) and placing calls.
public sealed partial class SipUserAgent
{
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
        StampProduct(b, SipHeaderNames.UserAgent);
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
        b.AddContact(ContactFor(destination.Protocol, destination.EndPoint.Address, registrarUri is SipUri { IsSecure: true }));
        b.SetHeader(SipHeaderNames.Expires, expires.ToString(CultureInfo.InvariantCulture));
        StampProduct(b, SipHeaderNames.UserAgent);
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

    /// <summary>
    /// Places a call: sends INVITE to <paramref name="target"/> with <paramref name="sdp"/> as offer and returns the
    /// call at once; follow it on <see cref="SipCall.Events"/> (progress, established, ended). Answers a digest challenge,
    /// ACKs the 2xx, and BYEs extra dialogs of a forked INVITE. <paramref name="replaces"/> adds a Replaces header (RFC 3891).
    /// </summary>
    /// <remarks>
    /// Route headers among <paramref name="extraHeaders"/> are a preloaded Route set (§8.1.2, e.g. a seat's Path of
    /// RFC 3327): the INVITE then goes to the first route when it is a loose router, not to the Request-URI.
    /// Without one, <paramref name="registeredFlow"/> (from <see cref="RegisteredFlow"/>) sends it over the connection
    /// the callee registered on, and the dialog's later requests follow it while it stays open.
    /// </remarks>
    public async Task<SipCall> CallAsync(string target, ReadOnlyMemory<byte> sdp, string? replaces = null, IEnumerable<SipHeader>? extraHeaders = null,
        CancellationToken cancellationToken = default, SipDestination? registeredFlow = null)
    {
        var uri = AddressUri.Parse(target);
        var extras = extraHeaders?.ToList() ?? [];
        int firstRoute = extras.FindIndex(h => string.Equals(h.Name, SipHeaderNames.Route, StringComparison.OrdinalIgnoreCase));
        var nextHop = firstRoute >= 0 && NameAddress.Parse(FirstEntry(extras[firstRoute].Value)).SipUri is { LooseRouting: true } route ? route : uri;
        var destination = firstRoute < 0 && registeredFlow is { } flow
            ? flow
            : await ResolveAsync(nextHop, cancellationToken).ConfigureAwait(false);
        var b = CreateRequest(SipMethods.Invite, uri);
        b.AddContact(ContactFor(destination.Protocol, destination.EndPoint.Address, uri is SipUri { IsSecure: true }));
        b.SetHeader(SipHeaderNames.Allow, AllowedMethods);
        b.SetHeader(SipHeaderNames.Supported, "replaces");
        if (replaces is not null)
        {
            b.SetHeader(SipHeaderNames.Replaces, replaces);
        }
        foreach (var h in extras)
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

    /// <summary>
    /// The TCP or TLS connection a binding registered over (its <see cref="Registrar.Binding.Source"/>, "tls:10.0.0.5:49152"),
    /// when it is still open on this endpoint; null for UDP, another node's connection, or one that closed.
    /// </summary>
    /// <remarks>
    /// A phone on TCP/TLS is reached over the connection it opened: it has no server certificate to accept a TLS
    /// connection of ours and may sit behind NAT (the reuse RFC 5626 §5.3 makes explicit for outbound flows, and what
    /// RFC 5923 extends to TLS). Its Contact's port is only where it would listen, so opening a new connection there fails.
    /// </remarks>
    public SipDestination? RegisteredFlow(string? source)
    {
        if (!Registrar.Binding.TryReadSource(source, out var protocol, out var remote))
        {
            return null;
        }
        var flow = new SipDestination(protocol, remote);
        return Endpoint.HasOpenConnection(flow) ? flow : null; // false for UDP: nothing to reuse
    }

    // The first name-addr of a header value that may hold a comma-separated list (commas inside <> or quotes do not split).
    private static string FirstEntry(string value)
    {
        bool quoted = false, angled = false;
        for (int i = 0; i < value.Length; i++)
        {
            switch (value[i])
            {
                case '"': quoted = !quoted; break;
                case '<' when !quoted: angled = true; break;
                case '>' when !quoted: angled = false; break;
                case ',' when !quoted && !angled: return value[..i].Trim();
            }
        }
        return value.Trim();
    }

    /// <inheritdoc cref="CallAsync(string, ReadOnlyMemory{byte}, string?, IEnumerable{SipHeader}?, CancellationToken)"/>
    public Task<SipCall> CallAsync(string target, string sdp, CancellationToken cancellationToken = default) =>
        CallAsync(target, System.Text.Encoding.UTF8.GetBytes(sdp), null, null, cancellationToken);

    /// <summary>Finds a call by Call-ID and tags from our point of view (for Replaces).</summary>
    public SipCall? FindCall(string callId, string localTag, string remoteTag) =>
        _calls.TryGetValue(callId, out var call) && call.HasDialog(localTag, remoteTag) ? call : null;

    internal void Forget(SipCall call) => _calls.TryRemove(new KeyValuePair<string, SipCall>(call.CallId, call));
}
