namespace Telephony.ContactCenter.Seats;

/// <summary>
/// The legal transitions between agent states. Every store enforces exactly this table, so a
/// seat can never jump (for example) from OnCall back to Ready without passing wrap-up.
/// </summary>
public static class AgentStateRules
{
    private static readonly Dictionary<AgentState, AgentState[]> Allowed = new()
    {
        [AgentState.LoggedOut] = [AgentState.NotReady],
        [AgentState.NotReady] = [AgentState.Ready, AgentState.NotReady, AgentState.LoggedOut],
        [AgentState.Ready] = [AgentState.NotReady, AgentState.Reserved, AgentState.LoggedOut],
        // Reserved -> Ready/NotReady: the caller hung up or the offer could not be delivered.
        [AgentState.Reserved] = [AgentState.Ringing, AgentState.Ready, AgentState.NotReady],
        // Ringing -> NotReady: ring timeout ("no answer"); -> Ready: the caller hung up first.
        [AgentState.Ringing] = [AgentState.OnCall, AgentState.NotReady, AgentState.Ready],
        [AgentState.OnCall] = [AgentState.WrapUp],
        [AgentState.WrapUp] = [AgentState.Ready, AgentState.NotReady, AgentState.LoggedOut],
    };

    /// <summary>True when a seat in <paramref name="from"/> may move to <paramref name="to"/>.</summary>
    public static bool IsLegal(AgentState from, AgentState to) =>
        Allowed.TryGetValue(from, out var targets) && Array.IndexOf(targets, to) >= 0;

    /// <summary>All states from which <paramref name="to"/> may be entered.</summary>
    public static IReadOnlyList<AgentState> LegalSources(AgentState to) =>
        [.. Allowed.Where(kv => Array.IndexOf(kv.Value, to) >= 0).Select(kv => kv.Key).Order()];

    /// <summary>States in which a call is attached to the seat.</summary>
    public static bool HoldsCall(AgentState state) =>
        state is AgentState.Reserved or AgentState.Ringing or AgentState.OnCall or AgentState.WrapUp;
}
