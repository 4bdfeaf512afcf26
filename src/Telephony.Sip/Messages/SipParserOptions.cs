namespace Telephony.Sip.Messages;

/// <summary>Limits applied when parsing or framing a message; oversize input is rejected, never buffered without bound.</summary>
public sealed record SipParserOptions
{
    public static SipParserOptions Default { get; } = new();

    /// <summary>Maximum size of start line + headers + the empty line.</summary>
    public int MaxHeaderBytes { get; init; } = 16 * 1024;

    /// <summary>Maximum body size (Content-Length).</summary>
    public int MaxBodyBytes { get; init; } = 64 * 1024;

    /// <summary>Maximum number of header lines.</summary>
    public int MaxHeaderCount { get; init; } = 128;
}
