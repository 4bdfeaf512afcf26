using System.Globalization;
using System.Net.Sockets;

namespace Telephony.Sip.Messages;

/// <summary>
/// A URI as it appears in SIP (Request-URI, name-addr): <see cref="SipUri"/> for sip/sips,
/// <see cref="TelUri"/> for tel (RFC 3966), <see cref="GenericUri"/> for any other absoluteURI.
/// Immutable; equality follows the scheme's comparison rules (RFC 3261 §19.1.4 for SIP).
/// </summary>
public abstract class AddressUri : IEquatable<AddressUri>
{
    /// <summary>Lower-case scheme, e.g. "sip", "sips", "tel".</summary>
    public abstract string Scheme { get; }

    public abstract bool Equals(AddressUri? other);

    public override bool Equals(object? obj) => obj is AddressUri u && Equals(u);

    public abstract override int GetHashCode();

    public abstract override string ToString();

    public static bool operator ==(AddressUri? a, AddressUri? b) => a is null ? b is null : a.Equals(b);

    public static bool operator !=(AddressUri? a, AddressUri? b) => !(a == b);

    /// <summary>Parses any absoluteURI; never throws. <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse(string? text, out AddressUri? uri, out string? error)
    {
        uri = null;
        if (string.IsNullOrEmpty(text))
        {
            error = "empty URI";
            return false;
        }
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || !char.IsAsciiLetter(text[0]))
        {
            error = $"URI '{Trunc(text)}' has no scheme";
            return false;
        }
        for (var i = 1; i < colon; i++)
        {
            var c = text[i];
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('+' or '-' or '.'))
            {
                error = $"URI '{Trunc(text)}' has an invalid scheme";
                return false;
            }
        }
        var scheme = text[..colon];
        if (scheme.Equals("sip", StringComparison.OrdinalIgnoreCase) || scheme.Equals("sips", StringComparison.OrdinalIgnoreCase))
        {
            var ok = SipUri.TryParseCore(text, colon, out var sip, out error);
            uri = sip;
            return ok;
        }
        if (scheme.Equals("tel", StringComparison.OrdinalIgnoreCase))
        {
            var ok = TelUri.TryParseCore(text, colon, out var tel, out error);
            uri = tel;
            return ok;
        }
        var okg = GenericUri.TryParseCore(text, colon, out var g, out error);
        uri = g;
        return okg;
    }

    /// <summary>Parses or throws <see cref="FormatException"/> (for literals in code, not for network input).</summary>
    public static AddressUri Parse(string text) =>
        TryParse(text, out var uri, out var error) ? uri! : throw new FormatException(error);

    internal static string Trunc(string s) => s.Length <= 64 ? s : s[..64] + "...";
}

/// <summary>A sip: or sips: URI (RFC 3261 §19.1). User, password, parameter and header values are stored unescaped.</summary>
public sealed class SipUri : AddressUri
{
    private string? _text;

    public SipUri(string host, string? user = null, int? port = null, bool secure = false,
        SipParameters? parameters = null, SipParameters? headers = null, string? password = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(host);
        if (port is < 0 or > 65535) throw new ArgumentOutOfRangeException(nameof(port));
        Host = host;
        User = user;
        Port = port;
        IsSecure = secure;
        Parameters = parameters ?? SipParameters.Empty;
        Headers = headers ?? SipParameters.Empty;
        Password = password;
    }

    public override string Scheme => IsSecure ? "sips" : "sip";

    public bool IsSecure { get; }

    /// <summary>Unescaped user part, or null when the URI has no userinfo.</summary>
    public string? User { get; }

    public string? Password { get; }

    /// <summary>Host name, IPv4 address, or IPv6 reference including the brackets.</summary>
    public string Host { get; }

    public int? Port { get; }

    public SipParameters Parameters { get; }

    /// <summary>URI headers (<c>?name=value&amp;...</c>), unescaped.</summary>
    public SipParameters Headers { get; }

    public string? Transport => Parameters.Get("transport");

    public bool LooseRouting => Parameters.Contains("lr");

    public string? MAddr => Parameters.Get("maddr");

    public string? UserParameter => Parameters.Get("user");

    public string? MethodParameter => Parameters.Get("method");

    public SipUri WithParameter(string name, string? value) =>
        new(Host, User, Port, IsSecure, Parameters.With(name, value), Headers, Password);

    public SipUri WithoutParameter(string name) =>
        new(Host, User, Port, IsSecure, Parameters.Without(name), Headers, Password);

    public SipUri WithoutHeaders() => new(Host, User, Port, IsSecure, Parameters, SipParameters.Empty, Password);

    public SipUri WithHostPort(string host, int? port) => new(host, User, port, IsSecure, Parameters, Headers, Password);

    public SipUri WithUser(string? user) => new(Host, user, Port, IsSecure, Parameters, Headers, Password);

    public override string ToString() => _text ??= Build();

    private string Build()
    {
        var sb = new StringBuilder(64).Append(Scheme).Append(':');
        if (User is not null)
        {
            sb.Append(SipSyntax.Escape(User, SipSyntax.IsUserChar));
            if (Password is not null) sb.Append(':').Append(SipSyntax.Escape(Password, SipSyntax.IsPasswordChar));
            sb.Append('@');
        }
        sb.Append(Host);
        if (Port is { } p) sb.Append(':').Append(p.ToString(CultureInfo.InvariantCulture));
        foreach (var prm in Parameters)
        {
            sb.Append(';').Append(SipSyntax.Escape(prm.Name, SipSyntax.IsParamChar));
            if (prm.Value is not null) sb.Append('=').Append(SipSyntax.Escape(prm.Value, SipSyntax.IsParamChar));
        }
        for (var i = 0; i < Headers.Count; i++)
        {
            sb.Append(i == 0 ? '?' : '&').Append(SipSyntax.Escape(Headers[i].Name, SipSyntax.IsHeaderChar))
              .Append('=').Append(SipSyntax.Escape(Headers[i].Value ?? string.Empty, SipSyntax.IsHeaderChar));
        }
        return sb.ToString();
    }

    public static bool TryParse(string? text, out SipUri? uri, out string? error)
    {
        uri = null;
        if (!AddressUri.TryParse(text, out var any, out error)) return false;
        uri = any as SipUri;
        if (uri is null) error = $"'{Trunc(text!)}' is not a sip or sips URI";
        return uri is not null;
    }

    public static new SipUri Parse(string text) =>
        TryParse(text, out var uri, out var error) ? uri! : throw new FormatException(error);

    internal static bool TryParseCore(string text, int colon, out SipUri? uri, out string? error)
    {
        uri = null;
        var secure = colon == 4;
        var s = text.AsSpan(colon + 1);
        string? user = null, password = null;
        var at = s.IndexOf('@');
        if (at >= 0)
        {
            var userinfo = s[..at];
            var pc = userinfo.IndexOf(':');
            var userSpan = pc >= 0 ? userinfo[..pc] : userinfo;
            if (userSpan.IsEmpty || !SipSyntax.IsEscapedRun(userSpan, SipSyntax.IsUserChar))
            {
                error = $"invalid user part in '{Trunc(text)}'";
                return false;
            }
            user = SipSyntax.Unescape(userSpan.ToString());
            if (pc >= 0)
            {
                var pw = userinfo[(pc + 1)..];
                if (!SipSyntax.IsEscapedRun(pw, SipSyntax.IsPasswordChar))
                {
                    error = $"invalid password in '{Trunc(text)}'";
                    return false;
                }
                password = SipSyntax.Unescape(pw.ToString());
            }
            s = s[(at + 1)..];
        }
        var hostEnd = s.IndexOfAny(';', '?');
        var hostport = hostEnd >= 0 ? s[..hostEnd] : s;
        if (!TryParseHostPort(hostport, out var host, out var port, out error))
        {
            error = $"{error} in '{Trunc(text)}'";
            return false;
        }
        var rest = hostEnd >= 0 ? s[hostEnd..] : ReadOnlySpan<char>.Empty;
        var parameters = SipParameters.Empty;
        var headers = SipParameters.Empty;
        var q = rest.IndexOf('?');
        var paramPart = q >= 0 ? rest[..q] : rest;
        if (!paramPart.IsEmpty && !TryParseUriParams(paramPart, ';', SipSyntax.IsParamChar, true, out parameters))
        {
            error = $"invalid URI parameter in '{Trunc(text)}'";
            return false;
        }
        if (q >= 0 && !TryParseUriParams(rest[q..], '&', SipSyntax.IsHeaderChar, false, out headers))
        {
            error = $"invalid URI header in '{Trunc(text)}'";
            return false;
        }
        uri = new SipUri(host, user, port, secure, parameters, headers, password) { _text = text };
        return true;
    }

    /// <summary>Parses host[:port]; host is a hostname, IPv4 address, or bracketed IPv6 reference.</summary>
    internal static bool TryParseHostPort(ReadOnlySpan<char> host, bool hasPort, ReadOnlySpan<char> port, out string hostText, out int? portValue, out string? error)
    {
        portValue = null;
        hostText = string.Empty;
        if (!TryParseHostPort(host, out hostText, out _, out error)) return false;
        if (!hasPort) return true;
        if (!SipSyntax.TryParseUInt(port, 65535, out var p))
        {
            error = "invalid port";
            return false;
        }
        portValue = (int)p;
        return true;
    }

    internal static bool TryParseHostPort(ReadOnlySpan<char> s, out string host, out int? port, out string? error)
    {
        host = string.Empty;
        port = null;
        error = null;
        ReadOnlySpan<char> h;
        ReadOnlySpan<char> portSpan = default;
        var hasPort = false;
        if (!s.IsEmpty && s[0] == '[')
        {
            var close = s.IndexOf(']');
            if (close < 0)
            {
                error = "unterminated IPv6 reference";
                return false;
            }
            h = s[..(close + 1)];
            if (!IPAddress.TryParse(h[1..^1], out var ip6) || ip6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                error = "invalid IPv6 reference";
                return false;
            }
            var after = s[(close + 1)..];
            if (!after.IsEmpty)
            {
                if (after[0] != ':')
                {
                    error = "junk after IPv6 reference";
                    return false;
                }
                portSpan = after[1..];
                hasPort = true;
            }
        }
        else
        {
            var c = s.IndexOf(':');
            h = c >= 0 ? s[..c] : s;
            if (c >= 0)
            {
                portSpan = s[(c + 1)..];
                hasPort = true;
            }
            if (h.IsEmpty)
            {
                error = "empty host";
                return false;
            }
            foreach (var ch in h)
            {
                if (!char.IsAsciiLetterOrDigit(ch) && ch is not ('-' or '.' or '_'))
                {
                    error = $"invalid character '{ch}' in host";
                    return false;
                }
            }
            if (h[0] is '-' or '.')
            {
                error = "invalid host";
                return false;
            }
        }
        if (hasPort)
        {
            if (!SipSyntax.TryParseUInt(portSpan, 65535, out var p))
            {
                error = "invalid port";
                return false;
            }
            port = (int)p;
        }
        host = h.ToString();
        return true;
    }

    private static bool TryParseUriParams(ReadOnlySpan<char> s, char separator, Func<char, bool> allowed, bool valueOptional, out SipParameters result)
    {
        result = SipParameters.Empty;
        var list = new List<SipParameter>();
        // s starts with the leading separator (';' or '?').
        var i = 1;
        while (i <= s.Length)
        {
            var next = s[i..].IndexOf(separator);
            var part = next >= 0 ? s.Slice(i, next) : s[i..];
            var eq = part.IndexOf('=');
            var name = eq >= 0 ? part[..eq] : part;
            if (name.IsEmpty || !SipSyntax.IsEscapedRun(name, allowed)) return false;
            string? value = null;
            if (eq >= 0)
            {
                var v = part[(eq + 1)..];
                if ((valueOptional && v.IsEmpty) || !SipSyntax.IsEscapedRun(v, allowed)) return false;
                value = SipSyntax.Unescape(v.ToString());
            }
            else if (!valueOptional)
            {
                return false;
            }
            list.Add(new SipParameter(SipSyntax.Unescape(name.ToString()), value));
            if (next < 0) break;
            i += next + 1;
        }
        result = new SipParameters(list);
        return true;
    }

    private static readonly string[] SignificantParams = ["user", "ttl", "method", "maddr", "transport"];

    /// <summary>RFC 3261 §19.1.4 comparison.</summary>
    public override bool Equals(AddressUri? other)
    {
        if (other is not SipUri o) return false;
        if (ReferenceEquals(this, o)) return true;
        if (IsSecure != o.IsSecure) return false;
        if (!string.Equals(User, o.User, StringComparison.Ordinal)) return false;
        if (!string.Equals(Password, o.Password, StringComparison.Ordinal)) return false;
        if (!HostEquals(Host, o.Host)) return false;
        if (Port != o.Port) return false;
        foreach (var name in SignificantParams)
        {
            if (Parameters.Contains(name) != o.Parameters.Contains(name)) return false;
        }
        foreach (var p in Parameters)
        {
            if (o.Parameters.TryGet(p.Name, out var ov) && !string.Equals(p.Value, ov, StringComparison.OrdinalIgnoreCase)) return false;
        }
        if (Headers.Count != o.Headers.Count) return false;
        foreach (var h in Headers)
        {
            if (!o.Headers.TryGet(h.Name, out var ov) || !string.Equals(h.Value, ov, StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
    }

    private static bool HostEquals(string a, string b)
    {
        if (string.Equals(a, b, StringComparison.OrdinalIgnoreCase)) return true;
        // IPv6 references may be written differently ([::1] vs [0:0::1]).
        return a.StartsWith('[') && b.StartsWith('[')
            && IPAddress.TryParse(a.AsSpan(1, a.Length - 2), out var ia)
            && IPAddress.TryParse(b.AsSpan(1, b.Length - 2), out var ib) && ia.Equals(ib);
    }

    public override int GetHashCode() =>
        HashCode.Combine(IsSecure, User, StringComparer.OrdinalIgnoreCase.GetHashCode(Host.StartsWith('[') ? "ipv6" : Host), Port);
}

/// <summary>A tel: URI (RFC 3966). <see cref="Number"/> is as written (with visual separators).</summary>
public sealed class TelUri : AddressUri
{
    private readonly string _text;

    private TelUri(string text, string number, SipParameters parameters)
    {
        _text = text;
        Number = number;
        Parameters = parameters;
    }

    public override string Scheme => "tel";

    public string Number { get; }

    public bool IsGlobal => Number.StartsWith('+');

    public SipParameters Parameters { get; }

    public override string ToString() => _text;

    internal static bool TryParseCore(string text, int colon, out TelUri? uri, out string? error)
    {
        uri = null;
        error = null;
        var s = text.AsSpan(colon + 1);
        var semi = s.IndexOf(';');
        var number = semi >= 0 ? s[..semi] : s;
        var digits = 0;
        for (var i = 0; i < number.Length; i++)
        {
            var c = number[i];
            if (i == 0 && c == '+') continue;
            if (char.IsAsciiHexDigit(c) || c is '*' or '#') digits++;
            else if (c is not ('-' or '.' or '(' or ')'))
            {
                error = $"invalid character '{c}' in tel URI '{Trunc(text)}'";
                return false;
            }
        }
        if (digits == 0)
        {
            error = $"tel URI '{Trunc(text)}' has no number";
            return false;
        }
        var parameters = SipParameters.Empty;
        if (semi >= 0)
        {
            var list = new List<SipParameter>();
            foreach (var part in s[(semi + 1)..].ToString().Split(';'))
            {
                var eq = part.IndexOf('=', StringComparison.Ordinal);
                var name = eq >= 0 ? part[..eq] : part;
                if (!SipSyntax.IsToken(name))
                {
                    error = $"invalid parameter in tel URI '{Trunc(text)}'";
                    return false;
                }
                list.Add(new SipParameter(name, eq >= 0 ? SipSyntax.Unescape(part[(eq + 1)..]) : null));
            }
            parameters = new SipParameters(list);
        }
        uri = new TelUri(text, number.ToString(), parameters);
        return true;
    }

    private static string Normalize(string number)
    {
        var sb = new StringBuilder(number.Length);
        foreach (var c in number)
        {
            if (c is not ('-' or '.' or '(' or ')')) sb.Append(char.ToUpperInvariant(c));
        }
        return sb.ToString();
    }

    /// <summary>RFC 3966 §4: numbers equal without visual separators; same parameters in any order.</summary>
    public override bool Equals(AddressUri? other)
    {
        if (other is not TelUri o) return false;
        if (!string.Equals(Normalize(Number), Normalize(o.Number), StringComparison.Ordinal)) return false;
        if (Parameters.Count != o.Parameters.Count) return false;
        foreach (var p in Parameters)
        {
            if (!o.Parameters.TryGet(p.Name, out var v) || !string.Equals(p.Value, v, StringComparison.OrdinalIgnoreCase)) return false;
        }
        return true;
    }

    public override int GetHashCode() => Normalize(Number).GetHashCode(StringComparison.Ordinal);
}

/// <summary>Any other absoluteURI (RFC 3986 scheme ":" ...), kept opaque.</summary>
public sealed class GenericUri : AddressUri
{
    private readonly string _text;

    private GenericUri(string text, string scheme, string specific)
    {
        _text = text;
        Scheme = scheme;
        SchemeSpecificPart = specific;
    }

    public override string Scheme { get; }

    public string SchemeSpecificPart { get; }

    public override string ToString() => _text;

    internal static bool TryParseCore(string text, int colon, out GenericUri? uri, out string? error)
    {
        uri = null;
        error = null;
        var rest = text.AsSpan(colon + 1);
        if (rest.IsEmpty)
        {
            error = $"URI '{Trunc(text)}' is empty after the scheme";
            return false;
        }
        foreach (var c in rest)
        {
            if (c <= ' ' || c >= 0x7f || c is '<' or '>' or '"')
            {
                error = $"invalid character in URI '{Trunc(text)}'";
                return false;
            }
        }
        uri = new GenericUri(text, text[..colon].ToLowerInvariant(), rest.ToString());
        return true;
    }

    public override bool Equals(AddressUri? other) =>
        other is GenericUri o && string.Equals(Scheme, o.Scheme, StringComparison.Ordinal)
        && string.Equals(SchemeSpecificPart, o.SchemeSpecificPart, StringComparison.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Scheme, SchemeSpecificPart);
}
