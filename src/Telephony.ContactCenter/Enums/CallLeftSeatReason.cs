namespace Telephony.ContactCenter.Events;

/// <summary>Why a call left the seat.</summary>
public enum CallLeftSeatReason
{
    /// <summary>The conversation ended normally.</summary>
    Completed,
    /// <summary>The caller hung up before the agent answered.</summary>
    CallerHungUp,
    /// <summary>The agent did not answer in time; the call went to another agent.</summary>
    NoAnswer,
    /// <summary>The seat's softphone could not be reached.</summary>
    Unreachable,
    /// <summary>The seat's softphone refused the call (busy, declined or another final error); the call went to another agent.</summary>
    Declined,
    /// <summary>The node that held the call died; a surviving node ended the call as node-lost and released the seat.</summary>
    NodeLost,
}
