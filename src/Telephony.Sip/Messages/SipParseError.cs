namespace Telephony.Sip.Messages;

/// <summary>What kind of problem stopped a parse.</summary>
public enum SipParseErrorKind
{
    /// <summary>Not a message at all, or the start line is malformed.</summary>
    BadStartLine,
    /// <summary>SIP version other than SIP/2.0 (a request gets 505).</summary>
    UnsupportedVersion,
    /// <summary>A header line is malformed.</summary>
    BadHeader,
    /// <summary>Content-Length missing (stream), malformed, negative, or larger than the data.</summary>
    BadContentLength,
    /// <summary>A configured limit was exceeded.</summary>
    TooLarge,
    /// <summary>The data ends before the end of the header section.</summary>
    Incomplete,
}

/// <summary>
/// Why a message could not be parsed. When the header section could be read and the message is a
/// request, <see cref="TryCreateResponse"/> forms the error response (400, or 505 for the version) to send back.
/// </summary>
public sealed class SipParseError
{
    private readonly HeaderBlock? _headers;

    internal SipParseError(SipParseErrorKind kind, string reason, HeaderBlock? headers = null, bool isRequest = false, string? method = null)
    {
        Kind = kind;
        Reason = reason;
        Method = method;
        // Responses are never answered, and neither is an ACK (§17.1.1.3, §17.2.3).
        _headers = isRequest && method != SipMethods.Ack ? headers : null;
    }

    /// <summary>The request method when the start line got that far, else null.</summary>
    public string? Method { get; }

    public SipParseErrorKind Kind { get; }

    /// <summary>A human-readable, precise reason (suitable for a Warning text and logs).</summary>
    public string Reason { get; }

    /// <summary>Status code to answer a request with: 505 for a bad version, else 400.</summary>
    public int StatusCode => Kind == SipParseErrorKind.UnsupportedVersion ? 505 : 400;

    /// <summary>True when this was a request other than ACK whose Via/From/To/Call-ID/CSeq are present, so an error response can be formed.</summary>
    public bool CanRespond => _headers is not null && SipResponseBuilder.HasResponseHeaders(_headers);

    /// <summary>Forms the error response (400/505 with the reason in the reason phrase and a Warning 399).</summary>
    public bool TryCreateResponse(string warnAgent, out SipResponseBuilder? response)
    {
        response = null;
        if (!CanRespond) return false;
        response = SipResponseBuilder.CreateError(_headers!, StatusCode, Reason, warnAgent);
        return true;
    }

    public override string ToString() => $"{Kind}: {Reason}";
}
