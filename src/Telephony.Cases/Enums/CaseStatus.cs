namespace Telephony.Cases;

/// <summary>Where a case stands. See <see cref="CaseWorkflow"/> for the legal moves.</summary>
public enum CaseStatus
{
    /// <summary>Taken in, not yet answered or dispatched.</summary>
    Registered,
    /// <summary>Answered on the spot by the agent; waits for the satisfaction callback.</summary>
    AwaitingCallback,
    /// <summary>Sent to a department; waits for its sign-for.</summary>
    Dispatched,
    /// <summary>The department accepted the case.</summary>
    SignedFor,
    /// <summary>The department is working on it.</summary>
    InProgress,
    /// <summary>The department asked to return a wrongly dispatched case; the centre reviews.</summary>
    ReturnRequested,
    /// <summary>The department replied; waits for the satisfaction callback.</summary>
    Replied,
    /// <summary>The citizen was dissatisfied on callback; the centre handles the case again.</summary>
    Reopened,
    /// <summary>Finished (callback done or impossible).</summary>
    Closed,
    /// <summary>Closed and put away; read-only.</summary>
    Archived,
    /// <summary>A duplicate folded into another case; read-only.</summary>
    Merged,
}
