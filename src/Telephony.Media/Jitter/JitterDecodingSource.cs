using Telephony.Media.Codecs;

namespace Telephony.Media.Jitter;

/// <summary>
/// One received leg as an <see cref="IAudioSource"/>: RTP packets go in from the receive thread
/// (<see cref="OnRtpPacket"/> / <see cref="Push"/>), and each media tick pulls one decoded 20 ms
/// frame through the <see cref="AdaptiveJitterBuffer"/>. Losses are concealed by repeating the
/// last frame once at half level, then silence. Packets of other payload types on the same SSRC
/// (RFC 4733 telephone-events share the audio stream's sequence space) play as silence.
/// Output is resampled to <see cref="SampleRate"/> when the codec's PCM rate differs. A short
/// lock guards the buffer because push and pull run on different threads; nothing allocates per frame.
/// </summary>
public sealed class JitterDecodingSource : IAudioSource, IRtpTap
{
    private readonly Lock _gate = new();
    private readonly AdaptiveJitterBuffer _buffer;
    private readonly IAudioCodec _codec;
    private readonly int _payloadType;
    private readonly TimeProvider _time;
    private readonly byte[] _payload;
    private readonly short[] _decoded;
    private readonly short[] _last;
    private readonly Downsampler2To1? _down;
    private readonly Upsampler1To2? _up;
    private int _concealedInARow;

    public JitterDecodingSource(IAudioCodec codec, int payloadType, int outputSampleRate = 8000,
        JitterBufferOptions? options = null, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(codec);
        _codec = codec;
        _payloadType = payloadType;
        _time = timeProvider ?? TimeProvider.System;
        _buffer = new AdaptiveJitterBuffer(options);
        var opts = options ?? new JitterBufferOptions();
        _payload = new byte[opts.MaxPayloadBytes];
        _decoded = new short[opts.MaxPayloadBytes * 2];
        SampleRate = outputSampleRate;
        _last = new short[outputSampleRate * opts.FrameMilliseconds / 1000];
        if (codec.SampleRate == 16000 && outputSampleRate == 8000)
            _down = new Downsampler2To1(_decoded.Length);
        else if (codec.SampleRate == 8000 && outputSampleRate == 16000)
            _up = new Upsampler1To2(_decoded.Length);
        else if (codec.SampleRate != outputSampleRate)
            throw new NotSupportedException($"No resampler from {codec.SampleRate} Hz to {outputSampleRate} Hz.");
    }

    public int SampleRate { get; }

    public JitterBufferStats Stats
    {
        get { lock (_gate) return _buffer.Stats; }
    }

    public double JitterMilliseconds
    {
        get { lock (_gate) return _buffer.JitterMilliseconds; }
    }

    /// <summary>Adds a received RTP packet (header included).</summary>
    public bool Push(ReadOnlySpan<byte> rtpPacket)
    {
        long now = (long)_time.GetElapsedTime(0).TotalMilliseconds;
        lock (_gate)
            return _buffer.Push(rtpPacket, now);
    }

    void IRtpTap.OnRtpPacket(int leg, ReadOnlySpan<byte> rtpPacket) => Push(rtpPacket);

    /// <summary>Adds a received RTP packet (header included); the leg number is ignored.</summary>
    public void OnRtpPacket(ReadOnlySpan<byte> rtpPacket) => Push(rtpPacket);

    public bool ReadFrame(Span<short> frame)
    {
        JitterPopStatus status;
        JitterPacket packet;
        lock (_gate)
            status = _buffer.Pop(_payload, out packet);

        if (status == JitterPopStatus.Frame && packet.PayloadType == _payloadType)
        {
            int samples = _codec.Decode(_payload.AsSpan(0, packet.PayloadLength), _decoded);
            ReadOnlySpan<short> pcm = _decoded.AsSpan(0, samples);
            int written = _down is not null ? _down.Process(pcm, frame)
                : _up is not null ? _up.Process(pcm, frame)
                : CopyInto(pcm, frame);
            if (written < frame.Length)
                frame[written..].Clear();
            frame[..Math.Min(frame.Length, _last.Length)].CopyTo(_last);
            _concealedInARow = 0;
            return true;
        }

        if (status == JitterPopStatus.Lost && _concealedInARow == 0)
        {
            // Packet loss concealment, simplest useful form: one repeat at half level.
            int n = Math.Min(frame.Length, _last.Length);
            for (int i = 0; i < n; i++)
                frame[i] = (short)(_last[i] >> 1);
            frame[n..].Clear();
        }
        else
        {
            frame.Clear();
        }
        _concealedInARow++;
        return true;
    }

    private static int CopyInto(ReadOnlySpan<short> pcm, Span<short> frame)
    {
        int n = Math.Min(pcm.Length, frame.Length);
        pcm[..n].CopyTo(frame);
        return n;
    }
}
