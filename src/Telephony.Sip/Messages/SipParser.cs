using System.Diagnostics.CodeAnalysis;

namespace Telephony.Sip.Messages;

/// <summary>
/// Parses one SIP message from bytes (RFC 3261 §7). Never throws on any input: failures come back as a
/// <see cref="SipParseError"/> with a precise reason. The message keeps a reference to <paramref name="data"/>
/// (no copy), so the caller must not reuse that buffer while the message is alive.
/// </summary>
public static class SipParser
{
    // Per-thread scratch for the header index while scanning (copied to an exact-size array at the end),
    // so a parse neither zeroes a large stack buffer nor rents from a pool.
    [ThreadStatic]
    private static HeaderEntry[]? t_scratch;

    /// <summary>Parses a message received as one UDP datagram: octets after Content-Length are ignored (§18.3);
    /// without Content-Length the body runs to the end of the datagram.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> data, [NotNullWhen(true)] out SipMessage? message,
        [NotNullWhen(false)] out SipParseError? error, SipParserOptions? options = null) =>
        TryParse(data, false, out message, out error, options);

    /// <summary>Parses one message. With <paramref name="streamed"/> (TCP/TLS, data framed by
    /// <see cref="SipFraming"/>), Content-Length is mandatory and must match the data exactly.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> data, bool streamed, [NotNullWhen(true)] out SipMessage? message,
        [NotNullWhen(false)] out SipParseError? error, SipParserOptions? options = null)
    {
        try
        {
            return TryParseCore(data, streamed, options ?? SipParserOptions.Default, out message, out error);
        }
#pragma warning disable CA1031 // A parser bug must never take down a transport: report it as a parse error.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            message = null;
            error = new SipParseError(SipParseErrorKind.BadStartLine, "internal parser error: " + ex.GetType().Name);
            return false;
        }
    }

    /// <summary>Parses a message from text (tests and tools).</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out SipMessage? message, [NotNullWhen(false)] out SipParseError? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        return TryParse(Encoding.UTF8.GetBytes(text), out message, out error);
    }

    private static bool TryParseCore(ReadOnlyMemory<byte> data, bool streamed, SipParserOptions options,
        out SipMessage? message, out SipParseError? error)
    {
        message = null;
        error = null;
        var span = data.Span;
        var pos = 0;
        // §7.5: CRLFs before the start line are ignored.
        while (pos < span.Length && span[pos] is (byte)'\r' or (byte)'\n') pos++;
        var msgStart = pos;
        if (pos == span.Length)
        {
            error = new SipParseError(SipParseErrorKind.Incomplete, "empty message");
            return false;
        }
        var headerLimit = (int)Math.Min(span.Length, (long)msgStart + options.MaxHeaderBytes);

        var lf = span[pos..headerLimit].IndexOf((byte)'\n');
        if (lf < 0)
        {
            error = headerLimit < span.Length
                ? new SipParseError(SipParseErrorKind.TooLarge, $"start line exceeds {options.MaxHeaderBytes} bytes")
                : new SipParseError(SipParseErrorKind.Incomplete, "no end of the start line");
            return false;
        }
        var lineEnd = pos + lf;
        var startLine = span[pos..(lineEnd > pos && span[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd)];
        pos = lineEnd + 1;
        if (startLine.Contains((byte)'\r'))
        {
            error = new SipParseError(SipParseErrorKind.BadStartLine, "bare CR inside the start line");
            return false;
        }

        // ---- start line ----
        var isResponse = startLine.StartsWith("SIP/"u8);
        string? pendingReason = null;
        var pendingKind = SipParseErrorKind.BadStartLine;
        string? method = null;
        AddressUri? requestUri = null;
        var statusCode = 0;
        string? reason = null;
        if (isResponse) ParseStatusLine(startLine, ref pendingReason, ref pendingKind, out statusCode, out reason);
        else ParseRequestLine(startLine, ref pendingReason, ref pendingKind, out method, out requestUri);
        if (pendingReason is not null && !isResponse && method is null)
        {
            // Not even a method: nothing we could answer.
            error = new SipParseError(pendingKind, pendingReason);
            return false;
        }

        // ---- header lines ----
        var maxEntries = options.MaxHeaderCount;
        var entries = t_scratch ?? new HeaderEntry[64];
        t_scratch = null; // re-entrancy safety: a nested parse on this thread gets its own buffer
        var count = 0;
        var bodyStart = -1;
        var contentLengthIndex = -1;
        var contentLengthCount = 0;
        try
        {
            while (true)
            {
                if (pos >= headerLimit)
                {
                    error = headerLimit < span.Length
                        ? new SipParseError(SipParseErrorKind.TooLarge, $"header section exceeds {options.MaxHeaderBytes} bytes")
                        : new SipParseError(SipParseErrorKind.Incomplete, "no empty line ends the header section");
                    return false;
                }
                lf = span[pos..headerLimit].IndexOf((byte)'\n');
                if (lf < 0)
                {
                    error = headerLimit < span.Length
                        ? new SipParseError(SipParseErrorKind.TooLarge, $"header section exceeds {options.MaxHeaderBytes} bytes")
                        : new SipParseError(SipParseErrorKind.Incomplete, "no empty line ends the header section");
                    return false;
                }
                lineEnd = pos + lf;
                var contentEnd = lineEnd > pos && span[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
                if (contentEnd == pos)
                {
                    bodyStart = lineEnd + 1;
                    break;
                }
                if (span[pos..contentEnd].Contains((byte)'\r'))
                {
                    // CR is only legal as part of a line end (quoted-pair excludes CR and LF, §25.1).
                    if (pendingReason is null)
                    {
                        pendingReason = "bare CR inside a header line";
                        pendingKind = SipParseErrorKind.BadHeader;
                    }
                    pos = lineEnd + 1;
                    continue;
                }
                var first = span[pos];
                if (first is (byte)' ' or (byte)'\t')
                {
                    // Folded continuation of the previous header value (§7.3.1).
                    if (count == 0)
                    {
                        if (pendingReason is null)
                        {
                            pendingReason = "continuation line before the first header";
                            pendingKind = SipParseErrorKind.BadHeader;
                        }
                    }
                    else
                    {
                        ref var prev = ref entries[count - 1];
                        var vs = pos;
                        while (vs < contentEnd && span[vs] is (byte)' ' or (byte)'\t') vs++;
                        var ve = TrimEnd(span, vs, contentEnd);
                        if (ve > vs)
                        {
                            if (prev.ValueLength == 0) prev.ValueStart = vs;
                            else prev.Folded = true;
                            prev.ValueLength = ve - prev.ValueStart;
                        }
                    }
                    pos = lineEnd + 1;
                    continue;
                }
                var colon = span[pos..contentEnd].IndexOf((byte)':');
                if (colon < 0)
                {
                    if (pendingReason is null)
                    {
                        pendingReason = $"header line without ':' ({Preview(span[pos..contentEnd])})";
                        pendingKind = SipParseErrorKind.BadHeader;
                    }
                    pos = lineEnd + 1;
                    continue;
                }
                var nameEnd = TrimEnd(span, pos, pos + colon);
                var name = span[pos..nameEnd];
                if (!IsToken(name))
                {
                    if (pendingReason is null)
                    {
                        pendingReason = $"invalid header name '{Preview(name)}'";
                        pendingKind = SipParseErrorKind.BadHeader;
                    }
                    pos = lineEnd + 1;
                    continue;
                }
                if (count >= maxEntries)
                {
                    error = new SipParseError(SipParseErrorKind.TooLarge, $"more than {maxEntries} header lines");
                    return false;
                }
                if (count == entries.Length) Array.Resize(ref entries, entries.Length * 2);
                var valueStart = pos + colon + 1;
                while (valueStart < contentEnd && span[valueStart] is (byte)' ' or (byte)'\t') valueStart++;
                var valueEnd = TrimEnd(span, valueStart, contentEnd);
                var kind = SipHeaderNames.Lookup(name);
                if (kind == HeaderKind.ContentLength)
                {
                    contentLengthCount++;
                    if (contentLengthIndex < 0) contentLengthIndex = count;
                }
                entries[count++] = new HeaderEntry
                {
                    NameStart = pos,
                    NameLength = nameEnd - pos,
                    ValueStart = valueStart,
                    ValueLength = valueEnd - valueStart,
                    Kind = kind,
                };
                pos = lineEnd + 1;
            }

            var headers = new HeaderBlock(data, entries.AsSpan(0, count).ToArray(), count);

            // A problem in the start line or a header line comes first in the message, so it is the one reported.
            if (pendingReason is not null)
            {
                error = new SipParseError(pendingKind, pendingReason, headers, !isResponse, method);
                return false;
            }

            // ---- Content-Length and body ----
            long contentLength = -1;
            var ambiguous = contentLengthCount > 1;
            if (contentLengthIndex >= 0)
            {
                ref readonly var e = ref headers[contentLengthIndex];
                var raw = span.Slice(e.ValueStart, e.ValueLength);
                if (raw.IndexOf((byte)',') >= 0) ambiguous = true;
                else if (!TryParseContentLength(raw, out contentLength, out var clError))
                {
                    error = new SipParseError(SipParseErrorKind.BadContentLength, clError, headers, !isResponse, method);
                    return false;
                }
            }
            if (ambiguous && streamed)
            {
                error = new SipParseError(SipParseErrorKind.BadContentLength, "several Content-Length values", headers, !isResponse, method);
                return false;
            }
            int bodyEnd;
            var available = span.Length - bodyStart;
            if (contentLength < 0 || ambiguous)
            {
                if (streamed)
                {
                    error = new SipParseError(SipParseErrorKind.BadContentLength, "Content-Length is mandatory on stream transports (§18.3)", headers, !isResponse, method);
                    return false;
                }
                bodyEnd = span.Length; // §18.3 for UDP: body runs to the end of the datagram.
            }
            else if (contentLength > options.MaxBodyBytes)
            {
                error = new SipParseError(SipParseErrorKind.TooLarge, $"Content-Length {contentLength} exceeds the limit of {options.MaxBodyBytes} bytes", headers, !isResponse, method);
                return false;
            }
            else if (contentLength > available)
            {
                error = new SipParseError(SipParseErrorKind.BadContentLength,
                    $"Content-Length {contentLength} is larger than the {available} body bytes received", headers, !isResponse, method);
                return false;
            }
            else
            {
                bodyEnd = bodyStart + (int)contentLength; // extra octets on a datagram are discarded
            }
            if (bodyEnd - bodyStart > options.MaxBodyBytes)
            {
                error = new SipParseError(SipParseErrorKind.TooLarge, $"body exceeds the limit of {options.MaxBodyBytes} bytes", headers, !isResponse, method);
                return false;
            }

            var body = data[bodyStart..bodyEnd];
            var raw2 = data[msgStart..bodyEnd];
            message = isResponse
                ? new SipResponse(statusCode, reason!, headers, body, raw2) { RawStart = msgStart }
                : new SipRequest(method!, requestUri!, headers, body, raw2) { RawStart = msgStart };
            return true;
        }
        finally
        {
            if (entries.Length <= 1024) t_scratch = entries;
        }
    }

    private static void ParseRequestLine(ReadOnlySpan<byte> line, ref string? pending, ref SipParseErrorKind kind,
        out string? method, out AddressUri? uri)
    {
        method = null;
        uri = null;
        var sp1 = line.IndexOf((byte)' ');
        var sp2 = line.LastIndexOf((byte)' ');
        if (sp1 <= 0 || sp1 == sp2)
        {
            pending = "Request-Line must be: Method SP Request-URI SP SIP-Version";
            return;
        }
        var m = line[..sp1];
        if (!IsToken(m))
        {
            pending = $"invalid method '{Preview(m)}'";
            return;
        }
        method = SipMethods.Intern(m);
        var version = line[(sp2 + 1)..];
        var uriBytes = line[(sp1 + 1)..sp2];
        if (version.IsEmpty)
        {
            pending = "whitespace at the end of the Request-Line";
            return;
        }
        if (uriBytes.IsEmpty || uriBytes[0] == ' ' || uriBytes[^1] == ' ')
        {
            pending = "more than one SP between Request-Line elements";
            return;
        }
        if (uriBytes.IndexOfAny((byte)' ', (byte)'\t') >= 0)
        {
            pending = "whitespace inside the Request-URI";
            return;
        }
        if (!CheckVersion(version, ref pending, ref kind)) return;
        foreach (var b in uriBytes)
        {
            if (b <= 0x20 || b >= 0x7f)
            {
                pending = "invalid character in the Request-URI";
                return;
            }
        }
        if (uriBytes[0] == '<')
        {
            pending = "Request-URI must not be enclosed in <>";
            return;
        }
        var text = Encoding.ASCII.GetString(uriBytes);
        if (!AddressUri.TryParse(text, out uri, out var uriError)) pending = $"malformed Request-URI: {uriError}";
    }

    private static bool CheckVersion(ReadOnlySpan<byte> version, ref string? pending, ref SipParseErrorKind kind)
    {
        if (version.Length == 7 && Ascii.EqualsIgnoreCase(version, "SIP/2.0"u8)) return true;
        if (version.Length > 4 && Ascii.EqualsIgnoreCase(version[..4], "SIP/"u8))
        {
            kind = SipParseErrorKind.UnsupportedVersion;
            pending = $"unsupported SIP version {Preview(version)}";
        }
        else
        {
            pending = $"invalid SIP version '{Preview(version)}'";
        }
        return false;
    }

    private static void ParseStatusLine(ReadOnlySpan<byte> line, ref string? pending, ref SipParseErrorKind kind,
        out int code, out string? reason)
    {
        code = 0;
        reason = null;
        var sp = line.IndexOf((byte)' ');
        if (sp < 0)
        {
            pending = "Status-Line must be: SIP-Version SP Status-Code SP Reason-Phrase";
            return;
        }
        if (!CheckVersion(line[..sp], ref pending, ref kind)) return;
        var rest = line[(sp + 1)..];
        var digits = 0;
        while (digits < rest.Length && rest[digits] is >= (byte)'0' and <= (byte)'9') digits++;
        if (digits != 3 || (rest.Length > 3 && rest[3] != ' '))
        {
            pending = "status code must be three digits";
            return;
        }
        code = (rest[0] - '0') * 100 + (rest[1] - '0') * 10 + (rest[2] - '0');
        if (code is < 100 or > 699)
        {
            pending = $"status code {code} out of range 100-699";
            return;
        }
        var phrase = rest.Length > 4 ? rest[4..] : [];
        reason = phrase.SequenceEqual("OK"u8) ? "OK"
            : phrase.SequenceEqual("Trying"u8) ? "Trying"
            : phrase.SequenceEqual("Ringing"u8) ? "Ringing"
            : phrase.IsEmpty ? string.Empty
            : Encoding.UTF8.GetString(phrase);
    }

    internal static bool TryParseContentLength(ReadOnlySpan<byte> raw, out long value, out string error)
    {
        value = 0;
        error = string.Empty;
        if (raw.IsEmpty)
        {
            error = "empty Content-Length";
            return false;
        }
        if (raw[0] == '-')
        {
            error = $"negative Content-Length {Preview(raw)}";
            return false;
        }
        foreach (var b in raw)
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                error = $"malformed Content-Length '{Preview(raw)}'";
                return false;
            }
            value = value * 10 + (b - '0');
            if (value > int.MaxValue)
            {
                error = $"Content-Length {Preview(raw)} out of range";
                return false;
            }
        }
        return true;
    }

    private static int TrimEnd(ReadOnlySpan<byte> span, int start, int end)
    {
        while (end > start && span[end - 1] is (byte)' ' or (byte)'\t') end--;
        return end;
    }

    internal static bool IsToken(ReadOnlySpan<byte> s) => !s.IsEmpty && !s.ContainsAnyExcept(SipSyntax.TokenBytes);

    private static string Preview(ReadOnlySpan<byte> s)
    {
        var t = s.Length > 40 ? s[..40] : s;
        var sb = new StringBuilder(t.Length + 3);
        foreach (var b in t) sb.Append(b is >= 0x20 and < 0x7f ? (char)b : '?');
        if (s.Length > 40) sb.Append("...");
        return sb.ToString();
    }
}
