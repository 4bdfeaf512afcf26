namespace Telephony.Media;

// The few contracts the media engine's parts meet at. Everything audio moves in 20 ms
// frames of signed 16-bit linear PCM: 160 samples at 8 kHz (G.711), 320 at 16 kHz (G.722).

/// <summary>Produces audio frame by frame: a prompt player, a tone, music on hold, a mixer output.</summary>
public interface IAudioSource
{
    /// <summary>Sample rate of the frames this source produces (8000 or 16000).</summary>
    int SampleRate { get; }

    /// <summary>
    /// Fills <paramref name="frame"/> (exactly one 20 ms frame) with the next audio.
    /// Returns false once the source has finished; the frame is then left as silence.
    /// </summary>
    bool ReadFrame(Span<short> frame);
}

/// <summary>Consumes audio frame by frame: a recorder channel, a DTMF detector, a mixer input.</summary>
public interface IAudioSink
{
    void WriteFrame(ReadOnlySpan<short> frame);
}

/// <summary>
/// An audio codec working span-in, span-out with no allocation (RFC 3551 payload formats).
/// </summary>
public interface IAudioCodec
{
    /// <summary>Encoding name as in an SDP rtpmap (PCMU, PCMA, G722).</summary>
    string EncodingName { get; }

    /// <summary>Static RTP payload type (RFC 3551 §6): 0, 8, 9.</summary>
    int PayloadType { get; }

    /// <summary>RTP clock rate (8000 even for G.722, RFC 3551 §4.5.2).</summary>
    int RtpClockRate { get; }

    /// <summary>Sample rate of the linear PCM this codec encodes and decodes.</summary>
    int SampleRate { get; }

    /// <summary>Encodes PCM samples into <paramref name="payload"/>; returns bytes written.</summary>
    int Encode(ReadOnlySpan<short> pcm, Span<byte> payload);

    /// <summary>Decodes a payload into <paramref name="pcm"/>; returns samples written.</summary>
    int Decode(ReadOnlySpan<byte> payload, Span<short> pcm);
}

/// <summary>
/// Sees every RTP packet a session receives or a bridge relays (the recorder, the DTMF
/// receiver, quality monitors). Called on the media hot path: implementations copy what
/// they need and return quickly; the span is only valid during the call.
/// </summary>
public interface IRtpTap
{
    /// <param name="leg">Which side the packet came from (0 = caller leg, 1 = agent leg, …).</param>
    /// <param name="rtpPacket">The whole RTP packet, header included (RFC 3550 §5.1).</param>
    void OnRtpPacket(int leg, ReadOnlySpan<byte> rtpPacket);
}

/// <summary>
/// Receives the one media clock's 20 ms tick. There is exactly one clock per process, which
/// paces every outgoing frame of every call; nobody starts a timer of their own per call.
/// </summary>
public interface IMediaTickListener
{
    /// <param name="tick">Monotonic tick counter (one per 20 ms since the clock started).</param>
    void OnTick(long tick);
}
