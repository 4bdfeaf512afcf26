namespace Telephony.Calls.Sessions;

/// <summary>When each phase of a call began (UTC); null for a phase the call never reached. Read into the call record at the end.</summary>
internal sealed class CallTimeline(DateTimeOffset offeredAt)
{
    public DateTimeOffset OfferedAt { get; } = offeredAt;

    public DateTimeOffset? IvrEndedAt { get; set; }

    public DateTimeOffset? QueuedAt { get; set; }

    public DateTimeOffset? RingingAt { get; set; }

    public DateTimeOffset? AnsweredAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }
}
