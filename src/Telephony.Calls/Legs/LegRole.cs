namespace Telephony.Calls.Legs;

/// <summary>Who is at the far end of a call leg.</summary>
internal enum LegRole
{
    /// <summary>The citizen who called the hotline.</summary>
    Caller,

    /// <summary>An agent's seat (SIP phone or softphone).</summary>
    Agent,

    /// <summary>A partner hotline dialled through the trunk (IVR transfer, conference or hand-over).</summary>
    Partner,

    /// <summary>A supervisor's seat, monitoring, whispering or barging.</summary>
    Supervisor,
}
