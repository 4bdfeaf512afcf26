using System.Diagnostics;
using Telephony.Media.Dtmf;
using Telephony.Media.Jitter;
using Telephony.Media.Rtp;
using Telephony.Media.Sdp;

namespace Telephony.Media.Legs;

// What the leg does with the packets it receives (on the RTP receive thread): RFC 4733 events and,
// when enabled, DTMF tones in the decoded audio become key presses; audio optionally goes through
// a jitter buffer into a sink, read one frame per media tick.
public sealed partial class MediaLeg
{
    private volatile DtmfEventReceiver? _eventsIn;
    private volatile InBandListener? _tonesIn;
    private volatile JitterDecodingSource? _heard;
    private IAudioSink? _sink;
    private long _packetsReceived;
    private long _digitsReported;
    private long _arrivalTicks;
    private KeyReport _lastEvent;
    private KeyReport _lastTone;

    /// <summary>
    /// Each key press the peer sends, once, whichever way it came (RFC 4733 events, or DTMF tones in the
    /// audio when <see cref="MediaLegOptions.InBandDtmf"/> allows). Raised on the RTP receive thread:
    /// hand it on to the call's mailbox rather than doing work there.
    /// </summary>
    public event Action<char>? DigitReceived;

    /// <summary>
    /// Decodes what the leg receives through a jitter buffer into <paramref name="sink"/>, one 20 ms 8 kHz
    /// frame per media tick (a WAV file, a level meter); null stops. May be called before negotiation.
    /// </summary>
    public void HearInto(IAudioSink? sink)
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _sink = sink;
            if (sink is not null && _heard is null && Audio is { } audio)
            {
                _heard = new JitterDecodingSource(CreateCodec(), audio.PayloadType, timeProvider: _engine.Time);
            }
        }
    }

    private void ConfigureReceiving(NegotiatedAudio audio, bool first)
    {
        var eventTypes = new List<int>(audio.PeerTelephoneEventPayloadTypes);
        if (audio.TelephoneEventPayloadType is int te && !eventTypes.Contains(te))
        {
            eventTypes.Add(te);
        }
        _eventsIn = eventTypes.Count == 0 ? null : new DtmfEventReceiver(eventTypes, (_, e) => Report(e.Digit, ref _lastEvent, ref _lastTone));
        bool listenForTones = _options.InBandDtmf switch
        {
            InBandDtmf.Always => true,
            // Not agreed in the offer/answer (RFC 4733 §2.1): the peer has no way but tones.
            InBandDtmf.WhenNoTelephoneEvent => audio.TelephoneEventPayloadType is null,
            _ => false,
        };
        if (!listenForTones)
        {
            _tonesIn = null;
        }
        else if (_tonesIn is null || first)
        {
            _tonesIn = new InBandListener(CreateCodec(),
                new GoertzelDtmfDetector(e => Report(e.Digit, ref _lastTone, ref _lastEvent), _options.InBandDetector));
        }
        if (first)
        {
            HearInto(_sink);
        }
    }

    /// <inheritdoc />
    public void OnRtpPacket(RtpSession session, Span<byte> packet, long arrivalTicks)
    {
        Interlocked.Increment(ref _packetsReceived);
        if (Audio is not { } audio || !RtpFields.TryRead(packet, out var rtp))
        {
            return;
        }
        _arrivalTicks = arrivalTicks;
        if (audio.IsTelephoneEvent(rtp.PayloadType))
        {
            _eventsIn?.OnRtpPacket(0, packet);
            return;
        }
        _heard?.Push(packet);
        if (rtp.PayloadType == audio.PayloadType)
        {
            _tonesIn?.Offer(rtp.Payload(packet));
        }
    }

    /// <summary>
    /// Reports a key press from one path unless the other path reported the same key moments ago and that
    /// report was not yet paired: a peer sending both RFC 4733 events and tones is heard once per press.
    /// Receive thread only (both paths run there).
    /// </summary>
    private void Report(char digit, ref KeyReport mine, ref KeyReport other)
    {
        long now = _arrivalTicks;
        if (_options.InBandDtmf == InBandDtmf.Always && other.Digit == digit && !other.Paired
            && Stopwatch.GetElapsedTime(other.Ticks, now) <= _options.SameKeyWindow)
        {
            other.Paired = true;
            mine = new KeyReport(digit, now, Paired: true);
            return;
        }
        mine = new KeyReport(digit, now, Paired: false);
        Interlocked.Increment(ref _digitsReported);
        DigitReceived?.Invoke(digit);
    }

    /// <summary>The last key one path reported, and whether the other path's report of it was already matched.</summary>
    private record struct KeyReport(char Digit, long Ticks, bool Paired);

    /// <summary>
    /// Decodes each audio payload into buffers it owns (nothing allocated per packet) and feeds the 8 kHz
    /// Goertzel detector; wideband (G.722) audio is halved to 8 kHz first. Packets are taken in arrival
    /// order: the detector's 25 ms blocks and two-block confirmation ride out the odd reordering.
    /// </summary>
    private sealed class InBandListener
    {
        private const int MaxSamples = 2048;
        private readonly IAudioCodec _codec;
        private readonly GoertzelDtmfDetector _detector;
        private readonly Codecs.Downsampler2To1? _down;
        private readonly short[] _pcm = new short[MaxSamples];
        private readonly short[] _narrow;

        public InBandListener(IAudioCodec codec, GoertzelDtmfDetector detector)
        {
            _codec = codec;
            _detector = detector;
            if (codec.SampleRate == 16000)
            {
                _down = new Codecs.Downsampler2To1(MaxSamples);
                _narrow = new short[MaxSamples / 2];
            }
            else
            {
                _narrow = [];
            }
        }

        public void Offer(ReadOnlySpan<byte> payload)
        {
            // At most two samples per byte (G.722); a longer payload than any sane ptime is skipped.
            if (payload.Length * 2 > MaxSamples || (_codec.SampleRate != 8000 && _down is null))
            {
                return;
            }
            int n = _codec.Decode(payload, _pcm);
            if (_down is not null)
            {
                n = _down.Process(_pcm.AsSpan(0, n), _narrow);
                _detector.WriteFrame(_narrow.AsSpan(0, n));
                return;
            }
            _detector.WriteFrame(_pcm.AsSpan(0, n));
        }
    }
}
