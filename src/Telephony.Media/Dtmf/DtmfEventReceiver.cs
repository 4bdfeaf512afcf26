using Telephony.Media.Jitter;

namespace Telephony.Media.Dtmf;

/// <summary>A digit recognised on a call, by whichever path (RFC 4733, SIP INFO, in-band).</summary>
/// <param name="Digit">0-9, *, #, A-D.</param>
/// <param name="Timestamp">RTP timestamp of the event (RFC 4733) or the detector's sample position (in-band).</param>
public readonly record struct DtmfDigitEvent(char Digit, uint Timestamp);

/// <summary>
/// Receives RFC 4733 telephone-events and reports each key press exactly once.
/// <list type="bullet">
/// <item>An event is identified by (SSRC, RTP timestamp): all packets of one event — start,
/// continuations, and the end packet the sender repeats three times (§2.5.1.4) — share the
/// timestamp, so the first packet seen of a new timestamp reports the digit and every later
/// packet of it is swallowed, in whatever order they arrive.</item>
/// <item>A small ring of recently reported events catches retransmissions and reordering across
/// neighbouring events (a late end packet of digit 1 arriving after digit 2 started).</item>
/// <item>A long event split into segments (§2.5.1.3: same code, next timestamp = previous
/// timestamp + previous duration, no end bit before) counts as one key press.</item>
/// <item>Every payload type the peer offered for telephone-event is accepted (phones do not
/// all use the one the answer picked); other payload types are ignored.</item>
/// </list>
/// State is kept per leg, so one receiver can sit on a bridge's tap for both legs. Not
/// thread-safe: call from the one thread that receives the RTP.
/// </summary>
public sealed class DtmfEventReceiver : IRtpTap
{
    /// <summary>Legs one receiver tracks (0 = caller, 1 = agent, … as the RTP tap numbers them).</summary>
    public const int MaxLegs = 8;
    private const int Remembered = 16;
    private readonly HashSet<int> _payloadTypes;
    private readonly Action<int, DtmfDigitEvent> _onDigit;
    private readonly LegState[] _legs = new LegState[MaxLegs];

    /// <param name="telephoneEventPayloadTypes">All telephone-event payload types of the offer and answer.</param>
    /// <param name="onDigit">Called once per key press with (leg, digit), on the thread that offers the
    /// packets: hand it on to the call's mailbox rather than doing work there.</param>
    public DtmfEventReceiver(IEnumerable<int> telephoneEventPayloadTypes, Action<int, DtmfDigitEvent> onDigit)
    {
        ArgumentNullException.ThrowIfNull(telephoneEventPayloadTypes);
        ArgumentNullException.ThrowIfNull(onDigit);
        _payloadTypes = [.. telephoneEventPayloadTypes];
        _onDigit = onDigit;
        for (int i = 0; i < _legs.Length; i++)
            _legs[i] = new LegState();
    }

    public long DigitsReported { get; private set; }
    public long PacketsIgnored { get; private set; }

    /// <summary>Offers a whole RTP packet; packets that are not telephone-events are ignored.</summary>
    public void OnRtpPacket(int leg, ReadOnlySpan<byte> rtpPacket)
    {
        if (!RtpFields.TryRead(rtpPacket, out var rtp) || !_payloadTypes.Contains(rtp.PayloadType))
        {
            PacketsIgnored++;
            return;
        }
        OnTelephoneEvent(leg, rtp.Ssrc, rtp.Timestamp, rtp.Payload(rtpPacket));
    }

    /// <summary>Offers the payload of a telephone-event packet when the caller parsed the RTP header itself.</summary>
    public void OnTelephoneEvent(int leg, uint ssrc, uint timestamp, ReadOnlySpan<byte> payload)
    {
        if ((uint)leg >= MaxLegs || !TelephoneEvent.TryRead(payload, out var ev) || !DtmfDigits.TryGetDigit(ev.EventCode, out char digit))
        {
            // Unknown leg, too short, or a non-DTMF event (flash, tones 16+): not a digit.
            PacketsIgnored++;
            return;
        }
        if (_legs[leg].IsNewKeyPress(ssrc, timestamp, ev))
        {
            DigitsReported++;
            _onDigit(leg, new DtmfDigitEvent(digit, timestamp));
        }
    }

    /// <summary>What one leg's telephone-events looked like so far.</summary>
    private sealed class LegState
    {
        private readonly (uint Ssrc, uint Timestamp)[] _recent = new (uint, uint)[Remembered];
        private int _recentCount;
        private int _recentNext;
        private bool _haveLast;
        private uint _lastSsrc;
        private uint _lastTimestamp;
        private int _lastCode;
        private bool _lastEnded;
        private int _lastDuration;

        public bool IsNewKeyPress(uint ssrc, uint timestamp, TelephoneEvent ev)
        {
            if (_haveLast && ssrc == _lastSsrc && timestamp == _lastTimestamp)
            {
                // Same event again: continuation, end, or one of the redundant end copies.
                if (ev.Duration > _lastDuration)
                    _lastDuration = ev.Duration;
                _lastEnded |= ev.End;
                return false;
            }
            if (SeenRecently(ssrc, timestamp))
                return false; // a straggler of an earlier event

            bool continuesLongEvent = _haveLast && ssrc == _lastSsrc && !_lastEnded && ev.EventCode == _lastCode
                && _lastDuration >= 0xFFFF - 8000 // the previous segment ran up to the 16-bit limit
                && (uint)(timestamp - _lastTimestamp) <= 0xFFFF + 8000u;

            Remember(ssrc, timestamp);
            _haveLast = true;
            _lastSsrc = ssrc;
            _lastTimestamp = timestamp;
            _lastCode = ev.EventCode;
            _lastEnded = ev.End;
            _lastDuration = ev.Duration;
            return !continuesLongEvent;
        }

        private bool SeenRecently(uint ssrc, uint timestamp)
        {
            for (int i = 0; i < _recentCount; i++)
            {
                if (_recent[i].Ssrc == ssrc && _recent[i].Timestamp == timestamp)
                    return true;
            }
            return false;
        }

        private void Remember(uint ssrc, uint timestamp)
        {
            _recent[_recentNext] = (ssrc, timestamp);
            _recentNext = (_recentNext + 1) % Remembered;
            if (_recentCount < Remembered)
                _recentCount++;
        }
    }
}
