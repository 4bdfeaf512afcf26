namespace Telephony.Calls.Trunks;

/// <summary>What kind of number the dial plan found.</summary>
public enum DialTargetKind
{
    /// <summary>110, 119, 120, 122: always dialled, whatever the hours say.</summary>
    Emergency,

    /// <summary>A partner hotline in the directory (12348 legal aid, ...).</summary>
    PartnerHotline,

    /// <summary>A department's duty line in the directory.</summary>
    Department,

    /// <summary>A number the IVR script's transfer steps name (not in the directory).</summary>
    ScriptNumber,

    /// <summary>A citizen who contacted us: the caller of this call, or a number with a call record or a case.</summary>
    Citizen,
}

/// <summary>A number the plan lets the call dial: where the INVITE goes (the trunk) and what the number is.</summary>
/// <param name="Number">The number as dialled (digits, maybe a leading +).</param>
/// <param name="Uri">The trunk URI (<c>Trunks:OutboundUri</c> with the number in it).</param>
/// <param name="Kind">What the number is.</param>
/// <param name="Name">The directory's name for it (the number itself for a citizen).</param>
/// <param name="Hours">When it answers, as the directory writes it; null when not known.</param>
public sealed record DialTarget(string Number, string Uri, DialTargetKind Kind, string Name, string? Hours);

/// <summary>
/// The dial plan's answer: <see cref="Target"/> when the number may be dialled, otherwise the
/// <see cref="Refusal"/> as one sentence an agent's desktop can show as it is.
/// </summary>
public sealed record DialResolution(DialTarget? Target, string? Refusal)
{
    /// <summary>True when <see cref="Target"/> is set.</summary>
    public bool Allowed => Target is not null;

    internal static DialResolution Allow(DialTarget target) => new(target, null);

    internal static DialResolution Refuse(string reason) => new(null, reason);
}

/// <summary>Who asks to dial: the call (its Call-ID and its caller's number, a citizen who contacted us) and the agent, for the log.</summary>
public sealed record DialContext(string? CallId = null, string? AgentId = null, string? CallerNumber = null);
