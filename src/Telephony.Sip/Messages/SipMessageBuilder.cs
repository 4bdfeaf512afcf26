using System.Buffers;
using System.Globalization;

namespace Telephony.Sip.Messages;

/// <summary>
/// Mutable outgoing message: ordered header lines and a body. <see cref="WriteTo"/> serialises it with a
/// Content-Length computed from the body. Use <see cref="SipRequestBuilder"/> or <see cref="SipResponseBuilder"/>.
/// </summary>
public abstract class SipMessageBuilder
{
    private readonly List<SipHeader> _headers = new(16);

    /// <summary>The header lines in order (without Content-Length, which is written from <see cref="Body"/>).</summary>
    public IReadOnlyList<SipHeader> Headers => _headers;

    public ReadOnlyMemory<byte> Body { get; private set; }

    /// <summary>Appends a header line. Content-Length is ignored (always computed).</summary>
    public SipMessageBuilder AddHeader(string name, string value)
    {
        Check(name, value);
        if (SipHeaderNames.Lookup(name) == HeaderKind.ContentLength) return this;
        _headers.Add(new SipHeader(name, value));
        return this;
    }

    /// <summary>Inserts a header line before the first line of the same header (or first of all), e.g. a new top Via.</summary>
    public SipMessageBuilder PrependHeader(string name, string value)
    {
        Check(name, value);
        var i = _headers.FindIndex(h => SipHeaderNames.AreSame(h.Name, name));
        _headers.Insert(i < 0 ? 0 : i, new SipHeader(name, value));
        return this;
    }

    /// <summary>Replaces every line of this header with one line (keeps the position of the first).</summary>
    public SipMessageBuilder SetHeader(string name, string value)
    {
        Check(name, value);
        var i = _headers.FindIndex(h => SipHeaderNames.AreSame(h.Name, name));
        RemoveHeader(name);
        if (SipHeaderNames.Lookup(name) == HeaderKind.ContentLength) return this;
        _headers.Insert(i < 0 ? _headers.Count : Math.Min(i, _headers.Count), new SipHeader(name, value));
        return this;
    }

    /// <summary>Removes every line of this header (long or compact name).</summary>
    public SipMessageBuilder RemoveHeader(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        _headers.RemoveAll(h => SipHeaderNames.AreSame(h.Name, name));
        return this;
    }

    /// <summary>Removes the first line of this header (e.g. the top Via or Route).</summary>
    public SipMessageBuilder RemoveFirstHeader(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var i = _headers.FindIndex(h => SipHeaderNames.AreSame(h.Name, name));
        if (i >= 0) _headers.RemoveAt(i);
        return this;
    }

    public string? GetHeader(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var h in _headers)
        {
            if (SipHeaderNames.AreSame(h.Name, name)) return h.Value;
        }
        return null;
    }

    /// <summary>Sets the body and its Content-Type (null content type with an empty body removes Content-Type).</summary>
    public SipMessageBuilder SetBody(ReadOnlyMemory<byte> body, string? contentType)
    {
        Body = body;
        if (contentType is not null) SetHeader(SipHeaderNames.ContentType, contentType);
        else if (body.IsEmpty) RemoveHeader(SipHeaderNames.ContentType);
        return this;
    }

    public SipMessageBuilder SetBody(string body, string contentType)
    {
        ArgumentNullException.ThrowIfNull(body);
        return SetBody(Encoding.UTF8.GetBytes(body), contentType);
    }

    // Typed conveniences.
    public SipMessageBuilder AddVia(ViaHeader via) => AddHeader(SipHeaderNames.Via, Str(via));

    public SipMessageBuilder PrependVia(ViaHeader via) => PrependHeader(SipHeaderNames.Via, Str(via));

    public SipMessageBuilder SetFrom(NameAddress from) => SetHeader(SipHeaderNames.From, Str(from));

    public SipMessageBuilder SetTo(NameAddress to) => SetHeader(SipHeaderNames.To, Str(to));

    public SipMessageBuilder SetCallId(string callId) => SetHeader(SipHeaderNames.CallId, callId);

    public SipMessageBuilder SetCSeq(uint number, string method) =>
        SetHeader(SipHeaderNames.CSeq, new CSeqHeader(number, method).ToString());

    public SipMessageBuilder SetMaxForwards(int value) =>
        SetHeader(SipHeaderNames.MaxForwards, value.ToString(CultureInfo.InvariantCulture));

    public SipMessageBuilder AddContact(NameAddress contact) => AddHeader(SipHeaderNames.Contact, Str(contact));

    public SipMessageBuilder AddRoute(NameAddress route) => AddHeader(SipHeaderNames.Route, Str(route));

    public SipMessageBuilder AddRecordRoute(NameAddress route) => AddHeader(SipHeaderNames.RecordRoute, Str(route));

    private static string Str(object o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return o.ToString()!;
    }

    private static void Check(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        if (!SipSyntax.IsToken(name)) throw new ArgumentException($"invalid header name '{name}'", nameof(name));
        if (value.AsSpan().IndexOfAny('\r', '\n') >= 0) throw new ArgumentException("header value must not contain CR or LF", nameof(value));
    }

    private protected abstract void WriteStartLine(IBufferWriter<byte> writer);

    /// <summary>Serialises: start line, headers, Content-Length (from the body), empty line, body.</summary>
    public void WriteTo(IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        WriteStartLine(writer);
        foreach (var h in _headers)
        {
            Write(writer, h.Name);
            writer.Write(": "u8);
            Write(writer, h.Value);
            writer.Write("\r\n"u8);
        }
        writer.Write("Content-Length: "u8);
        Write(writer, Body.Length.ToString(CultureInfo.InvariantCulture));
        writer.Write("\r\n\r\n"u8);
        writer.Write(Body.Span);
    }

    public byte[] ToArray()
    {
        var w = new ArrayBufferWriter<byte>(512 + Body.Length);
        WriteTo(w);
        return w.WrittenSpan.ToArray();
    }

    public override string ToString() => Encoding.UTF8.GetString(ToArray());

    internal static void Write(IBufferWriter<byte> writer, string s)
    {
        var max = Encoding.UTF8.GetMaxByteCount(s.Length);
        var span = writer.GetSpan(max);
        var n = Encoding.UTF8.GetBytes(s, span);
        writer.Advance(n);
    }

    private protected void CopyHeaders(SipMessage message, bool includeContentType)
    {
        var hb = message.HeaderBlock;
        for (var i = 0; i < hb.Count; i++)
        {
            var k = hb.KindAt(i);
            if (k == HeaderKind.ContentLength || (!includeContentType && k == HeaderKind.ContentType)) continue;
            _headers.Add(new SipHeader(hb.NameAt(i), hb.ValueAt(i)));
        }
    }

    private protected void AddRaw(string name, string value) => _headers.Add(new SipHeader(name, value));
}

/// <summary>Builds an outgoing request.</summary>
public sealed class SipRequestBuilder : SipMessageBuilder
{
    public SipRequestBuilder(string method, AddressUri requestUri)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(requestUri);
        if (!SipSyntax.IsToken(method)) throw new ArgumentException($"invalid method '{method}'", nameof(method));
        Method = method;
        RequestUri = requestUri;
    }

    public string Method { get; }

    public AddressUri RequestUri { get; set; }

    /// <summary>A builder holding a copy of <paramref name="request"/> (start line, headers, body), e.g. to forward it.</summary>
    public static SipRequestBuilder From(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var b = new SipRequestBuilder(request.Method, request.RequestUri);
        b.CopyHeaders(request, includeContentType: true);
        b.SetBody(request.Body, null);
        return b;
    }

    /// <summary>
    /// CANCEL for a pending request (§9.1): same Request-URI, Call-ID, From, To, CSeq number and Route set;
    /// CSeq method CANCEL; a single Via equal to the request's top Via.
    /// </summary>
    public static SipRequestBuilder CreateCancel(SipRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var b = new SipRequestBuilder(SipMethods.Cancel, request.RequestUri);
        b.CopyForHopByHopRequest(request, request.GetHeader(SipHeaderNames.To), SipMethods.Cancel);
        return b;
    }

    /// <summary>
    /// ACK for a non-2xx final response to an INVITE (§17.1.1.3): Request-URI, Call-ID, From, CSeq number,
    /// top Via and Route set of the INVITE; To from the response (with its tag); CSeq method ACK.
    /// </summary>
    public static SipRequestBuilder CreateAckForFailure(SipRequest invite, SipResponse response)
    {
        ArgumentNullException.ThrowIfNull(invite);
        ArgumentNullException.ThrowIfNull(response);
        var b = new SipRequestBuilder(SipMethods.Ack, invite.RequestUri);
        b.CopyForHopByHopRequest(invite, response.GetHeader(SipHeaderNames.To), SipMethods.Ack);
        return b;
    }

    private void CopyForHopByHopRequest(SipRequest request, string? to, string method)
    {
        var hb = request.HeaderBlock;
        var top = hb.IndexOf(HeaderKind.Via);
        if (top >= 0) AddRaw(SipHeaderNames.Via, SipSyntax.SplitList(hb.ValueAt(top))[0]);
        AddRaw(SipHeaderNames.MaxForwards, "70");
        if (hb.First(HeaderKind.From) is { } from) AddRaw(SipHeaderNames.From, from);
        if (to is not null) AddRaw(SipHeaderNames.To, to);
        if (hb.First(HeaderKind.CallId) is { } callId) AddRaw(SipHeaderNames.CallId, callId);
        if (request.CSeq is { } cseq) AddRaw(SipHeaderNames.CSeq, new CSeqHeader(cseq.Number, method).ToString());
        for (var i = hb.IndexOf(HeaderKind.Route); i >= 0; i = hb.IndexOf(HeaderKind.Route, i + 1))
            AddRaw(SipHeaderNames.Route, hb.ValueAt(i));
    }

    private protected override void WriteStartLine(IBufferWriter<byte> writer)
    {
        Write(writer, Method);
        writer.Write(" "u8);
        Write(writer, RequestUri.ToString());
        writer.Write(" SIP/2.0\r\n"u8);
    }

    /// <summary>Serialises and parses back into an immutable request (fails if the headers are not valid SIP).</summary>
    public SipRequest Build()
    {
        if (!SipParser.TryParse(ToArray(), out var m, out var e)) throw new InvalidOperationException($"built request does not parse: {e.Reason}");
        return (SipRequest)m;
    }
}

/// <summary>Builds an outgoing response.</summary>
public sealed class SipResponseBuilder : SipMessageBuilder
{
    public SipResponseBuilder(int statusCode, string? reasonPhrase = null)
    {
        if (statusCode is < 100 or > 699) throw new ArgumentOutOfRangeException(nameof(statusCode));
        StatusCode = statusCode;
        ReasonPhrase = Sanitize(reasonPhrase ?? SipReasonPhrases.Get(statusCode));
    }

    public int StatusCode { get; }

    public string ReasonPhrase { get; }

    /// <summary>
    /// A response to <paramref name="request"/> per §8.2.6.2: Via (all, in order), From, Call-ID, CSeq copied;
    /// To copied with <paramref name="toTag"/> added when it has none (a new random tag when null; not for 100).
    /// Timestamp is copied into 100 Trying (§8.2.6.1).
    /// </summary>
    public static SipResponseBuilder CreateResponse(SipRequest request, int statusCode, string? reasonPhrase = null, string? toTag = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        var b = new SipResponseBuilder(statusCode, reasonPhrase);
        b.CopyResponseHeaders(request.HeaderBlock, statusCode == 100 ? null : toTag ?? SipIds.NewTag());
        return b;
    }

    /// <summary>
    /// An error response to a request that failed the checks: status <paramref name="statusCode"/> with
    /// "<paramref name="problem"/>" in the reason phrase and a Warning 399 (§20.43) from <paramref name="warnAgent"/>.
    /// </summary>
    public static SipResponseBuilder CreateErrorResponse(SipRequest request, int statusCode, string problem, string warnAgent)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CreateError(request.HeaderBlock, statusCode, problem, warnAgent);
    }

    internal static SipResponseBuilder CreateError(HeaderBlock headers, int statusCode, string problem, string warnAgent)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentException.ThrowIfNullOrEmpty(warnAgent);
        var phrase = SipReasonPhrases.Get(statusCode) + " (" + problem + ")";
        var b = new SipResponseBuilder(statusCode, phrase.Length > 200 ? phrase[..200] : phrase);
        b.CopyResponseHeaders(headers, SipIds.NewTag());
        b.AddHeader(SipHeaderNames.Warning, new WarningHeader(399, warnAgent, Sanitize(problem)).ToString());
        return b;
    }

    internal static bool HasResponseHeaders(HeaderBlock h) =>
        h.IndexOf(HeaderKind.Via) >= 0 && h.IndexOf(HeaderKind.From) >= 0 && h.IndexOf(HeaderKind.To) >= 0
        && h.IndexOf(HeaderKind.CallId) >= 0 && h.IndexOf(HeaderKind.CSeq) >= 0;

    private void CopyResponseHeaders(HeaderBlock h, string? toTag)
    {
        for (var i = 0; i < h.Count; i++)
        {
            var k = h.KindAt(i);
            switch (k)
            {
                case HeaderKind.Via:
                case HeaderKind.From:
                case HeaderKind.CallId:
                case HeaderKind.CSeq:
                    AddRaw(SipHeaderNames.CanonicalName(k), h.ValueAt(i));
                    break;
                case HeaderKind.To:
                    var to = h.ValueAt(i);
                    if (toTag is not null && NameAddress.TryParse(to, out var addr, out _) && addr!.Tag is null)
                        to += ";tag=" + toTag;
                    AddRaw(SipHeaderNames.To, to);
                    break;
                case HeaderKind.Timestamp when StatusCode == 100:
                    AddRaw(SipHeaderNames.Timestamp, h.ValueAt(i));
                    break;
            }
        }
    }

    private static string Sanitize(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (var c in s) sb.Append(c < 0x20 || c == 0x7f ? ' ' : c);
        return sb.ToString();
    }

    private protected override void WriteStartLine(IBufferWriter<byte> writer)
    {
        writer.Write("SIP/2.0 "u8);
        Write(writer, StatusCode.ToString(CultureInfo.InvariantCulture));
        writer.Write(" "u8);
        Write(writer, ReasonPhrase);
        writer.Write("\r\n"u8);
    }

    /// <summary>Serialises and parses back into an immutable response.</summary>
    public SipResponse Build()
    {
        if (!SipParser.TryParse(ToArray(), out var m, out var e)) throw new InvalidOperationException($"built response does not parse: {e.Reason}");
        return (SipResponse)m;
    }
}
