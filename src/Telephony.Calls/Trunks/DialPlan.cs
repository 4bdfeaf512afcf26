using Telephony.Ivr;

namespace Telephony.Calls.Trunks;

/// <summary>
/// Which outside numbers a call may dial, and where: only numbers written in the operator's IVR
/// script (its transfer steps), only through the configured trunk (toll-fraud guard).
/// </summary>
public sealed class DialPlan(TrunkPolicy trunks, IvrScriptProvider scripts)
{
    /// <summary>The trunk policy the plan dials through (also who may call the service numbers).</summary>
    public TrunkPolicy Trunks => trunks;

    /// <summary>The trunk URI for <paramref name="number"/>, or null when it may not be dialled.</summary>
    public string? OutboundTarget(string number) => trunks.OutboundTarget(number, ScriptNumbers());

    private IReadOnlySet<string> ScriptNumbers() =>
        scripts.Current is { } script
            ? script.Nodes.Values.SelectMany(n => n.Steps).OfType<TransferStep>().Select(s => s.Number).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>();
}
