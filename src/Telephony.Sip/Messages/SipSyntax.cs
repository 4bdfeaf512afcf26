namespace Telephony.Sip.Messages;

/// <summary>Character classes and small lexical helpers from the RFC 3261 §25.1 grammar.</summary>
internal static class SipSyntax
{
    private const string TokenMarks = "-.!%*_+`'~"; // token = 1*(alphanum / these)
    private const string UnreservedMarks = "-_.!~*'()"; // mark (unreserved = alphanum / mark)
    private const string UserUnreserved = "&=+$,;?/"; // user-unreserved
    private const string PasswordExtra = "&=+$,"; // password, besides unreserved and escaped
    private const string ParamUnreserved = "[]/:&+$"; // param-unreserved
    private const string HeaderUnreserved = "[]/?:+$"; // hnv-unreserved

    private const string AlphaNum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private static readonly System.Buffers.SearchValues<char> TokenChars = System.Buffers.SearchValues.Create(AlphaNum + TokenMarks);

    /// <summary>token characters as bytes, for vectorised checks over received data.</summary>
    public static readonly System.Buffers.SearchValues<byte> TokenBytes =
        System.Buffers.SearchValues.Create(Encoding.ASCII.GetBytes(AlphaNum + TokenMarks));

    public static bool IsAlphaNum(char c) => char.IsAsciiLetterOrDigit(c);

    public static bool IsTokenChar(char c) => TokenChars.Contains(c);

    /// <summary>Index just past the run of token characters (RFC 3261 §25.1) that starts at <paramref name="start"/>.</summary>
    public static int ScanToken(ReadOnlySpan<char> s, int start)
    {
        var n = s[start..].IndexOfAnyExcept(TokenChars);
        return n < 0 ? s.Length : start + n;
    }

    /// <summary>
    /// Skips LWS from <paramref name="i"/>, then reads the token there and moves past it (common tokens come back
    /// as shared strings, see <see cref="Intern"/>). When there is no token, <paramref name="error"/> is
    /// <paramref name="missing"/> (the header's own wording) and the result false.
    /// </summary>
    public static bool TryReadToken(ReadOnlySpan<char> s, ref int i, string missing, out string token, out string? error)
    {
        i = SkipWs(s, i);
        var start = i;
        i = ScanToken(s, i);
        token = Intern(s[start..i]);
        error = token.Length == 0 ? missing : null;
        return error is null;
    }

    /// <summary>
    /// Skips LWS, requires <paramref name="separator"/> there, then reads a token as <see cref="TryReadToken"/> does
    /// (the "/" of type/subtype and of SIP/2.0/UDP). Either missing: <paramref name="missing"/>.
    /// </summary>
    public static bool TryReadTokenAfter(ReadOnlySpan<char> s, ref int i, char separator, string missing, out string token, out string? error)
    {
        i = SkipWs(s, i);
        if (i >= s.Length || s[i] != separator)
        {
            token = string.Empty;
            error = missing;
            return false;
        }
        i++;
        return TryReadToken(s, ref i, missing, out token, out error);
    }

    /// <summary>Reads one element of a header list at <paramref name="i"/> and moves past it.</summary>
    public delegate bool ElementParser<T>(ReadOnlySpan<char> s, ref int i, out T? value, out string? error) where T : class;

    /// <summary>
    /// A comma-separated header value (§7.3.1): elements read by <paramref name="element"/>, ',' with optional LWS
    /// around it between them. <paramref name="what"/> names the list in the error ("unexpected 'x' in Via").
    /// </summary>
    public static bool TryParseCommaList<T>(string text, List<T> into, ElementParser<T> element, string what, out string? error)
        where T : class
    {
        var i = 0;
        while (true)
        {
            if (!element(text, ref i, out var v, out error)) return false;
            into.Add(v!);
            i = SkipWs(text, i);
            if (i >= text.Length) return true;
            if (text[i] != ',')
            {
                error = $"unexpected '{text[i]}' in {what}";
                return false;
            }
            i++;
        }
    }

    public static bool IsTokenByte(byte b) => TokenBytes.Contains(b);

    public static bool IsUnreserved(char c) => IsAlphaNum(c) || UnreservedMarks.Contains(c, StringComparison.Ordinal);

    public static bool IsUserChar(char c) => IsUnreserved(c) || UserUnreserved.Contains(c, StringComparison.Ordinal);

    public static bool IsPasswordChar(char c) => IsUnreserved(c) || PasswordExtra.Contains(c, StringComparison.Ordinal);

    public static bool IsParamChar(char c) => IsUnreserved(c) || ParamUnreserved.Contains(c, StringComparison.Ordinal);

    public static bool IsHeaderChar(char c) => IsUnreserved(c) || HeaderUnreserved.Contains(c, StringComparison.Ordinal);

    public static bool IsWhitespace(char c) => c is ' ' or '\t' or '\r' or '\n';

    public static bool IsToken(ReadOnlySpan<char> s) => !s.IsEmpty && !s.ContainsAnyExcept(TokenChars);

    /// <summary>Word characters of Call-ID (§25.1 "word").</summary>
    public static bool IsWordChar(char c) => IsTokenChar(c) || "()<>:\\\"/[]?{}".Contains(c, StringComparison.Ordinal);

    public static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    /// <summary>Checks every char is allowed or a valid %HEXHEX escape.</summary>
    public static bool IsEscapedRun(ReadOnlySpan<char> s, Func<char, bool> allowed)
    {
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '%')
            {
                if (i + 2 >= s.Length || !IsHex(s[i + 1]) || !IsHex(s[i + 2])) return false;
                i += 2;
            }
            else if (!allowed(c)) return false;
        }
        return true;
    }

    /// <summary>Decodes %HEXHEX escapes (as UTF-8 octets); invalid escapes are kept as-is.</summary>
    public static string Unescape(string s)
    {
        if (!s.Contains('%', StringComparison.Ordinal)) return s;
        var bytes = new List<byte>(s.Length);
        Span<byte> utf = stackalloc byte[4];
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '%' && i + 2 < s.Length && IsHex(s[i + 1]) && IsHex(s[i + 2]))
            {
                bytes.Add((byte)((HexValue(s[i + 1]) << 4) | HexValue(s[i + 2])));
                i += 2;
            }
            else
            {
                var n = new Rune(char.IsSurrogate(c) ? '?' : c).EncodeToUtf8(utf);
                for (var k = 0; k < n; k++) bytes.Add(utf[k]);
            }
        }
        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;

    /// <summary>Escapes every char not allowed by <paramref name="allowed"/> as %HH of its UTF-8 bytes.</summary>
    public static string Escape(string s, Func<char, bool> allowed)
    {
        var needs = false;
        foreach (var c in s)
        {
            if (!allowed(c)) { needs = true; break; }
        }
        if (!needs) return s;
        var sb = new StringBuilder(s.Length + 8);
        Span<byte> utf = stackalloc byte[4];
        foreach (var rune in s.EnumerateRunes())
        {
            if (rune.IsAscii && allowed((char)rune.Value))
            {
                sb.Append((char)rune.Value);
                continue;
            }
            var n = rune.EncodeToUtf8(utf);
            for (var k = 0; k < n; k++) sb.Append('%').Append(utf[k].ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        return sb.ToString();
    }

    /// <summary>Skips LWS (SP, HTAB, and CRLF folding already normalised to SP).</summary>
    public static int SkipWs(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && IsWhitespace(s[i])) i++;
        return i;
    }

    /// <summary>
    /// Reads a quoted-string starting at <paramref name="i"/> (which must be '"').
    /// Returns false on an unterminated string. <paramref name="end"/> is the index after the closing quote.
    /// </summary>
    public static bool TryReadQuoted(ReadOnlySpan<char> s, int i, out string value, out int end)
    {
        value = string.Empty;
        end = i;
        if (i >= s.Length || s[i] != '"') return false;
        var sb = new StringBuilder();
        for (var j = i + 1; j < s.Length; j++)
        {
            var c = s[j];
            if (c == '\\')
            {
                if (j + 1 >= s.Length) return false;
                var next = s[j + 1];
                if (next is '\r' or '\n') return false;
                sb.Append(next);
                j++;
            }
            else if (c == '"')
            {
                value = sb.ToString();
                end = j + 1;
                return true;
            }
            else if (c is '\r' or '\n')
            {
                return false;
            }
            else
            {
                sb.Append(c);
            }
        }
        return false;
    }

    /// <summary>Quotes a value as a quoted-string, escaping '"' and '\'.</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            if (c is '"' or '\\') sb.Append('\\');
            sb.Append(c);
        }
        return sb.Append('"').ToString();
    }

    /// <summary>
    /// Splits a header value at top-level commas: commas inside quoted strings or &lt;...&gt; don't split.
    /// Empty elements are returned as empty strings so callers can reject them.
    /// </summary>
    public static List<string> SplitList(string value)
    {
        var list = new List<string>();
        var start = 0;
        var inQuote = false;
        var inAngle = false;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (inQuote)
            {
                if (c == '\\') i++;
                else if (c == '"') inQuote = false;
            }
            else if (c == '"') inQuote = true;
            else if (c == '<') inAngle = true;
            else if (c == '>') inAngle = false;
            else if (c == ',' && !inAngle)
            {
                list.Add(value[start..i].Trim());
                start = i + 1;
            }
        }
        list.Add(value[start..].Trim());
        return list;
    }

    private static readonly string[] CommonTokens =
    [
        "SIP", "2.0", "UDP", "TCP", "TLS", "SCTP", "WS", "WSS", "udp", "tcp", "tls", "ws", "wss", "branch", "received",
        "rport", "maddr", "ttl", "tag", "lr", "transport", "user", "phone", "ip", "method", "expires", "q", "to-tag",
        "from-tag", "early-only", "id", "cause", "text", "realm", "nonce", "uri", "response", "username", "qop", "auth",
        "nc", "cnonce", "opaque", "algorithm", "MD5", "stale", "boundary", "charset", "application", "sdp", "+sip.instance",
        "reg-id", "ob", "gr", "sip", "sips",
    ];

    /// <summary>Returns a shared string for frequent protocol tokens (no allocation), else a new string.</summary>
    public static string Intern(ReadOnlySpan<char> s)
    {
        if (s.Length <= 12)
        {
            foreach (var t in CommonTokens)
            {
                if (s.SequenceEqual(t)) return t;
            }
        }
        return s.ToString();
    }

    public static bool TryParseUInt(ReadOnlySpan<char> s, uint max, out uint value)
    {
        value = 0;
        if (s.IsEmpty || s.Length > 10) return false;
        ulong v = 0;
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c)) return false;
            v = v * 10 + (uint)(c - '0');
        }
        if (v > max) return false;
        value = (uint)v;
        return true;
    }
}
