namespace Telephony.Calls.Trunks;

/// <summary>
/// Where the system dials a citizen who contacted us (a callback, a missed call, a case's return visit): through the
/// one outbound trunk (<c>Trunks:OutboundUri</c>). Kept apart from the dial plan of directory and script numbers:
/// these numbers come from our own records, never from what a seat types.
/// </summary>
public sealed class CitizenDialling(TrunkPolicy trunks)
{
    /// <summary>The trunk URI for the citizen's <paramref name="number"/>; null when no trunk is configured or the number is not diallable.</summary>
    public string? Target(string number) =>
        Telephony.Cases.Callbacks.CallbackNumbers.IsDiallable(number)
            ? trunks.OutboundUri(number)
            : null;
}
