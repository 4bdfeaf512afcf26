namespace Telephony.Testing.Audio;

/// <summary>
/// The tones the three-party call tests give each party (citizen 500 Hz, agent 1200 Hz, the third
/// party 1700 Hz: a supervisor or a partner), far enough apart to tell who hears whom.
/// </summary>
public static class ThreePartyTones
{
    public const double CallerHz = 500;
    public const double AgentHz = 1200;
    public const double SupervisorHz = 1700;
    public const double PartnerHz = SupervisorHz;

    /// <summary>Who-hears-whom checks for these three tones.</summary>
    public static ThreePartyHearing Tones { get; } = new(CallerHz, AgentHz, SupervisorHz);
}
