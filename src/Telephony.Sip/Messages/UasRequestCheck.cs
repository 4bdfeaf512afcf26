namespace Telephony.Sip.Messages;

/// <summary>What this UAS supports, for <see cref="UasRequestCheck"/>.</summary>
public sealed record UasPolicy
{
    public static UasPolicy Default { get; } = new();

    /// <summary>Request-URI schemes we handle (§8.2.2.1); others get 416.</summary>
    public IReadOnlySet<string> UriSchemes { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "sip", "sips" };

    /// <summary>Option tags we support (§8.2.2.3); an unknown one in Require gets 420.</summary>
    public IReadOnlySet<string> Extensions { get; init; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

    /// <summary>Body types we understand (§8.2.3); others get 415 with Accept.</summary>
    public IReadOnlyList<string> AcceptedContentTypes { get; init; } = ["application/sdp"];

    /// <summary>Content-Encodings we understand besides identity; others get 415 with Accept-Encoding.</summary>
    public IReadOnlyList<string> AcceptedContentEncodings { get; init; } = [];

    /// <summary>Body types our responses to INVITE carry; an INVITE whose Accept allows none of them gets 406.</summary>
    public IReadOnlyList<string> ResponseContentTypes { get; init; } = ["application/sdp"];

    /// <summary>
    /// Methods we implement (§8.2.1), or null to let every method through. Another known method gets 405 with
    /// Allow; a method we don't recognise at all gets 501 (§21.5.2).
    /// </summary>
    public IReadOnlyList<string>? AllowedMethods { get; init; } =
    [
        SipMethods.Invite, SipMethods.Ack, SipMethods.Bye, SipMethods.Cancel, SipMethods.Options, SipMethods.Register,
        SipMethods.Info, SipMethods.Refer, SipMethods.Notify, SipMethods.Subscribe, SipMethods.Message, SipMethods.Update,
        SipMethods.Prack,
    ];

    /// <summary>Host name used as warn-agent in Warning headers.</summary>
    public string WarnAgent { get; init; } = "telephony";
}

/// <summary>The outcome of <see cref="UasRequestCheck.Check"/>: accept, or the response to send.</summary>
public sealed record UasVerdict
{
    public static UasVerdict Accept { get; } = new() { IsAccepted = true };

    public bool IsAccepted { get; init; }

    /// <summary>Status code of the rejection (0 when accepted).</summary>
    public int StatusCode { get; init; }

    /// <summary>What is wrong, in words (also goes into the Warning 399 text for 400s).</summary>
    public string? Problem { get; init; }

    /// <summary>Headers the rejection must carry (Unsupported for 420, Accept for 415, Allow for 405 ...).</summary>
    public IReadOnlyList<SipHeader> ResponseHeaders { get; init; } = [];

    /// <summary>True when a response may be sent: the request has a Via to route it and is not an ACK.</summary>
    public bool CanRespond { get; init; } = true;

    /// <summary>Builds the rejection response for <paramref name="request"/> (null when accepted or not answerable).</summary>
    public SipResponseBuilder? CreateResponse(SipRequest request, string warnAgent)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (IsAccepted || !CanRespond) return null;
        var b = StatusCode == 400
            ? SipResponseBuilder.CreateErrorResponse(request, 400, Problem ?? "bad request", warnAgent)
            : SipResponseBuilder.CreateResponse(request, StatusCode);
        foreach (var h in ResponseHeaders) b.AddHeader(h.Name, h.Value);
        return b;
    }

    public override string ToString() => IsAccepted ? "accept" : $"{StatusCode} {Problem}";
}

/// <summary>
/// The checks a UAS applies to every request before processing it (RFC 3261 §8.2, §16.3 for Max-Forwards),
/// in the RFC's order: syntax of the mandatory and single-valued headers (400), method (405), Request-URI
/// scheme and REGISTER address-of-record scheme (416), Max-Forwards (483), Require/Proxy-Require (420), content type and encoding (415), Accept (406).
/// </summary>
public static class UasRequestCheck
{
    /// <param name="request">The parsed request.</param>
    /// <param name="policy">What we support.</param>
    /// <param name="willForward">True when this element would forward the request (proxy/B2BUA leg towards another
    /// hop); a Max-Forwards of 0 then gets 483, while a request addressed to us (e.g. OPTIONS, §11) is answered.</param>
    public static UasVerdict Check(SipRequest request, UasPolicy? policy = null, bool willForward = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        policy ??= UasPolicy.Default;
        var isAckOrCancel = request.Method is SipMethods.Ack or SipMethods.Cancel;
        // An ACK is never answered (§17.2.3); anything else needs a Via to route the response back.
        var canRespond = request.HasHeader(SipHeaderNames.Via) && request.Method != SipMethods.Ack;

        if (request.ValidateHeaders() is { } problem) return Reject(400, problem, canRespond);

        if (policy.AllowedMethods is { } allowed && !allowed.Contains(request.Method, StringComparer.Ordinal) && !isAckOrCancel)
        {
            var allow = new SipHeader(SipHeaderNames.Allow, string.Join(", ", allowed));
            return SipMethods.IsKnown(request.Method)
                ? Reject(405, $"method {request.Method} not allowed", canRespond, allow)
                : Reject(501, $"method {request.Method} not implemented", canRespond, allow);
        }

        if (!policy.UriSchemes.Contains(request.RequestUri.Scheme))
            return Reject(416, $"unsupported Request-URI scheme '{request.RequestUri.Scheme}'", canRespond);

        // A REGISTER's To is the address-of-record being bound (§10.3): only a scheme we serve can be registered.
        // 400, not 416: 416 is about the Request-URI (§21.4.14), which is fine here; RFC 4475 §3.3.4 (unksm2) expects 400.
        if (request.Method == SipMethods.Register && request.To is { } aor && !policy.UriSchemes.Contains(aor.Uri.Scheme))
            return Reject(400, $"unsupported address-of-record scheme '{aor.Uri.Scheme}' in To", canRespond);

        if (request.RequestUri is SipUri { Headers.Count: > 0 })
            return Reject(400, "Request-URI must not contain URI headers (§19.1.1)", canRespond);

        if (request.MaxForwards == 0 && willForward && !isAckOrCancel)
            return Reject(483, "Max-Forwards is 0", canRespond);

        if (!isAckOrCancel)
        {
            var unknown = request.Require.Where(t => !policy.Extensions.Contains(t)).ToList();
            if (willForward) unknown.AddRange(request.ProxyRequire.Where(t => !policy.Extensions.Contains(t)));
            if (unknown.Count > 0)
                return Reject(420, "unsupported extension(s): " + string.Join(", ", unknown), canRespond,
                    new SipHeader(SipHeaderNames.Unsupported, string.Join(", ", unknown)));
        }

        if (!request.Body.IsEmpty && !isAckOrCancel)
        {
            var ct = request.ContentType;
            if (ct is null || !policy.AcceptedContentTypes.Any(t => MediaType.TryParse(t, out var m, out _) && m!.Is(ct.Type, ct.Subtype)))
                return Reject(415, $"unsupported Content-Type '{ct?.MimeType ?? "(none)"}'", canRespond,
                    new SipHeader(SipHeaderNames.Accept, string.Join(", ", policy.AcceptedContentTypes)));
            foreach (var enc in request.GetHeaderValues(SipHeaderNames.ContentEncoding))
            {
                if (enc.Equals("identity", StringComparison.OrdinalIgnoreCase)) continue;
                if (!policy.AcceptedContentEncodings.Contains(enc, StringComparer.OrdinalIgnoreCase))
                    return Reject(415, $"unsupported Content-Encoding '{enc}'", canRespond,
                        new SipHeader(SipHeaderNames.AcceptEncoding, policy.AcceptedContentEncodings.Count == 0 ? "identity" : string.Join(", ", policy.AcceptedContentEncodings)));
            }
        }

        if (request.Method == SipMethods.Invite && request.HasHeader(SipHeaderNames.Accept))
        {
            var ranges = request.Accept;
            var ok = policy.ResponseContentTypes.Any(t => MediaType.TryParse(t, out var m, out _) && ranges.Any(r => r.Matches(m!)));
            if (!ok)
                return Reject(406, "none of the types in Accept can be produced", canRespond,
                    new SipHeader(SipHeaderNames.Accept, string.Join(", ", policy.ResponseContentTypes)));
        }

        return UasVerdict.Accept;
    }

    private static UasVerdict Reject(int code, string problem, bool canRespond, params SipHeader[] headers) =>
        new() { IsAccepted = false, StatusCode = code, Problem = problem, CanRespond = canRespond, ResponseHeaders = headers };
}
