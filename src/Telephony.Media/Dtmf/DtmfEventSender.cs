namespace Telephony.Media.Dtmf;

/// <summary>One telephone-event packet to send: the RTP marker and timestamp plus a 4-byte payload.</summary>
/// <param name="IsEndRepeat">True for the second and third copy of the end packet. Senders differ
/// here: some give the copies fresh sequence numbers (every RTP packet gets the next one, RFC 3550
/// §5.1), others repeat the sequence number (the sample capture dtmf_2833_1.pcap does); our
/// receiver accepts both, and the RTP layer may choose.</param>
public readonly record struct DtmfOutgoingPacket(bool Marker, uint Timestamp, TelephoneEvent Event, bool IsEndRepeat = false);

/// <summary>
/// Produces the RFC 4733 packets for one key press, one call per packet interval (media tick):
/// the first packet carries the marker bit (§2.5.1.1); every packet carries the event's start
/// timestamp and the duration so far (§2.5.1.2, §2.5.1.3); the final packet has the E bit and the
/// full duration and is sent three times (§2.5.1.4). The RTP layer supplies SSRC and sequence
/// numbers (see <see cref="DtmfOutgoingPacket.IsEndRepeat"/>). Not thread-safe: drive it from the
/// media tick of the call it belongs to.
/// </summary>
public sealed class DtmfEventSender
{
    public const int EndRepetitions = 3;
    private readonly int _samplesPerPacket;
    private int _eventCode;
    private uint _timestamp;
    private int _totalDuration;
    private int _volume;
    private int _elapsed;
    private int _endsSent;
    private bool _active;
    private bool _first;

    /// <param name="clockRate">The telephone-event clock rate from the rtpmap (8000 almost always).</param>
    /// <param name="packetMilliseconds">Packet interval (20 ms = one media tick).</param>
    public DtmfEventSender(int clockRate = 8000, int packetMilliseconds = 20)
    {
        if (clockRate <= 0 || packetMilliseconds <= 0)
            throw new ArgumentOutOfRangeException(nameof(clockRate), "Clock rate and packet interval must be positive.");
        ClockRate = clockRate;
        _samplesPerPacket = clockRate * packetMilliseconds / 1000;
    }

    public int ClockRate { get; }
    public bool IsSending => _active;

    /// <summary>Starts a key press. <paramref name="startTimestamp"/> is the stream's RTP timestamp now.</summary>
    /// <param name="volume">Power level in -dBm0 (0-63), §2.3.4; 10 is a typical key press.</param>
    public void Start(char digit, uint startTimestamp, int durationMilliseconds = 100, int volume = 10)
    {
        if (!DtmfDigits.TryGetEventCode(digit, out int code))
            throw new ArgumentException($"'{digit}' is not a DTMF digit (0-9, *, #, A-D).", nameof(digit));
        if (durationMilliseconds is < 40 or > 5000)
            throw new ArgumentOutOfRangeException(nameof(durationMilliseconds), "A key press lasts 40 ms to 5 s.");
        _eventCode = code;
        _timestamp = startTimestamp;
        _totalDuration = ClockRate * durationMilliseconds / 1000;
        _volume = Math.Clamp(volume, 0, 63);
        _elapsed = 0;
        _endsSent = 0;
        _active = true;
        _first = true;
    }

    /// <summary>Next packet of the current key press; false when the key press is done (or none started).</summary>
    public bool TryNext(out DtmfOutgoingPacket packet)
    {
        packet = default;
        if (!_active)
            return false;
        if (_elapsed < _totalDuration)
            _elapsed = Math.Min(_elapsed + _samplesPerPacket, _totalDuration);
        bool end = _elapsed >= _totalDuration;
        packet = new DtmfOutgoingPacket(_first, _timestamp, new TelephoneEvent(_eventCode, end, _volume, _elapsed), end && _endsSent > 0);
        _first = false;
        if (end && ++_endsSent >= EndRepetitions)
            _active = false;
        return true;
    }
}
