using Telephony.Sip.Messages;

namespace Telephony.Sip.Stack;

/// <summary>
/// Rewrites the top Via of a request at the byte level and re-parses it: the message layer's
/// messages are immutable, and going through its builder (every header copied as a string) costs
/// several times more on the hot path. Handles the common layouts — the top Via is the first
/// via-parm of the first Via/v header line, not folded — and returns null for anything else so the
/// caller falls back to the builder.
/// </summary>
internal static class SipViaRewriter
{
    /// <summary>A copy of <paramref name="request"/> with <paramref name="via"/> as a new first header line.</summary>
    public static SipRequest? InsertTopVia(SipRequest request, ViaHeader via, SipParserOptions options)
    {
        var raw = request.RawBytes.Span;
        int lineEnd = raw.IndexOf("\r\n"u8);
        if (lineEnd < 0) return null;
        var line = "Via: " + via + "\r\n";
        var bytes = new byte[raw.Length + Encoding.UTF8.GetByteCount(line)];
        raw[..(lineEnd + 2)].CopyTo(bytes);
        int at = lineEnd + 2 + Encoding.UTF8.GetBytes(line, bytes.AsSpan(lineEnd + 2));
        raw[(lineEnd + 2)..].CopyTo(bytes.AsSpan(at));
        return Parse(bytes, options);
    }

    /// <summary>A copy of <paramref name="request"/> whose top Via is <paramref name="via"/>; null when the layout is unusual.</summary>
    public static SipRequest? ReplaceTopVia(SipRequest request, ViaHeader via, SipParserOptions options)
    {
        var raw = request.RawBytes.Span;
        int pos = raw.IndexOf("\r\n"u8);
        if (pos < 0) return null;
        pos += 2;
        while (pos < raw.Length)
        {
            int rel = raw[pos..].IndexOf("\r\n"u8);
            if (rel <= 0) return null; // end of headers (empty line) without a Via, or no CRLF
            var line = raw.Slice(pos, rel);
            int colon = line.IndexOf((byte)':');
            if (colon > 0 && IsViaName(line[..colon].TrimEnd(" \t"u8)))
            {
                // A folded continuation would put part of the value on the next line: not handled here.
                int next = pos + rel + 2;
                if (next < raw.Length && raw[next] is (byte)' ' or (byte)'\t') return null;
                int valueStart = colon + 1;
                while (valueStart < line.Length && line[valueStart] is (byte)' ' or (byte)'\t') valueStart++;
                int valueEnd = FirstParmEnd(line, valueStart);
                var replacement = Encoding.UTF8.GetBytes(via.ToString());
                int cutFrom = pos + valueStart, cutTo = pos + valueEnd;
                var bytes = new byte[raw.Length - (cutTo - cutFrom) + replacement.Length];
                raw[..cutFrom].CopyTo(bytes);
                replacement.CopyTo(bytes.AsSpan(cutFrom));
                raw[cutTo..].CopyTo(bytes.AsSpan(cutFrom + replacement.Length));
                return Parse(bytes, options);
            }
            pos += rel + 2;
        }
        return null;
    }

    private static bool IsViaName(ReadOnlySpan<byte> name) =>
        Ascii.EqualsIgnoreCase(name, "Via"u8) || Ascii.EqualsIgnoreCase(name, "v"u8);

    /// <summary>End of the first via-parm: the first comma outside a quoted string, else the line end (trailing blanks kept outside).</summary>
    private static int FirstParmEnd(ReadOnlySpan<byte> line, int start)
    {
        bool quoted = false;
        for (int i = start; i < line.Length; i++)
        {
            byte c = line[i];
            if (c == (byte)'"') quoted = !quoted;
            else if (c == (byte)'\\' && quoted) i++;
            else if (c == (byte)',' && !quoted) return TrimEnd(line, start, i);
        }
        return TrimEnd(line, start, line.Length);
    }

    private static int TrimEnd(ReadOnlySpan<byte> line, int start, int end)
    {
        while (end > start && line[end - 1] is (byte)' ' or (byte)'\t') end--;
        return end;
    }

    private static SipRequest? Parse(byte[] bytes, SipParserOptions options) =>
        SipParser.TryParse(bytes, out var message, out _, options) && message is SipRequest request ? request : null;
}
