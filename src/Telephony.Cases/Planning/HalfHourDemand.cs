namespace Telephony.Cases.Planning;

/// <summary>
/// What the call records say about one half hour of the week, summed over a range of weeks: calls that
/// reached the queue (the demand for agents), how they ended, their handle time (talk plus wrap-up) and
/// the time they spent waiting (answered or not, which is what the callers' patience is measured on).
/// </summary>
/// <param name="Slot">0 = Monday 00:00–00:30 local time … 335 = Sunday 23:30–24:00.</param>
public sealed record HalfHourDemand(int Slot, long Arrivals, long Answered, long Abandoned, long Handled, long HandleMs, long QueueMs)
{
    /// <summary>Half hours in a week.</summary>
    public const int SlotsPerWeek = 7 * 48;

    /// <summary>The slot of a local time (Monday-based).</summary>
    public static int SlotOf(DateTimeOffset local) =>
        ((int)local.DayOfWeek + 6) % 7 * 48 + local.Hour * 2 + local.Minute / 30;
}

/// <summary>Reads the half-hourly demand from the call records.</summary>
public interface ICallDemandStore
{
    /// <summary>
    /// The demand per half hour of the week (by queue arrival, in local time <paramref name="utcOffset"/>) of the
    /// calls queued in [<paramref name="from"/>, <paramref name="to"/>); slots without calls are left out.
    /// </summary>
    Task<IReadOnlyList<HalfHourDemand>> GetHalfHourDemandAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan utcOffset, CancellationToken ct = default);
}
