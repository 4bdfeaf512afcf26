using System.Globalization;

namespace Telephony.Sip.Messages;

/// <summary>One Via value (RFC 3261 §20.42, §18.2.1; rport RFC 3581).</summary>
public sealed class ViaHeader
{
    /// <summary>The RFC 3261 branch prefix (§8.1.1.7).</summary>
    public const string MagicCookie = "z9hG4bK";

    public ViaHeader(string transport, string host, int? port, SipParameters? parameters = null,
        string protocolName = "SIP", string protocolVersion = "2.0")
    {
        ArgumentException.ThrowIfNullOrEmpty(transport);
        ArgumentException.ThrowIfNullOrEmpty(host);
        Transport = transport;
        Host = host;
        Port = port;
        Parameters = parameters ?? SipParameters.Empty;
        ProtocolName = protocolName;
        ProtocolVersion = protocolVersion;
    }

    public string ProtocolName { get; }

    public string ProtocolVersion { get; }

    /// <summary>Transport as written, e.g. "UDP", "TCP", "TLS", "WS" or an unknown token.</summary>
    public string Transport { get; }

    /// <summary>sent-by host (IPv6 reference keeps its brackets).</summary>
    public string Host { get; }

    /// <summary>sent-by port, null when absent (default per transport).</summary>
    public int? Port { get; }

    public SipParameters Parameters { get; }

    public string? Branch => Parameters.Get("branch");

    /// <summary>True when the branch starts with the magic cookie and has more after it (§17.2.3).</summary>
    public bool IsRfc3261Branch => Branch is { Length: > 7 } b && b.StartsWith(MagicCookie, StringComparison.Ordinal);

    public string? Received => Parameters.Get("received");

    /// <summary>True when an rport parameter is present (with or without a value).</summary>
    public bool HasRPort => Parameters.Contains("rport");

    /// <summary>The rport value, null when absent, empty or not a port.</summary>
    public int? RPort => Parameters.Get("rport") is { } r && SipSyntax.TryParseUInt(r, 65535, out var p) ? (int)p : null;

    public string? MAddr => Parameters.Get("maddr");

    public int? Ttl => Parameters.Get("ttl") is { } t && SipSyntax.TryParseUInt(t, 255, out var v) ? (int)v : null;

    public ViaHeader WithParameter(string name, string? value) =>
        new(Transport, Host, Port, Parameters.With(name, value), ProtocolName, ProtocolVersion);

    public override string ToString()
    {
        var sb = new StringBuilder(64).Append(ProtocolName).Append('/').Append(ProtocolVersion).Append('/')
            .Append(Transport).Append(' ').Append(Host);
        if (Port is { } p) sb.Append(':').Append(p.ToString(CultureInfo.InvariantCulture));
        Parameters.AppendTo(sb);
        return sb.ToString();
    }

    public static bool TryParse(string text, out ViaHeader? via, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var i = 0;
        via = null;
        if (!TryParse(text, ref i, out var v, out error)) return false;
        if (SipSyntax.SkipWs(text, i) != text.Length)
        {
            error = "unexpected text after Via value";
            return false;
        }
        via = v;
        return true;
    }

    /// <summary>Parses the first via-parm of a Via header value (up to a top-level ',' or the end).</summary>
    internal static bool TryParseFirst(string text, out ViaHeader? via)
    {
        var i = 0;
        if (!TryParse(text, ref i, out via, out _)) return false;
        i = SipSyntax.SkipWs(text, i);
        if (i == text.Length || text[i] == ',') return true;
        via = null;
        return false;
    }

    internal static bool TryParseList(string text, List<ViaHeader> into, out string? error) =>
        SipSyntax.TryParseCommaList(text, into, TryParse, "Via", out error);

    private static bool TryParse(ReadOnlySpan<char> s, ref int i, out ViaHeader? via, out string? error)
    {
        via = null;
        // sent-protocol = protocol-name SLASH protocol-version SLASH transport (§25.1, SLASH = SWS "/" SWS)
        const string Malformed = "malformed Via sent-protocol (expected SIP/2.0/transport)";
        if (!SipSyntax.TryReadToken(s, ref i, Malformed, out var name, out error)
            || !SipSyntax.TryReadTokenAfter(s, ref i, '/', Malformed, out var version, out error)
            || !SipSyntax.TryReadTokenAfter(s, ref i, '/', Malformed, out var transport, out error))
        {
            return false;
        }
        i = SipSyntax.SkipWs(s, i);
        var hs = i;
        if (i < s.Length && s[i] == '[')
        {
            while (i < s.Length && s[i] != ']') i++;
            if (i < s.Length) i++;
        }
        else
        {
            while (i < s.Length && (char.IsAsciiLetterOrDigit(s[i]) || s[i] is '-' or '.' or '_')) i++;
        }
        var hostEnd = i;
        var j = SipSyntax.SkipWs(s, i);
        var portSpan = ReadOnlySpan<char>.Empty;
        var hasPort = false;
        if (j < s.Length && s[j] == ':')
        {
            // sent-by = host [ COLON port ], COLON = SWS ":" SWS
            j = SipSyntax.SkipWs(s, j + 1);
            var ps = j;
            while (j < s.Length && char.IsAsciiDigit(s[j])) j++;
            if (j == ps)
            {
                error = "malformed Via sent-by port";
                return false;
            }
            portSpan = s[ps..j];
            hasPort = true;
            i = j;
        }
        if (!SipUri.TryParseHostPort(s[hs..hostEnd], hasPort, portSpan, out var host, out var port, out error))
        {
            error = $"Via sent-by: {error}";
            return false;
        }
        if (!SipParameters.TryParse(s, ref i, true, out var parameters, out var perr))
        {
            error = $"Via: {perr}";
            return false;
        }
        if (parameters.Get("ttl") is { } ttl && !SipSyntax.TryParseUInt(ttl, 255, out _))
        {
            error = "Via ttl must be 0-255";
            return false;
        }
        via = new ViaHeader(transport, host, port, parameters, name, version);
        error = null;
        return true;
    }
}

/// <summary>CSeq (§20.16): sequence number (below 2^31, §8.1.1.5) and method.</summary>
public sealed record CSeqHeader(uint Number, string Method)
{
    public override string ToString() => Number.ToString(CultureInfo.InvariantCulture) + " " + Method;

    public static bool TryParse(string text, out CSeqHeader? value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = null;
        var s = text.AsSpan().Trim(" \t\r\n");
        var i = 0;
        while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
        if (i == 0)
        {
            error = "CSeq has no sequence number";
            return false;
        }
        if (!SipSyntax.TryParseUInt(s[..i], int.MaxValue, out var n))
        {
            error = "CSeq sequence number out of range (must be below 2^31)";
            return false;
        }
        var m = s[i..].TrimStart(" \t\r\n");
        if (m.Length == s.Length - i || !SipSyntax.IsToken(m))
        {
            error = "CSeq method missing or malformed";
            return false;
        }
        value = new CSeqHeader(n, SipMethods.Intern(m));
        error = null;
        return true;
    }
}

/// <summary>
/// Authorization / Proxy-Authorization credentials or WWW-/Proxy-Authenticate challenge (§20.7, §20.27):
/// a scheme and comma-separated auth-params (quoted values unquoted), or a single opaque token (token68).
/// </summary>
public sealed class AuthHeader
{
    public AuthHeader(string scheme, SipParameters parameters, string? token = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(scheme);
        Scheme = scheme;
        Parameters = parameters ?? SipParameters.Empty;
        Token = token;
    }

    public string Scheme { get; }

    public SipParameters Parameters { get; }

    /// <summary>A bare token after the scheme (token68 form), when not in param form.</summary>
    public string? Token { get; }

    public bool IsDigest => Scheme.Equals("Digest", StringComparison.OrdinalIgnoreCase);

    public string? Get(string name) => Parameters.Get(name);

    /// <summary>Serialises with the given parameters quoted (Digest wants realm, nonce, uri, response ... quoted).</summary>
    public string ToString(IReadOnlySet<string> unquoted)
    {
        ArgumentNullException.ThrowIfNull(unquoted);
        var sb = new StringBuilder(128).Append(Scheme);
        if (Token is not null) return sb.Append(' ').Append(Token).ToString();
        for (var i = 0; i < Parameters.Count; i++)
        {
            var p = Parameters[i];
            sb.Append(i == 0 ? " " : ", ").Append(p.Name);
            if (p.Value is null) continue;
            sb.Append('=').Append(unquoted.Contains(p.Name) && SipSyntax.IsToken(p.Value) ? p.Value : SipSyntax.Quote(p.Value));
        }
        return sb.ToString();
    }

    /// <summary>Digest credentials (RFC 3261 §25.1 / RFC 8760): algorithm, qop and nc are tokens; the rest quoted.</summary>
    public static IReadOnlySet<string> CredentialsUnquoted { get; } =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "algorithm", "qop", "nc" };

    /// <summary>Digest challenge: algorithm and stale are tokens; realm, nonce, opaque, domain and qop are quoted.</summary>
    public static IReadOnlySet<string> ChallengeUnquoted { get; } =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "algorithm", "stale" };

    /// <summary>Serialises with the Digest credentials convention (<see cref="CredentialsUnquoted"/>);
    /// use <see cref="ToString(IReadOnlySet{string})"/> with <see cref="ChallengeUnquoted"/> for a challenge.</summary>
    public override string ToString() => ToString(CredentialsUnquoted);

    public static bool TryParse(string text, out AuthHeader? value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = null;
        var s = text.AsSpan();
        var i = 0;
        if (!SipSyntax.TryReadToken(s, ref i, "authentication header has no scheme", out var scheme, out error)) return false;
        i = SipSyntax.SkipWs(s, i);
        var list = new List<SipParameter>();
        if (i < s.Length)
        {
            // token68 form (e.g. "Bearer abc.def=="): one token, possibly ending in '=' padding, and nothing else.
            var probe = i;
            while (probe < s.Length && (SipSyntax.IsTokenChar(s[probe]) || s[probe] == '/')) probe++;
            if (IsToken68Tail(s, probe))
            {
                value = new AuthHeader(scheme, SipParameters.Empty, s[i..].Trim().ToString());
                error = null;
                return true;
            }
            while (true)
            {
                if (!SipSyntax.TryReadToken(s, ref i, "malformed auth-param", out var name, out error)) return false;
                i = SipSyntax.SkipWs(s, i);
                if (i >= s.Length || s[i] != '=')
                {
                    error = $"auth-param '{name}' has no value";
                    return false;
                }
                i = SipSyntax.SkipWs(s, i + 1);
                string v;
                if (i < s.Length && s[i] == '"')
                {
                    if (!SipSyntax.TryReadQuoted(s, i, out v, out var end))
                    {
                        error = $"unterminated quoted value of auth-param '{name}'";
                        return false;
                    }
                    i = end;
                }
                else
                {
                    var vs = i;
                    while (i < s.Length && s[i] != ',' && !SipSyntax.IsWhitespace(s[i])) i++;
                    if (i == vs)
                    {
                        error = $"auth-param '{name}' has an empty value";
                        return false;
                    }
                    v = s[vs..i].ToString();
                }
                list.Add(new SipParameter(name, v));
                i = SipSyntax.SkipWs(s, i);
                if (i >= s.Length) break;
                if (s[i] != ',')
                {
                    error = $"expected ',' after auth-param '{name}'";
                    return false;
                }
                i++;
            }
        }
        value = new AuthHeader(scheme, new SipParameters(list));
        error = null;
        return true;
    }

    /// <summary>True when only '=' padding and whitespace follow <paramref name="end"/>: "abc==" is token68, "name=value" is not.</summary>
    private static bool IsToken68Tail(ReadOnlySpan<char> s, int end)
    {
        var j = end;
        while (j < s.Length && s[j] == '=') j++;
        return SipSyntax.SkipWs(s, j) == s.Length;
    }
}

/// <summary>Event (RFC 6665 §8.2.1): event type with optional id and other parameters.</summary>
public sealed record EventHeader(string EventType, SipParameters Parameters)
{
    public string? Id => Parameters.Get("id");

    public override string ToString() => EventType + Parameters;

    public static bool TryParse(string text, out EventHeader? value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = null;
        var i = 0;
        if (!SipSyntax.TryReadToken(text, ref i, "Event has no event type", out var type, out error)) return false;
        if (!SipParameters.TryParse(text, ref i, false, out var ps, out error))
        {
            error = $"Event: {error}";
            return false;
        }
        value = new EventHeader(type, ps);
        return true;
    }
}

/// <summary>Replaces (RFC 3891 §6.1): the dialog to replace.</summary>
public sealed record ReplacesHeader(string CallId, string ToTag, string FromTag, bool EarlyOnly, SipParameters Parameters)
{
    public override string ToString() => CallId + Parameters;

    public static bool TryParse(string text, out ReplacesHeader? value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        value = null;
        var s = text.AsSpan();
        var i = SipSyntax.SkipWs(s, 0);
        var st = i;
        while (i < s.Length && s[i] != ';' && !SipSyntax.IsWhitespace(s[i])) i++;
        var callId = s[st..i].ToString();
        if (!SipMessage.IsValidCallId(callId))
        {
            error = "Replaces has a malformed Call-ID";
            return false;
        }
        if (!SipParameters.TryParse(s, ref i, false, out var ps, out error))
        {
            error = $"Replaces: {error}";
            return false;
        }
        var to = ps.Get("to-tag");
        var from = ps.Get("from-tag");
        if (to is null || from is null)
        {
            error = "Replaces needs to-tag and from-tag";
            return false;
        }
        value = new ReplacesHeader(callId, to, from, ps.Contains("early-only"), ps);
        return true;
    }
}

/// <summary>Reason (RFC 3326): protocol with cause and text parameters.</summary>
public sealed record ReasonHeader(string Protocol, SipParameters Parameters)
{
    public int? Cause => Parameters.Get("cause") is { } c && SipSyntax.TryParseUInt(c, 65535, out var v) ? (int)v : null;

    public string? Text => Parameters.Get("text");

    public override string ToString() => Protocol + Parameters;

    internal static bool TryParseList(string text, List<ReasonHeader> into, out string? error)
    {
        var s = text.AsSpan();
        var i = 0;
        while (true)
        {
            if (!SipSyntax.TryReadToken(s, ref i, "Reason has no protocol", out var proto, out error)) return false;
            if (!SipParameters.TryParse(s, ref i, true, out var ps, out error))
            {
                error = $"Reason: {error}";
                return false;
            }
            into.Add(new ReasonHeader(proto, ps));
            if (i >= s.Length) return true;
            i++; // ','
        }
    }
}

/// <summary>Warning (§20.43): 3-digit code, agent, quoted text.</summary>
public sealed record WarningHeader(int Code, string Agent, string Text)
{
    public override string ToString() =>
        Code.ToString(CultureInfo.InvariantCulture) + " " + Agent + " " + SipSyntax.Quote(Text);

    internal static bool TryParseList(string text, List<WarningHeader> into, out string? error)
    {
        var s = text.AsSpan();
        var i = 0;
        while (true)
        {
            i = SipSyntax.SkipWs(s, i);
            var st = i;
            while (i < s.Length && char.IsAsciiDigit(s[i])) i++;
            if (i - st != 3)
            {
                error = "Warning code must be three digits";
                return false;
            }
            var code = int.Parse(s[st..i], NumberStyles.None, CultureInfo.InvariantCulture);
            if (i >= s.Length || s[i] != ' ')
            {
                error = "Warning: expected SP after the code";
                return false;
            }
            i = SipSyntax.SkipWs(s, i);
            st = i;
            while (i < s.Length && !SipSyntax.IsWhitespace(s[i])) i++;
            if (i == st)
            {
                error = "Warning has no agent";
                return false;
            }
            var agent = s[st..i].ToString();
            i = SipSyntax.SkipWs(s, i);
            if (!SipSyntax.TryReadQuoted(s, i, out var txt, out var end))
            {
                error = "Warning text must be a quoted string";
                return false;
            }
            into.Add(new WarningHeader(code, agent, txt));
            i = SipSyntax.SkipWs(s, end);
            if (i >= s.Length)
            {
                error = null;
                return true;
            }
            if (s[i] != ',')
            {
                error = "Warning: expected ','";
                return false;
            }
            i++;
        }
    }
}

/// <summary>A media type (Content-Type §20.15, Accept element): type/subtype;params, compared case-insensitively.</summary>
public sealed record MediaType(string Type, string Subtype, SipParameters Parameters)
{
    public string MimeType => Type + "/" + Subtype;

    public bool Is(string type, string subtype) =>
        Type.Equals(type, StringComparison.OrdinalIgnoreCase) && Subtype.Equals(subtype, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when this (possibly wildcard, e.g. "*/*", "application/*") range matches <paramref name="other"/>.</summary>
    public bool Matches(MediaType other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return (Type == "*" || Type.Equals(other.Type, StringComparison.OrdinalIgnoreCase))
            && (Subtype == "*" || Subtype.Equals(other.Subtype, StringComparison.OrdinalIgnoreCase));
    }

    public override string ToString() => MimeType + Parameters;

    public static bool TryParse(string text, out MediaType? value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        var i = 0;
        return TryParse(text, ref i, false, out value, out error);
    }

    public static MediaType Parse(string text) => TryParse(text, out var v, out var e) ? v! : throw new FormatException(e);

    internal static bool TryParse(ReadOnlySpan<char> s, ref int i, bool inList, out MediaType? value, out string? error)
    {
        value = null;
        const string Malformed = "media type must be type/subtype";
        if (!SipSyntax.TryReadToken(s, ref i, Malformed, out var type, out error)) return false;
        if (!SipSyntax.TryReadTokenAfter(s, ref i, '/', Malformed, out var sub, out error)) return false;
        if (!SipParameters.TryParse(s, ref i, inList, out var ps, out error)) return false;
        value = new MediaType(type, sub, ps);
        return true;
    }

    internal static bool TryParseList(string text, List<MediaType> into, out string? error)
    {
        error = null;
        var i = 0;
        if (string.IsNullOrWhiteSpace(text)) return true; // empty Accept: accept nothing (§20.1)
        while (true)
        {
            if (!TryParse(text, ref i, true, out var v, out error)) return false;
            into.Add(v!);
            if (i >= text.Length) return true;
            i++;
        }
    }
}
