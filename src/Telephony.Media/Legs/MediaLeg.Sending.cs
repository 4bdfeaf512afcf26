using Telephony.Media.Dtmf;
using Telephony.Media.Rtp;
using Telephony.Media.Sdp;

namespace Telephony.Media.Legs;

// What the leg sends, one packet per 20 ms tick of the one media clock: the source being played
// (prompt, tone, music on hold, a mixer's output, a microphone), or the RFC 4733 events of a key press.
public sealed partial class MediaLeg
{
    private readonly Queue<char> _digits = new();
    private readonly byte[] _dtmfPacket = new byte[RtpPacket.FixedHeaderLength + TelephoneEvent.Size];
    private readonly short[] _heardFrame = new short[160];
    private RtpAudioSender? _sender;
    private IAudioSource? _playing;
    private TaskCompletionSource? _played;
    private DtmfEventSender? _dtmfOut;
    private int _digitMs = 160;

    /// <summary>
    /// Starts playing <paramref name="source"/> (replacing whatever played; null sends nothing, e.g. while a
    /// bridge relays). May be called before negotiation: playing starts with the first answer. The task
    /// completes when the source ends or is replaced.
    /// </summary>
    public Task Play(IAudioSource? source)
    {
        var next = source is null ? null : new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        TaskCompletionSource? previous;
        lock (_gate)
        {
            previous = Interlocked.Exchange(ref _played, next);
            _playing = source;
            // While a key press is on the wire the sender is muted; it resumes with _playing afterwards.
            if (_sender is not null && _dtmfOut is null)
            {
                _sender.Source = source;
            }
        }
        previous?.TrySetResult();
        return next?.Task ?? Task.CompletedTask;
    }

    /// <summary>Stops playing (the bridge or silence takes over).</summary>
    public void StopPlaying() => Play(null);

    /// <summary>Queues a key press sent as RFC 4733 events; false when the digit is not DTMF or telephone-event was not negotiated.</summary>
    public bool SendDigit(char digit, int durationMs = 160)
    {
        if (!DtmfDigits.IsDigit(digit) || Audio?.TelephoneEventPayloadType is null)
        {
            return false;
        }
        lock (_gate)
        {
            _digitMs = Math.Clamp(durationMs, 40, 5000);
            _digits.Enqueue(digit);
        }
        return true;
    }

    private void StartSending(NegotiatedAudio audio)
    {
        _sender = new RtpAudioSender(Session, CreateCodec(), audio.PayloadType) { Source = _playing };
        _sender.Finished += OnFinished;
    }

    /// <inheritdoc />
    public void OnTick(long tick)
    {
        lock (_gate)
        {
            if (_disposed || _sender is null)
            {
                return;
            }
            if (!SendDtmf(tick))
            {
                _sender.OnTick(tick);
            }
            if (_sink is { } sink && _heard is { } heard)
            {
                heard.ReadFrame(_heardFrame);
                sink.WriteFrame(_heardFrame);
            }
        }
    }

    private void OnFinished(RtpAudioSender sender)
    {
        // Clock thread, under _gate (OnTick): the source ran out and the sender has let go of it.
        // When Play replaced it meanwhile, Play completed the old task itself.
        _playing = null;
        Interlocked.Exchange(ref _played, null)?.TrySetResult();
    }

    // RFC 4733 §2.5: while a key is pressed the event packets replace the audio in the one RTP
    // stream (same SSRC, next sequence numbers); the audio sender resumes from the last sent packet.
    private bool SendDtmf(long tick)
    {
        if (_dtmfOut is null || !_dtmfOut.IsSending)
        {
            if (_digits.Count == 0)
            {
                if (_dtmfOut is not null)
                {
                    _dtmfOut = null;
                    _sender!.Source = _playing;
                }
                return false;
            }
            char digit = _digits.Dequeue();
            uint start = Session.TryGetLastSent(out _, out uint lastTs, out _) ? lastTs + 160 : (uint)Random.Shared.NextInt64(uint.MaxValue);
            if (_dtmfOut is null)
            {
                _sender!.Source = null;
                _sender.OnTick(tick); // with no source it only forgets its place in the stream
            }
            _dtmfOut = new DtmfEventSender();
            _dtmfOut.Start(digit, start, _digitMs);
        }
        if (!_dtmfOut.TryNext(out var packet))
        {
            return false;
        }
        ushort seq = Session.TryGetLastSent(out ushort lastSeq, out _, out _) ? (ushort)(lastSeq + 1) : (ushort)Random.Shared.Next(ushort.MaxValue);
        Span<byte> payload = stackalloc byte[TelephoneEvent.Size];
        packet.Event.Write(payload);
        int length = RtpWriter.Write(_dtmfPacket,
            new RtpHeader { Marker = packet.Marker, PayloadType = Audio!.TelephoneEventPayloadType!.Value, SequenceNumber = seq, Timestamp = packet.Timestamp, Ssrc = Session.LocalSsrc },
            payload);
        Session.Send(_dtmfPacket.AsSpan(0, length));
        return true;
    }
}
