using System.Globalization;

namespace Telephony.LoadGen.Setups;

/// <summary>Where one generated call is.</summary>
internal enum SetupState
{
    Inviting,
    Established,
    Hanging,
    Done,
}

/// <summary>
/// One generated call: its identifiers, state and what was already received (to count a message that
/// arrives twice as a retransmission). Guarded by locking the object: the receive thread and the clock
/// thread both touch it.
/// </summary>
internal sealed class SetupCall
{
    private readonly HashSet<(string Method, int Code)> _seen = [];

    public SetupCall(int index, string runTag)
    {
        Index = index;
        CallId = string.Create(CultureInfo.InvariantCulture, $"{runTag}-{index}@lg");
        FromTag = string.Create(CultureInfo.InvariantCulture, $"f{runTag}{index:x}");
        InviteBranch = string.Create(CultureInfo.InvariantCulture, $"z9hG4bK{runTag}{index:x}");
        // 155xxxxxxxx: mobile-looking numbers on none of the IVR's caller lists (as the calls scenario).
        Caller = string.Create(CultureInfo.InvariantCulture, $"155{index % 100_000_000:D8}");
    }

    public int Index { get; }
    public string CallId { get; }
    public string FromTag { get; }
    public string InviteBranch { get; }
    public string Caller { get; }
    public SetupState State { get; set; }
    public bool Provisional { get; set; }
    /// <summary>The INVITE got a 503 (a later 2xx for it is ACKed and ended at once).</summary>
    public bool Refused { get; set; }
    public string? ToTag { get; set; }
    public string? RemoteTarget { get; set; }
    /// <summary>
    /// The dialog's route set as Route header lines (the 2xx's Record-Route in reverse, RFC 3261 §12.1.2), empty when no
    /// proxy record-routed: behind Kamailio the ACK and BYE must go through it (it drops an in-dialog request without one).
    /// </summary>
    public string Routes { get; set; } = "";
    public byte[]? Invite { get; set; }
    public byte[]? Ack { get; set; }
    public byte[]? Bye { get; set; }
    public long InviteSentAt { get; set; }
    public TimeSpan RetransmitInterval { get; set; }

    /// <summary>Records a response (method, status) or a request (method, CSeq number); false when it was seen before.</summary>
    public bool FirstTime(string method, int code) => _seen.Add((method, code));
}
