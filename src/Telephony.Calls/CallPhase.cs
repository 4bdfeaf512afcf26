namespace Telephony.Calls;

/// <summary>Where a call is in its life.</summary>
public enum CallPhase
{
    /// <summary>Answered, waiting for the ACK.</summary>
    Answering,

    /// <summary>The IVR script runs.</summary>
    Ivr,

    /// <summary>Waiting in an ACD queue (music on hold, position announcements).</summary>
    Queued,

    /// <summary>An agent's phone rings (the caller still hears music).</summary>
    Ringing,

    /// <summary>The IVR hands the call to a partner hotline through the trunk; the partner rings.</summary>
    Transferring,

    /// <summary>Caller and the centre side (agent or partner) talk; media bridged and recorded.</summary>
    Connected,

    /// <summary>The agent hung up; the caller answers the post-call survey.</summary>
    Survey,

    /// <summary>Over.</summary>
    Ended,
}
