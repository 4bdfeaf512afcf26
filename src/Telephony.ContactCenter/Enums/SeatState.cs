namespace Telephony.ContactCenter.Seats;

/// <summary>The state of one seat (and of the agent logged in to it).</summary>
public enum SeatState
{
    /// <summary>Nobody is logged in to the seat.</summary>
    LoggedOut,
    /// <summary>Logged in and waiting for a call; counts as idle for routing.</summary>
    Ready,
    /// <summary>Logged in but not taking calls; carries a reason ("break", "no answer", ...).</summary>
    NotReady,
    /// <summary>Picked by the ACD for one call; nobody else may take the seat.</summary>
    Reserved,
    /// <summary>The softphone is ringing for the reserved call.</summary>
    Ringing,
    /// <summary>Talking to the caller.</summary>
    OnCall,
    /// <summary>After-call work; returns to Ready by itself when the wrap-up time is over.</summary>
    WrapUp,
}
