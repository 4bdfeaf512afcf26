namespace Telephony.Media.Mixing;

/// <summary>LEFTOVER for src/Telephony.Server (see <see cref="MixPolicies.Supervise"/>): delete once it is switched.</summary>
public enum SupervisionMode
{
    /// <summary>Supervisor hears caller and agent; nobody hears the supervisor.</summary>
    Monitor,
    /// <summary>Supervisor hears both; only the agent hears the supervisor; the caller hears only the agent.</summary>
    Whisper,
    /// <summary>Everybody hears everybody.</summary>
    Barge,
}
