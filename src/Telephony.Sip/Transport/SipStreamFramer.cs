using System.Buffers;

namespace Telephony.Sip.Transport;

/// <summary>Outcome of looking for one complete SIP message at the start of a stream buffer.</summary>
internal enum SipFrameStatus
{
    /// <summary>The message is not complete yet.</summary>
    NeedMore,
    /// <summary>A whole message of <c>length</c> bytes is at the start of the buffer.</summary>
    Complete,
    /// <summary>The stream cannot be framed (no/lying Content-Length, over a limit): close it.</summary>
    Invalid,
}

/// <summary>
/// Finds the end of the first SIP message in a stream (§18.3: headers up to CRLFCRLF, then
/// Content-Length bytes of body). Implemented over the message layer's framing function.
/// </summary>
internal delegate SipFrameStatus SipStreamFramer(ReadOnlySpan<byte> buffered, out int length, out string? error);
