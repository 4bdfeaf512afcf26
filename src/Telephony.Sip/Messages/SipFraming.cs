using System.Buffers;

namespace Telephony.Sip.Messages;

/// <summary>Outcome of looking for one message at the start of a stream buffer.</summary>
public enum SipFrameStatus
{
    /// <summary>Not enough bytes yet; read more and ask again.</summary>
    NeedMore,
    /// <summary>A whole message of <see cref="SipFrame.Length"/> bytes is at the start of the buffer.</summary>
    Complete,
    /// <summary><see cref="SipFrame.Length"/> bytes of CRLF keep-alive (RFC 5626 §3.5.1) to consume and skip.</summary>
    KeepAlive,
    /// <summary>The stream cannot be framed (reason in <see cref="SipFrame.Error"/>); close the connection.</summary>
    Invalid,
}

/// <summary>Result of <see cref="SipFraming.Frame(ReadOnlySpan{byte}, SipParserOptions?)"/>.</summary>
public readonly record struct SipFrame(SipFrameStatus Status, int Length, string? Error = null);

/// <summary>
/// Message framing for stream transports (RFC 3261 §18.3): the header section ends at the first empty line and
/// the body is exactly Content-Length (or compact "l") bytes, which is mandatory on streams. Enforces the limits
/// of <see cref="SipParserOptions"/> so a peer can't make us buffer without bound.
/// </summary>
public static class SipFraming
{
    public static SipFrame Frame(ReadOnlySpan<byte> buffer, SipParserOptions? options = null) =>
        FrameCore(buffer, buffer.Length, options ?? SipParserOptions.Default);

    public static SipFrame Frame(in ReadOnlySequence<byte> buffer, SipParserOptions? options = null)
    {
        options ??= SipParserOptions.Default;
        if (buffer.IsSingleSegment) return FrameCore(buffer.FirstSpan, buffer.Length, options);
        // Only the header section needs to be contiguous; copy at most the header limit (+ the empty line).
        var prefixLength = (int)Math.Min(buffer.Length, (long)options.MaxHeaderBytes + 4);
        var rented = ArrayPool<byte>.Shared.Rent(prefixLength);
        try
        {
            buffer.Slice(0, prefixLength).CopyTo(rented);
            return FrameCore(rented.AsSpan(0, prefixLength), buffer.Length, options);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static SipFrame FrameCore(ReadOnlySpan<byte> prefix, long available, SipParserOptions options)
    {
        if (prefix.IsEmpty) return new SipFrame(SipFrameStatus.NeedMore, 0);
        if (prefix[0] is (byte)'\r' or (byte)'\n')
        {
            var n = 0;
            while (n < prefix.Length && prefix[n] is (byte)'\r' or (byte)'\n') n++;
            return new SipFrame(SipFrameStatus.KeepAlive, n);
        }

        var limit = Math.Min(prefix.Length, options.MaxHeaderBytes);
        var pos = 0;
        var lines = 0;
        long contentLength = -1;
        string? clError = null;
        while (true)
        {
            var lf = prefix[pos..limit].IndexOf((byte)'\n');
            if (lf < 0)
            {
                return prefix.Length >= options.MaxHeaderBytes
                    ? new SipFrame(SipFrameStatus.Invalid, 0, $"header section exceeds {options.MaxHeaderBytes} bytes")
                    : new SipFrame(SipFrameStatus.NeedMore, 0);
            }
            var lineEnd = pos + lf;
            var contentEnd = lineEnd > pos && prefix[lineEnd - 1] == '\r' ? lineEnd - 1 : lineEnd;
            var line = prefix[pos..contentEnd];
            pos = lineEnd + 1;
            if (line.IsEmpty)
            {
                if (lines == 0) return new SipFrame(SipFrameStatus.Invalid, 0, "empty start line");
                break;
            }
            lines++;
            if (lines > options.MaxHeaderCount + 1)
                return new SipFrame(SipFrameStatus.Invalid, 0, $"more than {options.MaxHeaderCount} header lines");
            if (lines == 1 || line[0] is (byte)' ' or (byte)'\t') continue;
            var colon = line.IndexOf((byte)':');
            if (colon < 0) continue; // the parser reports it; framing only needs Content-Length
            var name = line[..colon].TrimEnd(" \t"u8);
            if (!IsContentLength(name)) continue;
            var value = line[(colon + 1)..].Trim(" \t"u8);
            if (value.IndexOf((byte)',') >= 0 || contentLength >= 0 || clError is not null)
                return new SipFrame(SipFrameStatus.Invalid, 0, "several Content-Length values");
            if (!SipParser.TryParseContentLength(value, out contentLength, out var err))
            {
                clError = err;
                contentLength = -1;
            }
        }
        if (clError is not null) return new SipFrame(SipFrameStatus.Invalid, 0, clError);
        if (contentLength < 0) return new SipFrame(SipFrameStatus.Invalid, 0, "Content-Length is mandatory on stream transports (§18.3)");
        if (contentLength > options.MaxBodyBytes)
            return new SipFrame(SipFrameStatus.Invalid, 0, $"Content-Length {contentLength} exceeds the limit of {options.MaxBodyBytes} bytes");
        var total = pos + contentLength;
        return available >= total ? new SipFrame(SipFrameStatus.Complete, (int)total) : new SipFrame(SipFrameStatus.NeedMore, 0);
    }

    private static bool IsContentLength(ReadOnlySpan<byte> name) =>
        (name.Length == 1 && (name[0] | 0x20) == 'l') || System.Text.Ascii.EqualsIgnoreCase(name, "Content-Length"u8);
}
