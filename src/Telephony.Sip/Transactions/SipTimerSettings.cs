namespace Telephony.Sip.Transactions;

/// <summary>
/// RFC 3261 §17 timer base values (Table 4) and the timers derived from them, plus RFC 6026's
/// Timers L and M. Defaults are the RFC's: T1 = 500 ms, T2 = 4 s, T4 = 5 s.
/// </summary>
public sealed class SipTimerSettings
{
    /// <summary>RTT estimate; initial retransmit interval.</summary>
    public TimeSpan T1 { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Maximum retransmit interval for non-INVITE requests and INVITE responses.</summary>
    public TimeSpan T2 { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>Maximum time a message stays in the network.</summary>
    public TimeSpan T4 { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>§17.2.1: the INVITE server transaction sends 100 Trying if the TU has not answered within this time.</summary>
    public TimeSpan TryingDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Timer A initial value (INVITE request retransmit, UDP only).</summary>
    public TimeSpan A => T1;
    /// <summary>Timer B: INVITE transaction timeout.</summary>
    public TimeSpan B => 64 * T1;
    /// <summary>
    /// Timer C: an INVITE client transaction in Proceeding (provisional received, no final) ends
    /// with a local 408 after this long (RFC 3261 §16.6 proxy timer, used here as a safety net so
    /// the table stays bounded; the TU normally sends CANCEL earlier).
    /// </summary>
    public TimeSpan C { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// A server transaction whose TU sends no final response is removed after this long (no RFC
    /// timer; a safety net so a silent TU cannot fill the table). Non-INVITE uses 64·T1 (the client
    /// gave up at Timer F anyway); INVITE uses this value.
    /// </summary>
    public TimeSpan InviteServerMaxProceeding { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Timer D: wait for response retransmits on UDP (RFC: at least 32 s; 0 on reliable transports).</summary>
    public TimeSpan D { get; set; } = TimeSpan.FromSeconds(32);
    /// <summary>Timer E initial value (non-INVITE request retransmit, UDP only).</summary>
    public TimeSpan E => T1;
    /// <summary>Timer F: non-INVITE transaction timeout.</summary>
    public TimeSpan F => 64 * T1;
    /// <summary>Timer G initial value (INVITE response retransmit, UDP only).</summary>
    public TimeSpan G => T1;
    /// <summary>Timer H: wait for ACK receipt.</summary>
    public TimeSpan H => 64 * T1;
    /// <summary>Timer I: wait for ACK retransmits (T4 on UDP, 0 on reliable transports).</summary>
    public TimeSpan I => T4;
    /// <summary>Timer J: wait for non-INVITE request retransmits (64·T1 on UDP, 0 on reliable).</summary>
    public TimeSpan J => 64 * T1;
    /// <summary>Timer K: wait for response retransmits (T4 on UDP, 0 on reliable).</summary>
    public TimeSpan K => T4;
    /// <summary>RFC 6026 Timer L: INVITE server transaction stays in Accepted this long.</summary>
    public TimeSpan L => 64 * T1;
    /// <summary>RFC 6026 Timer M: INVITE client transaction stays in Accepted this long.</summary>
    public TimeSpan M => 64 * T1;

    internal void Validate()
    {
        if (T1 <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(T1));
        if (T2 < T1) throw new ArgumentOutOfRangeException(nameof(T2), "T2 must be at least T1.");
        if (T4 <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(T4));
        if (C <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(C));
        if (InviteServerMaxProceeding <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(InviteServerMaxProceeding));
        if (D < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(D));
        if (TryingDelay < TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(TryingDelay));
    }
}
