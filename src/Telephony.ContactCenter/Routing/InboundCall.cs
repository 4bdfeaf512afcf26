namespace Telephony.ContactCenter.Routing;

/// <summary>A caller handed to the ACD after the IVR.</summary>
/// <param name="CallId">The server's id for the call (the SIP Call-ID, opaque here).</param>
/// <param name="CallerNumber">Who calls.</param>
/// <param name="DialedNumber">What they dialled (e.g. 12345).</param>
/// <param name="Queue">The queue the IVR chose (a configured queue's name).</param>
/// <param name="Priority">The caller's own priority (added to the queue's).</param>
/// <param name="Language">"zh" or "en": the agent must have it as a skill (empty = any language).</param>
/// <param name="IvrPath">The IVR nodes the caller passed, in order.</param>
/// <param name="IvrDigits">The DTMF digits collected.</param>
/// <param name="Skills">Skills the agent needs beyond the queue's (the IVR's <c>skills</c>, e.g. "charity").</param>
public sealed record InboundCall(
    string CallId,
    string CallerNumber,
    string DialedNumber,
    string Queue,
    int Priority,
    string Language,
    IReadOnlyList<string> IvrPath,
    string IvrDigits,
    IReadOnlyList<string>? Skills = null)
{
    /// <summary>The agent who transferred the call here (their desktop's pop says so); null for a call from the IVR.</summary>
    public string? TransferredFrom { get; init; }

    /// <summary>The case the transferring agent was writing (the desk's draft fields), for the next agent's pop.</summary>
    public IReadOnlyDictionary<string, string>? CaseDraft { get; init; }
}
