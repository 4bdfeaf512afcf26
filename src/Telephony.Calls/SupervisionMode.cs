namespace Telephony.Calls;

/// <summary>How a supervisor takes part in an agent's call.</summary>
public enum SupervisionMode
{
    /// <summary>Hears caller and agent; nobody hears the supervisor.</summary>
    Monitor,

    /// <summary>Hears both; only the agent hears the supervisor (coaching).</summary>
    Whisper,

    /// <summary>Everybody hears everybody.</summary>
    Barge,
}
