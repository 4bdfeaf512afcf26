namespace Telephony.Media.Mixing;

/// <summary>
/// Who hears whom among a few parties, numbered 0..n-1, built from rules "party i hears parties j, k".
/// Nobody hears themselves. Apply it to an <see cref="AudioMixer"/> with
/// <see cref="AudioMixer.SetHearing"/>, naming which participant each party is. Immutable: build one per
/// situation once and share it. The mixer knows nothing of why (a supervisor listening in, a partner
/// hotline joining); the caller names its situations and picks the matrix.
/// </summary>
public sealed class HearingMatrix
{
    private readonly ulong[] _hears;

    /// <summary>Parties who hear nobody yet.</summary>
    public HearingMatrix(int parties)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(parties, 2);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(parties, AudioMixer.MaxParticipants);
        _hears = new ulong[parties];
    }

    private HearingMatrix(ulong[] hears) => _hears = hears;

    /// <summary>How many parties the matrix is for.</summary>
    public int Parties => _hears.Length;

    /// <summary>Everybody hears everybody else: a conference, a three-party call.</summary>
    public static HearingMatrix Everyone(int parties)
    {
        var matrix = new HearingMatrix(parties);
        for (int i = 0; i < parties; i++)
            matrix._hears[i] = ((parties == 64 ? ulong.MaxValue : (1UL << parties) - 1)) & ~(1UL << i);
        return matrix;
    }

    /// <summary>Parties 0 and 1 talk to each other; party 2 hears both and is heard by nobody.</summary>
    public static HearingMatrix PairWithListener { get; } = new HearingMatrix(3).With(0, 1).With(1, 0).With(2, 0, 1);

    /// <summary>As <see cref="PairWithListener"/>, and party 1 (only) hears party 2 too.</summary>
    public static HearingMatrix PairWithPrompter { get; } = PairWithListener.With(1, 2);

    /// <summary>A copy in which <paramref name="listener"/> also hears <paramref name="talkers"/>.</summary>
    public HearingMatrix With(int listener, params ReadOnlySpan<int> talkers)
    {
        Check(listener);
        var hears = (ulong[])_hears.Clone();
        foreach (int talker in talkers)
        {
            Check(talker);
            if (talker != listener)
                hears[listener] |= 1UL << talker;
        }
        return new HearingMatrix(hears);
    }

    /// <summary>A copy in which <paramref name="listener"/> no longer hears <paramref name="talkers"/>.</summary>
    public HearingMatrix Without(int listener, params ReadOnlySpan<int> talkers)
    {
        Check(listener);
        var hears = (ulong[])_hears.Clone();
        foreach (int talker in talkers)
        {
            Check(talker);
            hears[listener] &= ~(1UL << talker);
        }
        return new HearingMatrix(hears);
    }

    /// <summary>Whether party <paramref name="listener"/> hears party <paramref name="talker"/>.</summary>
    public bool Hears(int listener, int talker)
    {
        Check(listener);
        Check(talker);
        return (_hears[listener] & (1UL << talker)) != 0;
    }

    private void Check(int party)
    {
        if ((uint)party >= (uint)_hears.Length)
            throw new ArgumentOutOfRangeException(nameof(party), party, $"The matrix has parties 0-{_hears.Length - 1}.");
    }
}
