namespace Telephony.Sip.Messages;

/// <summary>Canonical SIP header names, and recognition of long/compact forms (RFC 3261 §7.3.3, §20).</summary>
public static class SipHeaderNames
{
    public const string Accept = "Accept";
    public const string AcceptEncoding = "Accept-Encoding";
    public const string AcceptLanguage = "Accept-Language";
    public const string AlertInfo = "Alert-Info";
    public const string Allow = "Allow";
    public const string AllowEvents = "Allow-Events";
    public const string AuthenticationInfo = "Authentication-Info";
    public const string Authorization = "Authorization";
    public const string CallId = "Call-ID";
    public const string CallInfo = "Call-Info";
    public const string Contact = "Contact";
    public const string ContentDisposition = "Content-Disposition";
    public const string ContentEncoding = "Content-Encoding";
    public const string ContentLanguage = "Content-Language";
    public const string ContentLength = "Content-Length";
    public const string ContentType = "Content-Type";
    public const string CSeq = "CSeq";
    public const string Date = "Date";
    public const string ErrorInfo = "Error-Info";
    public const string Event = "Event";
    public const string Expires = "Expires";
    public const string From = "From";
    public const string InReplyTo = "In-Reply-To";
    public const string MaxForwards = "Max-Forwards";
    public const string MinExpires = "Min-Expires";
    public const string MimeVersion = "MIME-Version";
    public const string Organization = "Organization";
    public const string Priority = "Priority";
    public const string ProxyAuthenticate = "Proxy-Authenticate";
    public const string ProxyAuthorization = "Proxy-Authorization";
    public const string ProxyRequire = "Proxy-Require";
    public const string RAck = "RAck";
    public const string Reason = "Reason";
    public const string RecordRoute = "Record-Route";
    public const string ReferTo = "Refer-To";
    public const string ReferredBy = "Referred-By";
    public const string Replaces = "Replaces";
    public const string ReplyTo = "Reply-To";
    public const string Require = "Require";
    public const string RetryAfter = "Retry-After";
    public const string Route = "Route";
    public const string RSeq = "RSeq";
    public const string Server = "Server";
    public const string SessionExpires = "Session-Expires";
    public const string Subject = "Subject";
    public const string SubscriptionState = "Subscription-State";
    public const string Supported = "Supported";
    public const string Timestamp = "Timestamp";
    public const string To = "To";
    public const string Unsupported = "Unsupported";
    public const string UserAgent = "User-Agent";
    public const string Via = "Via";
    public const string Warning = "Warning";
    public const string WwwAuthenticate = "WWW-Authenticate";
    public const string Path = "Path";
    public const string ServiceRoute = "Service-Route";
    public const string Identity = "Identity";
    public const string AcceptContact = "Accept-Contact";
    public const string RejectContact = "Reject-Contact";
    public const string RequestDisposition = "Request-Disposition";
    public const string IdentityInfo = "Identity-Info";

    private static readonly Dictionary<string, HeaderKind> ByName = BuildTable();

    private static readonly Dictionary<string, HeaderKind>.AlternateLookup<ReadOnlySpan<char>> ByNameSpan =
        ByName.GetAlternateLookup<ReadOnlySpan<char>>();

    private static readonly string[] CanonicalByKind = BuildCanonical();

    private static Dictionary<string, HeaderKind> BuildTable()
    {
        var d = new Dictionary<string, HeaderKind>(StringComparer.OrdinalIgnoreCase);
        foreach (var kind in Enum.GetValues<HeaderKind>())
        {
            if (kind == HeaderKind.Unknown) continue;
            d[Canonical(kind)] = kind;
        }
        // §7.3.3 compact forms, plus those registered by extensions (RFC 3515, 3892, 4028, 6665, 3841, 8224).
        d["i"] = HeaderKind.CallId;
        d["m"] = HeaderKind.Contact;
        d["e"] = HeaderKind.ContentEncoding;
        d["l"] = HeaderKind.ContentLength;
        d["c"] = HeaderKind.ContentType;
        d["f"] = HeaderKind.From;
        d["s"] = HeaderKind.Subject;
        d["k"] = HeaderKind.Supported;
        d["t"] = HeaderKind.To;
        d["v"] = HeaderKind.Via;
        d["o"] = HeaderKind.Event;
        d["u"] = HeaderKind.AllowEvents;
        d["r"] = HeaderKind.ReferTo;
        d["b"] = HeaderKind.ReferredBy;
        d["x"] = HeaderKind.SessionExpires;
        d["y"] = HeaderKind.Identity;
        d["a"] = HeaderKind.AcceptContact;
        d["j"] = HeaderKind.RejectContact;
        d["d"] = HeaderKind.RequestDisposition;
        d["n"] = HeaderKind.IdentityInfo;
        return d;
    }

    private static string[] BuildCanonical()
    {
        var values = Enum.GetValues<HeaderKind>();
        var arr = new string[values.Length];
        foreach (var k in values) arr[(int)k] = k == HeaderKind.Unknown ? string.Empty : Canonical(k);
        return arr;
    }

    private static string Canonical(HeaderKind kind) => kind switch
    {
        HeaderKind.Accept => Accept,
        HeaderKind.AcceptEncoding => AcceptEncoding,
        HeaderKind.AcceptLanguage => AcceptLanguage,
        HeaderKind.AlertInfo => AlertInfo,
        HeaderKind.Allow => Allow,
        HeaderKind.AllowEvents => AllowEvents,
        HeaderKind.AuthenticationInfo => AuthenticationInfo,
        HeaderKind.Authorization => Authorization,
        HeaderKind.CallId => CallId,
        HeaderKind.CallInfo => CallInfo,
        HeaderKind.Contact => Contact,
        HeaderKind.ContentDisposition => ContentDisposition,
        HeaderKind.ContentEncoding => ContentEncoding,
        HeaderKind.ContentLanguage => ContentLanguage,
        HeaderKind.ContentLength => ContentLength,
        HeaderKind.ContentType => ContentType,
        HeaderKind.CSeq => CSeq,
        HeaderKind.Date => Date,
        HeaderKind.ErrorInfo => ErrorInfo,
        HeaderKind.Event => Event,
        HeaderKind.Expires => Expires,
        HeaderKind.From => From,
        HeaderKind.InReplyTo => InReplyTo,
        HeaderKind.MaxForwards => MaxForwards,
        HeaderKind.MinExpires => MinExpires,
        HeaderKind.MimeVersion => MimeVersion,
        HeaderKind.Organization => Organization,
        HeaderKind.Priority => Priority,
        HeaderKind.ProxyAuthenticate => ProxyAuthenticate,
        HeaderKind.ProxyAuthorization => ProxyAuthorization,
        HeaderKind.ProxyRequire => ProxyRequire,
        HeaderKind.RAck => RAck,
        HeaderKind.Reason => Reason,
        HeaderKind.RecordRoute => RecordRoute,
        HeaderKind.ReferTo => ReferTo,
        HeaderKind.ReferredBy => ReferredBy,
        HeaderKind.Replaces => Replaces,
        HeaderKind.ReplyTo => ReplyTo,
        HeaderKind.Require => Require,
        HeaderKind.RetryAfter => RetryAfter,
        HeaderKind.Route => Route,
        HeaderKind.RSeq => RSeq,
        HeaderKind.Server => Server,
        HeaderKind.SessionExpires => SessionExpires,
        HeaderKind.Subject => Subject,
        HeaderKind.SubscriptionState => SubscriptionState,
        HeaderKind.Supported => Supported,
        HeaderKind.Timestamp => Timestamp,
        HeaderKind.To => To,
        HeaderKind.Unsupported => Unsupported,
        HeaderKind.UserAgent => UserAgent,
        HeaderKind.Via => Via,
        HeaderKind.Warning => Warning,
        HeaderKind.WwwAuthenticate => WwwAuthenticate,
        HeaderKind.Path => Path,
        HeaderKind.ServiceRoute => ServiceRoute,
        HeaderKind.Identity => Identity,
        HeaderKind.AcceptContact => AcceptContact,
        HeaderKind.RejectContact => RejectContact,
        HeaderKind.RequestDisposition => RequestDisposition,
        HeaderKind.IdentityInfo => IdentityInfo,
        _ => string.Empty,
    };

    /// <summary>
    /// The canonical long name for a header name given in any case or compact form
    /// (e.g. "i" → "Call-ID", "cseq" → "CSeq"); unknown names are returned unchanged.
    /// </summary>
    public static string Normalize(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var k = Lookup(name);
        return k == HeaderKind.Unknown ? name : CanonicalByKind[(int)k];
    }

    /// <summary>True when both names denote the same header (compact forms and case ignored).</summary>
    public static bool AreSame(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var ka = Lookup(a);
        return ka != HeaderKind.Unknown ? ka == Lookup(b) : string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
    }

    internal static HeaderKind Lookup(ReadOnlySpan<char> name) =>
        ByNameSpan.TryGetValue(name, out var k) ? k : HeaderKind.Unknown;

    // Names bucketed by length, lower-cased ASCII, for allocation-free matching against received bytes.
    private static readonly (byte[] Lower, HeaderKind Kind)[][] ByLength = BuildByLength();

    private static (byte[], HeaderKind)[][] BuildByLength()
    {
        var max = ByName.Keys.Max(k => k.Length);
        var buckets = new List<(byte[], HeaderKind)>[max + 1];
        foreach (var (name, kind) in ByName)
        {
            (buckets[name.Length] ??= []).Add((System.Text.Encoding.ASCII.GetBytes(name.ToLowerInvariant()), kind));
        }
        return buckets.Select(b => b?.ToArray() ?? []).ToArray();
    }

    internal static HeaderKind Lookup(ReadOnlySpan<byte> asciiName)
    {
        if (asciiName.Length >= ByLength.Length) return HeaderKind.Unknown;
        foreach (var (lower, kind) in ByLength[asciiName.Length])
        {
            var i = 0;
            // Header names are tokens; OR-ing 0x20 lower-cases letters and leaves '-' and digits as they are.
            while (i < lower.Length && (asciiName[i] | 0x20) == lower[i]) i++;
            if (i == lower.Length) return kind;
        }
        return HeaderKind.Unknown;
    }

    internal static string CanonicalName(HeaderKind kind) => CanonicalByKind[(int)kind];

    /// <summary>Headers whose value is a comma-separated list (§7.3.1), so repeated lines and commas are equivalent.</summary>
    internal static bool IsList(HeaderKind kind) => kind is HeaderKind.Via or HeaderKind.Contact or HeaderKind.Route
        or HeaderKind.RecordRoute or HeaderKind.Allow or HeaderKind.Supported or HeaderKind.Require
        or HeaderKind.ProxyRequire or HeaderKind.Unsupported or HeaderKind.Accept or HeaderKind.AcceptEncoding
        or HeaderKind.AcceptLanguage or HeaderKind.ContentEncoding or HeaderKind.ContentLanguage
        or HeaderKind.AllowEvents or HeaderKind.Warning or HeaderKind.Reason or HeaderKind.CallInfo
        or HeaderKind.AlertInfo or HeaderKind.ErrorInfo or HeaderKind.InReplyTo or HeaderKind.Path
        or HeaderKind.ServiceRoute or HeaderKind.AcceptContact or HeaderKind.RejectContact;
}

internal enum HeaderKind : byte
{
    Unknown,
    Accept, AcceptEncoding, AcceptLanguage, AlertInfo, Allow, AllowEvents, AuthenticationInfo, Authorization,
    CallId, CallInfo, Contact, ContentDisposition, ContentEncoding, ContentLanguage, ContentLength, ContentType,
    CSeq, Date, ErrorInfo, Event, Expires, From, InReplyTo, MaxForwards, MinExpires, MimeVersion, Organization,
    Priority, ProxyAuthenticate, ProxyAuthorization, ProxyRequire, RAck, Reason, RecordRoute, ReferTo, ReferredBy,
    Replaces, ReplyTo, Require, RetryAfter, Route, RSeq, Server, SessionExpires, Subject, SubscriptionState,
    Supported, Timestamp, To, Unsupported, UserAgent, Via, Warning, WwwAuthenticate, Path, ServiceRoute, Identity,
    AcceptContact, RejectContact, RequestDisposition, IdentityInfo,
}
