namespace Telephony.ContactCenter.Seats;

/// <summary>
/// The legal transitions between seat states. Every store enforces exactly this table, so a
/// seat can never jump (for example) from OnCall back to Ready without passing wrap-up.
/// </summary>
public static class SeatStateRules
{
    private static readonly Dictionary<SeatState, SeatState[]> Allowed = new()
    {
        [SeatState.LoggedOut] = [SeatState.NotReady],
        [SeatState.NotReady] = [SeatState.Ready, SeatState.NotReady, SeatState.LoggedOut],
        [SeatState.Ready] = [SeatState.NotReady, SeatState.Reserved, SeatState.LoggedOut],
        // Reserved -> Ready/NotReady: the caller hung up or the offer could not be delivered.
        [SeatState.Reserved] = [SeatState.Ringing, SeatState.Ready, SeatState.NotReady],
        // Ringing -> NotReady: ring timeout ("no answer"); -> Ready: the caller hung up first.
        [SeatState.Ringing] = [SeatState.OnCall, SeatState.NotReady, SeatState.Ready],
        [SeatState.OnCall] = [SeatState.WrapUp],
        [SeatState.WrapUp] = [SeatState.Ready, SeatState.NotReady, SeatState.LoggedOut],
    };

    /// <summary>True when a seat in <paramref name="from"/> may move to <paramref name="to"/>.</summary>
    public static bool IsLegal(SeatState from, SeatState to) =>
        Allowed.TryGetValue(from, out var targets) && Array.IndexOf(targets, to) >= 0;

    /// <summary>All states from which <paramref name="to"/> may be entered.</summary>
    public static IReadOnlyList<SeatState> LegalSources(SeatState to) =>
        [.. Allowed.Where(kv => Array.IndexOf(kv.Value, to) >= 0).Select(kv => kv.Key).Order()];

    /// <summary>States in which a call is attached to the seat.</summary>
    public static bool HoldsCall(SeatState state) =>
        state is SeatState.Reserved or SeatState.Ringing or SeatState.OnCall or SeatState.WrapUp;
}
