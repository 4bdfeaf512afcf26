namespace Telephony.Media.Mixing;

/// <summary>Shorthands for applying common <see cref="HearingMatrix"/> shapes to a mixer.</summary>
public static class MixPolicies
{
    /// <summary>Everybody hears everybody else: a three-party call with the partner hotline, or a conference.</summary>
    public static void Conference(AudioMixer mixer, params int[] participants)
    {
        ArgumentNullException.ThrowIfNull(mixer);
        ArgumentNullException.ThrowIfNull(participants);
        mixer.SetHearing(HearingMatrix.Everyone(participants.Length), participants);
    }
}
