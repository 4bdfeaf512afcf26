using System.Buffers;

namespace Telephony.Sip.Messages;

/// <summary>A header line as read: the name as written and the unfolded value.</summary>
public readonly record struct SipHeader(string Name, string Value);

/// <summary>
/// An immutable SIP message (RFC 3261 §7) backed by the bytes it was parsed from.
/// Header lines are indexed once at parse time; strings and typed values are created on first access and cached.
/// Typed accessors never throw: they return null (or an empty list) when the header is absent or malformed;
/// <see cref="ValidateHeaders"/> tells which header is malformed and why.
/// Safe to read from several threads: the lazy caches only ever store equal values.
/// To change a message, copy it into a <see cref="SipRequestBuilder"/> (or use <see cref="SipRequest.WithTopVia"/>).
/// </summary>
public abstract class SipMessage
{
    private readonly HeaderBlock _headers;
    private IReadOnlyList<ViaHeader>? _via;
    private ViaHeader? _topVia;
    private bool _topViaDone;
    private NameAddress? _from, _to;
    private bool _fromDone, _toDone;
    private CSeqHeader? _cseq;
    private bool _cseqDone;
    private IReadOnlyList<NameAddress>? _contacts, _routes, _recordRoutes;
    private string? _validation;
    private bool _validated;

    private protected SipMessage(HeaderBlock headers, ReadOnlyMemory<byte> body, ReadOnlyMemory<byte> raw)
    {
        _headers = headers;
        Body = body;
        RawBytes = raw;
    }

    internal HeaderBlock HeaderBlock => _headers;

    /// <summary>Offset of <see cref="RawBytes"/> within the parsed buffer (leading CRLFs skipped).</summary>
    internal int RawStart { get; init; }

    /// <summary>The body (exactly Content-Length bytes), sharing the received buffer.</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>The bytes of the whole message as received (trailing octets beyond Content-Length excluded).</summary>
    public ReadOnlyMemory<byte> RawBytes { get; }

    public abstract bool IsRequest { get; }

    /// <summary>Method of a request, or the CSeq method of a response (null if unreadable).</summary>
    public abstract string? MethodName { get; }

    // ---------- generic header access ----------

    public int HeaderCount => _headers.Count;

    /// <summary>All header lines in order, names as written, values unfolded.</summary>
    public IEnumerable<SipHeader> Headers
    {
        get
        {
            for (var i = 0; i < _headers.Count; i++) yield return new SipHeader(_headers.NameAt(i), _headers.ValueAt(i));
        }
    }

    /// <summary>True when a header line with this name (any case, long or compact form) exists.</summary>
    public bool HasHeader(string name) => _headers.IndexOf(name) >= 0;

    /// <summary>The number of header lines with this name.</summary>
    public int CountHeader(string name)
    {
        var n = 0;
        for (var i = _headers.IndexOf(name); i >= 0; i = _headers.IndexOf(name, i + 1)) n++;
        return n;
    }

    /// <summary>The value of the first header line with this name, or null.</summary>
    public string? GetHeader(string name)
    {
        var i = _headers.IndexOf(name);
        return i < 0 ? null : _headers.ValueAt(i);
    }

    /// <summary>The values of every header line with this name, one per line (not split at commas).</summary>
    public IReadOnlyList<string> GetHeaderLines(string name)
    {
        var list = new List<string>();
        for (var i = _headers.IndexOf(name); i >= 0; i = _headers.IndexOf(name, i + 1)) list.Add(_headers.ValueAt(i));
        return list;
    }

    /// <summary>
    /// The elements of a header: for list headers (§7.3.1: Via, Contact, Route, Allow, Supported ...) repeated lines
    /// and comma-separated values are combined and split (commas inside quotes and &lt;&gt; kept);
    /// for other headers, one element per line.
    /// </summary>
    public IReadOnlyList<string> GetHeaderValues(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var split = SipHeaderNames.IsList(SipHeaderNames.Lookup(name));
        var list = new List<string>();
        for (var i = _headers.IndexOf(name); i >= 0; i = _headers.IndexOf(name, i + 1))
        {
            if (split)
            {
                foreach (var v in SipSyntax.SplitList(_headers.ValueAt(i)))
                {
                    if (v.Length > 0) list.Add(v);
                }
            }
            else
            {
                list.Add(_headers.ValueAt(i));
            }
        }
        return list;
    }

    // ---------- typed accessors ----------

    /// <summary>All Via values, top first. Empty if absent or any Via is malformed.</summary>
    public IReadOnlyList<ViaHeader> Via => _via ??= ParseVias(out _) ?? [];

    /// <summary>
    /// The first Via value (the hop that sent this message), or null when absent or malformed. Parses only that
    /// value, so it is cheap on the hot path; <see cref="Via"/> and <see cref="ValidateHeaders"/> check the rest.
    /// </summary>
    public ViaHeader? TopVia
    {
        get
        {
            if (_via is not null) return _via.Count > 0 ? _via[0] : null;
            if (!_topViaDone)
            {
                var i = _headers.IndexOf(HeaderKind.Via);
                if (i >= 0 && ViaHeader.TryParseFirst(_headers.ValueAt(i), out var v)) _topVia = v;
                _topViaDone = true;
            }
            return _topVia;
        }
    }

    public NameAddress? From => GetAddress(HeaderKind.From, ref _from, ref _fromDone);

    public NameAddress? To => GetAddress(HeaderKind.To, ref _to, ref _toDone);

    /// <summary>The Call-ID (first line, trimmed), or null.</summary>
    public string? CallId => _headers.First(HeaderKind.CallId);

    public CSeqHeader? CSeq
    {
        get
        {
            if (!_cseqDone)
            {
                if (_headers.First(HeaderKind.CSeq) is { } v && CSeqHeader.TryParse(v, out var c, out _)) _cseq = c;
                _cseqDone = true;
            }
            return _cseq;
        }
    }

    public int? MaxForwards =>
        _headers.First(HeaderKind.MaxForwards) is { } v && SipSyntax.TryParseUInt(v.AsSpan().Trim(), 255, out var n) ? (int)n : null;

    /// <summary>Contact values (empty for "*" or when absent/malformed).</summary>
    public IReadOnlyList<NameAddress> Contacts => _contacts ??= ParseAddressList(HeaderKind.Contact, out _) ?? [];

    /// <summary>True when Contact is "*" (§10.2.2, REGISTER remove-all).</summary>
    public bool IsContactWildcard => _headers.First(HeaderKind.Contact) is { } c && c.Trim() == "*";

    public IReadOnlyList<NameAddress> Routes => _routes ??= ParseAddressList(HeaderKind.Route, out _) ?? [];

    public IReadOnlyList<NameAddress> RecordRoutes => _recordRoutes ??= ParseAddressList(HeaderKind.RecordRoute, out _) ?? [];

    /// <summary>Path values of a REGISTER (RFC 3327), first proxy first; null when a Path header is malformed.</summary>
    public IReadOnlyList<NameAddress>? Paths => ParseAddressList(HeaderKind.Path, out _);

    /// <summary>The declared Content-Length, or null when absent or malformed.</summary>
    public int? ContentLength =>
        _headers.First(HeaderKind.ContentLength) is { } v && SipSyntax.TryParseUInt(v.AsSpan().Trim(), int.MaxValue, out var n) ? (int)n : null;

    public MediaType? ContentType =>
        _headers.First(HeaderKind.ContentType) is { } v && MediaType.TryParse(v, out var m, out _) ? m : null;

    public uint? Expires =>
        _headers.First(HeaderKind.Expires) is { } v && SipSyntax.TryParseUInt(v.AsSpan().Trim(), uint.MaxValue, out var n) ? n : null;

    public IReadOnlyList<string> Require => Tokens(SipHeaderNames.Require);

    public IReadOnlyList<string> ProxyRequire => Tokens(SipHeaderNames.ProxyRequire);

    public IReadOnlyList<string> Supported => Tokens(SipHeaderNames.Supported);

    public IReadOnlyList<string> Unsupported => Tokens(SipHeaderNames.Unsupported);

    public IReadOnlyList<string> Allow => Tokens(SipHeaderNames.Allow);

    public IReadOnlyList<AuthHeader> Authorization => Auth(HeaderKind.Authorization);

    public IReadOnlyList<AuthHeader> ProxyAuthorization => Auth(HeaderKind.ProxyAuthorization);

    public IReadOnlyList<AuthHeader> WwwAuthenticate => Auth(HeaderKind.WwwAuthenticate);

    public IReadOnlyList<AuthHeader> ProxyAuthenticate => Auth(HeaderKind.ProxyAuthenticate);

    public EventHeader? Event =>
        _headers.First(HeaderKind.Event) is { } v && EventHeader.TryParse(v, out var e, out _) ? e : null;

    public NameAddress? ReferTo =>
        _headers.First(HeaderKind.ReferTo) is { } v && NameAddress.TryParse(v, out var a, out _) ? a : null;

    public ReplacesHeader? Replaces =>
        _headers.First(HeaderKind.Replaces) is { } v && ReplacesHeader.TryParse(v, out var r, out _) ? r : null;

    public IReadOnlyList<ReasonHeader> Reasons => ParseList<ReasonHeader>(HeaderKind.Reason, ReasonHeader.TryParseList, out _) ?? [];

    public IReadOnlyList<WarningHeader> Warnings => ParseList<WarningHeader>(HeaderKind.Warning, WarningHeader.TryParseList, out _) ?? [];

    /// <summary>Accept media ranges; empty if absent or malformed.</summary>
    public IReadOnlyList<MediaType> Accept => ParseList<MediaType>(HeaderKind.Accept, MediaType.TryParseList, out _) ?? [];

    private IReadOnlyList<string> Tokens(string name)
    {
        var values = GetHeaderValues(name);
        return values;
    }

    private List<AuthHeader> Auth(HeaderKind kind)
    {
        var list = new List<AuthHeader>();
        for (var i = _headers.IndexOf(kind); i >= 0; i = _headers.IndexOf(kind, i + 1))
        {
            if (AuthHeader.TryParse(_headers.ValueAt(i), out var a, out _)) list.Add(a!);
        }
        return list;
    }

    private NameAddress? GetAddress(HeaderKind kind, ref NameAddress? cache, ref bool done)
    {
        if (!done)
        {
            if (_headers.First(kind) is { } v && NameAddress.TryParse(v, out var a, out _)) cache = a;
            done = true;
        }
        return cache;
    }

    private List<ViaHeader>? ParseVias(out string? error) => ParseList<ViaHeader>(HeaderKind.Via, ViaHeader.TryParseList, out error, capacity: 2);

    private delegate bool ListParser<T>(string value, List<T> into, out string? error);

    /// <summary>
    /// Every line of a list header parsed into one list (§7.3.1: "a, b" and two lines "a" / "b" are the same);
    /// null, with the first error, when one line is malformed. Static method groups: no delegate per call.
    /// </summary>
    private List<T>? ParseList<T>(HeaderKind kind, ListParser<T> parse, out string? error, int capacity = 0)
    {
        error = null;
        var list = new List<T>(capacity);
        for (var i = _headers.IndexOf(kind); i >= 0; i = _headers.IndexOf(kind, i + 1))
        {
            if (!parse(_headers.ValueAt(i), list, out error)) return null;
        }
        return list;
    }

    private List<NameAddress>? ParseAddressList(HeaderKind kind, out string? error)
    {
        error = null;
        var list = new List<NameAddress>();
        for (var i = _headers.IndexOf(kind); i >= 0; i = _headers.IndexOf(kind, i + 1))
        {
            var v = _headers.ValueAt(i);
            if (kind == HeaderKind.Contact && v.Trim() == "*") continue;
            if (!NameAddress.TryParseList(v, list, out error)) return null;
        }
        return list;
    }

    // ---------- validation ----------

    /// <summary>
    /// Checks the headers every message must carry and every single-valued header it has (§8.1.1, §20, §25):
    /// Via, From, To, Call-ID, CSeq present and well-formed and not repeated; Max-Forwards, Content-Length,
    /// Expires, Content-Type, Contact, Route, Record-Route well-formed when present. Returns null when fine,
    /// else the precise reason. Cached.
    /// </summary>
    public string? ValidateHeaders()
    {
        if (!_validated)
        {
            _validation = Validate();
            _validated = true;
        }
        return _validation;
    }

    private protected virtual string? Validate()
    {
        string? missing = null;
        foreach (var (kind, name) in Mandatory)
        {
            if (_headers.IndexOf(kind) < 0) missing = missing is null ? name : missing + ", " + name;
        }
        if (missing is not null) return $"missing mandatory header(s): {missing}";
        foreach (var (kind, name) in SingleValued)
        {
            if (_headers.CountOf(kind) > 1) return $"several {name} header fields";
        }
        if (_headers.CountOf(HeaderKind.ContentLength) > 1 || (_headers.First(HeaderKind.ContentLength)?.Contains(',', StringComparison.Ordinal) ?? false))
            return "several Content-Length values";
        if (ParseVias(out var err) is null) return $"malformed Via: {err}";
        if (!NameAddress.TryParse(_headers.First(HeaderKind.From), out _, out err)) return $"malformed From: {err}";
        if (!NameAddress.TryParse(_headers.First(HeaderKind.To), out _, out err)) return $"malformed To: {err}";
        if (!IsValidCallId(_headers.First(HeaderKind.CallId)!.Trim())) return "malformed Call-ID";
        if (!CSeqHeader.TryParse(_headers.First(HeaderKind.CSeq)!, out _, out err)) return $"malformed CSeq: {err}";
        if (_headers.First(HeaderKind.MaxForwards) is { } mf && !SipSyntax.TryParseUInt(mf.AsSpan().Trim(), 255, out _))
            return $"malformed Max-Forwards '{AddressUri.Trunc(mf)}' (must be 0-255)";
        if (_headers.First(HeaderKind.Expires) is { } ex && !SipSyntax.TryParseUInt(ex.AsSpan().Trim(), uint.MaxValue, out _))
            return $"malformed Expires '{AddressUri.Trunc(ex)}' (must be 0-4294967295)";
        if (_headers.First(HeaderKind.ContentType) is { } ct && !MediaType.TryParse(ct, out _, out err))
            return $"malformed Content-Type: {err}";
        if (!IsContactWildcard && ParseAddressList(HeaderKind.Contact, out err) is { } contacts)
        {
            foreach (var c in contacts)
            {
                if (c.Parameters.Get("expires") is { } ce && !SipSyntax.TryParseUInt(ce, uint.MaxValue, out _))
                    return $"malformed Contact expires '{AddressUri.Trunc(ce)}'";
            }
        }
        else if (err is not null) return $"malformed Contact: {err}";
        if (ParseAddressList(HeaderKind.Route, out err) is null) return $"malformed Route: {err}";
        if (ParseAddressList(HeaderKind.RecordRoute, out err) is null) return $"malformed Record-Route: {err}";
        // Date (§20.17) is not checked: nothing here reads it, and RFC 4475 §3.1.2.12 (baddate) prefers ignoring a
        // non-GMT Date to refusing the whole request over an informational header.
        return null;
    }

    private static readonly (HeaderKind, string)[] Mandatory =
    [
        (HeaderKind.To, SipHeaderNames.To), (HeaderKind.From, SipHeaderNames.From), (HeaderKind.CallId, SipHeaderNames.CallId),
        (HeaderKind.CSeq, SipHeaderNames.CSeq), (HeaderKind.Via, SipHeaderNames.Via),
    ];

    private static readonly (HeaderKind, string)[] SingleValued =
    [
        (HeaderKind.To, SipHeaderNames.To), (HeaderKind.From, SipHeaderNames.From), (HeaderKind.CallId, SipHeaderNames.CallId),
        (HeaderKind.CSeq, SipHeaderNames.CSeq), (HeaderKind.MaxForwards, SipHeaderNames.MaxForwards),
        (HeaderKind.ContentType, SipHeaderNames.ContentType), (HeaderKind.Expires, SipHeaderNames.Expires),
    ];

    /// <summary>callid = word [ "@" word ] (§25.1).</summary>
    internal static bool IsValidCallId(string? callId)
    {
        if (string.IsNullOrEmpty(callId)) return false;
        var at = callId.IndexOf('@', StringComparison.Ordinal);
        var a = at >= 0 ? callId.AsSpan(0, at) : callId.AsSpan();
        var b = at >= 0 ? callId.AsSpan(at + 1) : ReadOnlySpan<char>.Empty;
        if (a.IsEmpty || (at >= 0 && b.IsEmpty)) return false;
        foreach (var c in a) if (!SipSyntax.IsWordChar(c)) return false;
        foreach (var c in b) if (!SipSyntax.IsWordChar(c)) return false;
        return true;
    }

    // ---------- serialization ----------

    /// <summary>Writes the message as received (start line, header lines, empty line, body).</summary>
    public void WriteTo(IBufferWriter<byte> writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(RawBytes.Span);
    }

    public byte[] ToArray() => RawBytes.ToArray();

    public override string ToString() => System.Text.Encoding.UTF8.GetString(RawBytes.Span);
}
