namespace Telephony.Media.Srtp;

/// <summary>
/// The replay list of RFC 3711 §3.3.2 as a sliding window: the highest index authenticated so far and a
/// bitmap of the 64 indices below and at it. An index older than the window, or marked in it, is a replay.
/// Checked before authentication (cheap), updated only after it succeeds.
/// </summary>
internal struct SrtpReplayWindow
{
    public const int Size = 64;

    private long _highest;
    private ulong _seen; // bit n: index _highest - n was received
    private bool _started;

    public readonly bool IsFresh(long index)
    {
        if (!_started || index > _highest)
        {
            return true;
        }
        long behind = _highest - index;
        return behind < Size && (_seen & (1UL << (int)behind)) == 0;
    }

    public void Accept(long index)
    {
        if (!_started)
        {
            _started = true;
            _highest = index;
            _seen = 1;
            return;
        }
        if (index > _highest)
        {
            long ahead = index - _highest;
            _seen = ahead >= Size ? 1 : (_seen << (int)ahead) | 1;
            _highest = index;
            return;
        }
        _seen |= 1UL << (int)(_highest - index);
    }

    public void Reset() => this = default;
}
