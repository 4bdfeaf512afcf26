using System.Text;

namespace Telephony.Sip.Messages;

/// <summary>
/// The few fields of a SIP message a ladder diagram shows: the start line and the headers that tell
/// which transaction (Via branch, CSeq, RFC 3261 §17.1.3/§17.2.3), which dialog (Call-ID and the From/To
/// tags, §12) and why it ended (Reason, RFC 3326). Read straight from the header block, one pass, without
/// building a message: a trace must cost the signalling path next to nothing.
/// </summary>
public sealed record SipTraceFields
{
    private const int MaxValue = 160;

    /// <summary>Request-Line or Status-Line (at most 160 characters).</summary>
    public required string FirstLine { get; init; }

    /// <summary>True for a request (the first line does not start with "SIP/").</summary>
    public bool IsRequest { get; init; }

    /// <summary>The request's method, or the CSeq method of a response.</summary>
    public string? Method { get; init; }

    /// <summary>A response's status code; 0 for requests.</summary>
    public int StatusCode { get; init; }

    public string? CallId { get; init; }
    public string? CSeq { get; init; }
    public string? ViaBranch { get; init; }
    public string? FromTag { get; init; }
    public string? ToTag { get; init; }
    public string? Contact { get; init; }
    public string? Reason { get; init; }

    /// <summary>
    /// The call this dialog serves, when the B2BUA said so in the INVITE it sent
    /// (<c>X-Telephony-Call</c> or <c>X-Telephony-Supervise</c>: the call id).
    /// </summary>
    public string? LinkedCall { get; init; }

    /// <summary>Reads the fields of one whole message; false when it has no start line.</summary>
    public static bool TryRead(ReadOnlySpan<byte> message, out SipTraceFields? fields)
    {
        fields = null;
        int end = LineEnd(message, 0, out int next);
        if (end <= 0)
        {
            return false;
        }
        var first = message[..end];
        bool isRequest = !first.StartsWith("SIP/"u8);
        string? method = null;
        int status = 0;
        if (isRequest)
        {
            int space = first.IndexOf((byte)' ');
            method = space > 0 ? Encoding.ASCII.GetString(first[..space]) : null;
        }
        else if (first.Length >= 12 && int.TryParse(first.Slice(8, 4).Trim((byte)' '), out var code))
        {
            status = code;
        }
        string? callId = null, cseq = null, branch = null, fromTag = null, toTag = null, contact = null, reason = null, link = null;
        int pos = next;
        while (pos < message.Length)
        {
            end = LineEnd(message, pos, out next);
            if (end == pos)
            {
                break; // the empty line: the body follows
            }
            var line = message[pos..end];
            pos = next;
            int colon = line.IndexOf((byte)':');
            if (colon <= 0 || line[0] is (byte)' ' or (byte)'\t')
            {
                continue; // folded continuation lines are left out of a trace
            }
            var name = line[..colon].TrimEnd((byte)' ');
            var value = line[(colon + 1)..].Trim((byte)' ');
            if (Is(name, "Call-ID"u8, (byte)'i')) callId ??= Text(value);
            else if (Is(name, "CSeq"u8, 0)) cseq ??= Text(value);
            else if (Is(name, "Via"u8, (byte)'v')) branch ??= Parameter(value, "branch="u8);
            else if (Is(name, "From"u8, (byte)'f')) fromTag ??= Parameter(AfterAddress(value), "tag="u8);
            else if (Is(name, "To"u8, (byte)'t')) toTag ??= Parameter(AfterAddress(value), "tag="u8);
            else if (Is(name, "Contact"u8, (byte)'m')) contact ??= Text(value);
            else if (Is(name, "Reason"u8, 0)) reason ??= Text(value);
            else if (Is(name, "X-Telephony-Call"u8, 0) || Is(name, "X-Telephony-Supervise"u8, 0)) link ??= Text(value);
        }
        if (!isRequest && cseq is not null)
        {
            int space = cseq.LastIndexOf(' ');
            method = space >= 0 ? cseq[(space + 1)..] : null;
        }
        fields = new SipTraceFields
        {
            FirstLine = Text(first)!, IsRequest = isRequest, Method = method, StatusCode = status, CallId = callId, CSeq = cseq,
            ViaBranch = branch, FromTag = fromTag, ToTag = toTag, Contact = contact, Reason = reason, LinkedCall = link,
        };
        return true;
    }

    // End of the line starting at start (CRLF or a bare LF, §7.5 tolerance); next = start of the following line.
    private static int LineEnd(ReadOnlySpan<byte> m, int start, out int next)
    {
        int lf = m[start..].IndexOf((byte)'\n');
        if (lf < 0)
        {
            next = m.Length;
            return m.Length;
        }
        next = start + lf + 1;
        int end = start + lf;
        return end > start && m[end - 1] == (byte)'\r' ? end - 1 : end;
    }

    // Long form, or the §7.3.3 compact form when it has one (0: none).
    private static bool Is(ReadOnlySpan<byte> name, ReadOnlySpan<byte> full, byte compact) =>
        Ascii.EqualsIgnoreCase(name, full) || (compact != 0 && name.Length == 1 && (name[0] | 0x20) == compact);

    // Tags are header parameters: after the name-addr's '>' when there is one (§20.20, §20.39).
    private static ReadOnlySpan<byte> AfterAddress(ReadOnlySpan<byte> value)
    {
        int gt = value.IndexOf((byte)'>');
        return gt >= 0 ? value[(gt + 1)..] : value;
    }

    private static string? Parameter(ReadOnlySpan<byte> value, ReadOnlySpan<byte> name)
    {
        for (int i = value.IndexOf((byte)';'); i >= 0 && i < value.Length;)
        {
            var rest = value[(i + 1)..].TrimStart((byte)' ');
            if (rest.Length >= name.Length && Ascii.EqualsIgnoreCase(rest[..name.Length], name))
            {
                var v = rest[name.Length..];
                int stop = v.IndexOfAny(";,> \t"u8);
                return Text(stop >= 0 ? v[..stop] : v);
            }
            int nextSemicolon = rest.IndexOf((byte)';');
            if (nextSemicolon < 0)
            {
                break;
            }
            i = value.Length - rest.Length + nextSemicolon;
        }
        return null;
    }

    private static string? Text(ReadOnlySpan<byte> value) =>
        value.IsEmpty ? null : Encoding.UTF8.GetString(value.Length > MaxValue ? value[..MaxValue] : value);
}
