namespace Telephony.Sip.Messages;

/// <summary>A received (or built) SIP request: Request-Line = Method SP Request-URI SP SIP-Version (§7.1).</summary>
public sealed class SipRequest : SipMessage
{
    internal SipRequest(string method, AddressUri requestUri, HeaderBlock headers, ReadOnlyMemory<byte> body, ReadOnlyMemory<byte> raw)
        : base(headers, body, raw)
    {
        Method = method;
        RequestUri = requestUri;
    }

    /// <summary>The method as written (case-sensitive); known methods are the <see cref="SipMethods"/> constants.</summary>
    public string Method { get; }

    public AddressUri RequestUri { get; }

    public override bool IsRequest => true;

    public override string? MethodName => Method;

    /// <summary>
    /// A copy of this request with the top Via value replaced (e.g. by the server transport adding
    /// received/rport, §18.2.1 and RFC 3581). Other Via values, headers and body are kept byte for byte.
    /// </summary>
    public SipRequest WithTopVia(ViaHeader via)
    {
        ArgumentNullException.ThrowIfNull(via);
        var hb = HeaderBlock;
        var i = hb.IndexOf(HeaderKind.Via);
        if (i < 0) throw new InvalidOperationException("the request has no Via");
        ref readonly var e = ref hb[i];
        var value = hb.ValueAt(i);
        var elements = SipSyntax.SplitList(value);
        elements[0] = via.ToString();
        var newValue = Encoding.UTF8.GetBytes(string.Join(", ", elements));
        var buffer = hb.Buffer.Span;
        var rawStart = RawStart;
        var rawEnd = rawStart + RawBytes.Length;
        var bytes = new byte[RawBytes.Length - e.ValueLength + newValue.Length];
        var before = buffer[rawStart..e.ValueStart];
        before.CopyTo(bytes);
        newValue.CopyTo(bytes.AsSpan(before.Length));
        buffer[(e.ValueStart + e.ValueLength)..rawEnd].CopyTo(bytes.AsSpan(before.Length + newValue.Length));
        if (!SipParser.TryParse(bytes, out var m, out var err))
            throw new ArgumentException($"the new Via makes the request unparsable: {err.Reason}", nameof(via));
        return (SipRequest)m;
    }

    /// <summary>
    /// A copy of this request with <paramref name="via"/> added as a new first Via line (the hop this element adds
    /// when it sends the request, §8.1.1.7 / §16.6 step 8). Everything else is kept byte for byte.
    /// </summary>
    public SipRequest WithNewTopVia(ViaHeader via)
    {
        ArgumentNullException.ThrowIfNull(via);
        var raw = RawBytes.Span;
        var startLineEnd = raw.IndexOf((byte)'\n') + 1;
        var line = Encoding.UTF8.GetBytes("Via: " + via + "\r\n");
        var bytes = new byte[raw.Length + line.Length];
        raw[..startLineEnd].CopyTo(bytes);
        line.CopyTo(bytes.AsSpan(startLineEnd));
        raw[startLineEnd..].CopyTo(bytes.AsSpan(startLineEnd + line.Length));
        if (!SipParser.TryParse(bytes, out var m, out var err))
            throw new ArgumentException($"the new Via makes the request unparsable: {err.Reason}", nameof(via));
        return (SipRequest)m;
    }

    private protected override string? Validate()
    {
        var baseError = base.Validate();
        if (baseError is not null) return baseError;
        if (!string.Equals(CSeq!.Method, Method, StringComparison.Ordinal))
            return $"CSeq method {CSeq.Method} does not match the request method {Method}";
        return null;
    }
}

/// <summary>A received (or built) SIP response: Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (§7.2).</summary>
public sealed class SipResponse : SipMessage
{
    internal SipResponse(int statusCode, string reasonPhrase, HeaderBlock headers, ReadOnlyMemory<byte> body, ReadOnlyMemory<byte> raw)
        : base(headers, body, raw)
    {
        StatusCode = statusCode;
        ReasonPhrase = reasonPhrase;
    }

    public int StatusCode { get; }

    /// <summary>The reason phrase as received (UTF-8, may be empty).</summary>
    public string ReasonPhrase { get; }

    public override bool IsRequest => false;

    public override string? MethodName => CSeq?.Method;

    public bool IsProvisional => StatusCode < 200;

    public bool IsSuccess => StatusCode is >= 200 and < 300;

    public bool IsFinal => StatusCode >= 200;
}
