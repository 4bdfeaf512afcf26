using System.Globalization;

namespace Telephony.Sip.Messages;

/// <summary>
/// A name-addr or addr-spec with header parameters (From, To, Contact, Route, Record-Route, Refer-To ...),
/// RFC 3261 §20.10/§25.1. <see cref="DisplayName"/> is unquoted.
/// </summary>
public sealed class NameAddress
{
    public NameAddress(AddressUri uri, string? displayName = null, SipParameters? parameters = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        Uri = uri;
        DisplayName = displayName;
        Parameters = parameters ?? SipParameters.Empty;
    }

    public string? DisplayName { get; }

    public AddressUri Uri { get; }

    /// <summary>The URI when it is sip/sips, else null.</summary>
    public SipUri? SipUri => Uri as SipUri;

    /// <summary>Header parameters (after the URI, outside &lt;&gt;).</summary>
    public SipParameters Parameters { get; }

    public string? Tag => Parameters.Get("tag");

    /// <summary>Contact "expires" parameter (§20.10), null when absent or not a number.</summary>
    public uint? Expires =>
        Parameters.Get("expires") is { } e && SipSyntax.TryParseUInt(e, uint.MaxValue, out var v) ? v : null;

    /// <summary>Contact "q" parameter (0..1), null when absent or malformed.</summary>
    public double? Q =>
        Parameters.Get("q") is { } q && double.TryParse(q, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var v) && v is >= 0 and <= 1 ? v : null;

    public NameAddress WithTag(string tag) => new(Uri, DisplayName, Parameters.With("tag", tag));

    public NameAddress WithParameter(string name, string? value) => new(Uri, DisplayName, Parameters.With(name, value));

    public NameAddress WithoutParameter(string name) => new(Uri, DisplayName, Parameters.Without(name));

    /// <summary>Always serialises in name-addr form (URI inside &lt;&gt;), which is safe for any URI.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder(64);
        if (!string.IsNullOrEmpty(DisplayName)) sb.Append(SipSyntax.Quote(DisplayName)).Append(' ');
        sb.Append('<').Append(Uri.ToString()).Append('>');
        Parameters.AppendTo(sb);
        return sb.ToString();
    }

    public static bool TryParse(string? text, out NameAddress? value, out string? error)
    {
        value = null;
        if (text is null)
        {
            error = "missing value";
            return false;
        }
        var i = 0;
        return TryParse(text.AsSpan(), ref i, false, out value, out error) && EnsureEnd(text, i, ref value, out error);
    }

    public static NameAddress Parse(string text) =>
        TryParse(text, out var v, out var e) ? v! : throw new FormatException(e);

    private static bool EnsureEnd(string text, int i, ref NameAddress? value, out string? error)
    {
        error = null;
        if (SipSyntax.SkipWs(text, i) == text.Length) return true;
        value = null;
        error = $"unexpected text after address in '{AddressUri.Trunc(text)}'";
        return false;
    }

    /// <summary>Parses one element at <paramref name="i"/>; with <paramref name="inList"/> stops at a top-level ','.</summary>
    internal static bool TryParse(ReadOnlySpan<char> s, ref int i, bool inList, out NameAddress? value, out string? error)
    {
        value = null;
        error = null;
        i = SipSyntax.SkipWs(s, i);
        if (i >= s.Length)
        {
            error = "empty address";
            return false;
        }
        string? display = null;
        string uriText;
        if (s[i] == '"' || s[i] == '<' || HasAngleBeforeDelimiter(s, i, inList))
        {
            if (s[i] == '"')
            {
                if (!SipSyntax.TryReadQuoted(s, i, out var q, out var end))
                {
                    error = "unterminated quoted display name";
                    return false;
                }
                display = q;
                i = SipSyntax.SkipWs(s, end);
                if (i >= s.Length || s[i] != '<')
                {
                    error = "expected '<' after the display name";
                    return false;
                }
            }
            else if (s[i] != '<')
            {
                var lt = s[i..].IndexOf('<') + i;
                var dn = s[i..lt].TrimEnd(" \t\r\n");
                foreach (var c in dn)
                {
                    // Tokens and LWS per §25.1; UTF-8 letters are tolerated too, as phones send unquoted names like that.
                    if (!SipSyntax.IsTokenChar(c) && !SipSyntax.IsWhitespace(c) && c < 0x80)
                    {
                        error = $"invalid character '{c}' in display name (must be tokens or a quoted string)";
                        return false;
                    }
                }
                display = dn.ToString();
                i = lt;
            }
            var gt = s[i..].IndexOf('>');
            if (gt < 0)
            {
                error = "missing '>' after the URI";
                return false;
            }
            var inner = s.Slice(i + 1, gt - 1);
            if (inner.IndexOfAny(" \t\r\n") >= 0)
            {
                error = "whitespace inside <...> around the URI";
                return false;
            }
            uriText = inner.ToString();
            i += gt + 1;
        }
        else
        {
            // addr-spec: the URI ends at ';' (header params), whitespace or ','. A URI with ';', ',' or '?' must use <> (§20).
            var start = i;
            while (i < s.Length && s[i] is not (';' or ' ' or '\t' or '\r' or '\n') && !(inList && s[i] == ',')) i++;
            uriText = s[start..i].ToString();
            if (uriText.Contains('?', StringComparison.Ordinal) || (!inList && uriText.Contains(',', StringComparison.Ordinal)))
            {
                error = $"URI '{AddressUri.Trunc(uriText)}' with '?' or ',' must be enclosed in <>";
                return false;
            }
        }
        if (!AddressUri.TryParse(uriText, out var uri, out error)) return false;
        if (!SipParameters.TryParse(s, ref i, inList, out var ps, out var perr))
        {
            error = perr;
            return false;
        }
        value = new NameAddress(uri!, display, ps);
        return true;
    }

    private static bool HasAngleBeforeDelimiter(ReadOnlySpan<char> s, int i, bool inList)
    {
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '<') return true;
            if (c is ';' or ':' or '"' or '>' || (inList && c == ',')) return false;
        }
        return false;
    }

    /// <summary>Parses a comma list of addresses (Contact, Route, Record-Route ...).</summary>
    internal static bool TryParseList(string text, List<NameAddress> into, out string? error) =>
        SipSyntax.TryParseCommaList(text, into,
            static (ReadOnlySpan<char> s, ref int i, out NameAddress? value, out string? error) => TryParse(s, ref i, true, out value, out error),
            "address list", out error);
}
