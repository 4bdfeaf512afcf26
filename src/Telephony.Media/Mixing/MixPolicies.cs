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

    /// <summary>
    /// LEFTOVER for src/Telephony.Server until the call code (Telephony.Calls) names its own situations:
    /// delete together with <see cref="SupervisionMode"/>. Monitor = <see cref="HearingMatrix.PairWithListener"/>,
    /// whisper = <see cref="HearingMatrix.PairWithPrompter"/>, barge = <see cref="HearingMatrix.Everyone"/>(3).
    /// </summary>
    public static void Supervise(AudioMixer mixer, int caller, int agent, int supervisor, SupervisionMode mode)
    {
        ArgumentNullException.ThrowIfNull(mixer);
        var hearing = mode switch
        {
            SupervisionMode.Monitor => HearingMatrix.PairWithListener,
            SupervisionMode.Whisper => HearingMatrix.PairWithPrompter,
            _ => HearingMatrix.Everyone(3),
        };
        mixer.SetHearing(hearing, caller, agent, supervisor);
    }
}
