namespace Telephony.Cases;

/// <summary>How a call ended, as the call manager knows it; stored as the short text of <see cref="CallOutcomes.ToText"/>.</summary>
public enum CallOutcome
{
    /// <summary>Nothing usable happened (an error, or the node stopped).</summary>
    Failed,

    /// <summary>An agent answered.</summary>
    Answered,

    /// <summary>The caller hung up while queued or while an agent's phone rang.</summary>
    Abandoned,

    /// <summary>The call ended in the IVR (self-service, or the caller left there).</summary>
    Ivr,

    /// <summary>The call went on with a partner hotline (IVR transfer or the agent's hand-over).</summary>
    Transferred,

    /// <summary>
    /// The node that held the call died with it (its record was still live when the node started again and
    /// swept it): the caller was cut off by us, not by choice. Offered and not connected for the KPIs, unless an
    /// agent had answered before the crash.
    /// </summary>
    NodeLost,

    /// <summary>
    /// The node was stopped (SIGTERM, <c>systemctl stop</c>) and ended the call itself when its drain time ran out
    /// (<c>Calls:DrainTimeoutSeconds</c>): both legs got a BYE. Not abandoned by the caller; connected only if an agent had answered.
    /// </summary>
    Drained,

    /// <summary>The queue was full: the caller heard the polite refusal and the call ended (issue 14). Offered, not connected, not abandoned.</summary>
    QueueFull,

    /// <summary>The caller waited the queue's maximum and heard its end action; then the call ended. Offered, not connected, not abandoned.</summary>
    QueueTimeout,

    /// <summary>
    /// The caller chose "call me back" in the queue and hung up: their entry keeps its place and the call we place
    /// when their turn comes is an outbound record of its own (outcome <see cref="Callback"/>). Neither abandoned nor answered.
    /// </summary>
    CallbackRequested,

    /// <summary>Outbound: a queued caller chose "call me back" and their turn came (answered_at says whether they were reached).</summary>
    Callback,

    /// <summary>Outbound: a missed call (abandoned in the IVR or the queue) returned (漏话回拨).</summary>
    MissedCallReturn,

    /// <summary>Outbound: a return visit (回访) from a case, the satisfaction callback.</summary>
    ReturnVisit,
}

/// <summary>The one mapping between <see cref="CallOutcome"/> and the call record's <c>outcome</c> column.</summary>
public static class CallOutcomes
{
    /// <summary>The text of <see cref="CallOutcome.NodeLost"/> (the KPI SQL names it).</summary>
    public const string NodeLostText = "node-lost";

    /// <summary>The text of <see cref="CallOutcome.CallbackRequested"/> (the KPI SQL names it).</summary>
    public const string CallbackRequestedText = "callback-requested";

    /// <summary>The text of <see cref="CallOutcome.Drained"/> (the KPI SQL names it).</summary>
    public const string DrainedText = "drained";

    /// <summary>The text of <see cref="CallOutcome.QueueFull"/> (the KPI SQL names it).</summary>
    public const string QueueFullText = "queue-full";

    /// <summary>The text of <see cref="CallOutcome.QueueTimeout"/> (the KPI SQL names it).</summary>
    public const string QueueTimeoutText = "queue-timeout";

    /// <summary>The column text: answered | abandoned | ivr | transferred | node-lost | drained | queue-full | queue-timeout | failed; outbound calls: callback | missed-call-return | return-visit.</summary>
    public static string ToText(this CallOutcome outcome) => outcome switch
    {
        CallOutcome.NodeLost => NodeLostText,
        CallOutcome.Drained => DrainedText,
        CallOutcome.QueueFull => QueueFullText,
        CallOutcome.QueueTimeout => QueueTimeoutText,
        CallOutcome.Answered => "answered",
        CallOutcome.Abandoned => "abandoned",
        CallOutcome.Ivr => "ivr",
        CallOutcome.Transferred => "transferred",
        CallOutcome.CallbackRequested => CallbackRequestedText,
        CallOutcome.Callback => "callback",
        CallOutcome.MissedCallReturn => "missed-call-return",
        CallOutcome.ReturnVisit => "return-visit",
        _ => "failed",
    };
}
