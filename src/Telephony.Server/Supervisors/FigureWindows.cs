using Telephony.Cases.Storage;

namespace Telephony.Server.Supervisors;

/// <summary>
/// Today's figures for the wall over its intervals — now (the last <see cref="WallboardSettings.NowMinutes"/>),
/// the last 15, 30 and 60 minutes, and today since the hotline's local midnight — each computed by the
/// report's own code (<see cref="ICallRecordStore.GetCallFiguresAsync"/>), so the wall equals
/// <c>GET /api/kpis?from&amp;to</c> over the same window.
/// </summary>
public sealed class FigureWindows(ICallRecordStore records, WallboardSettings settings, TimeProvider time)
{
    /// <summary>The interval names, in the wall's order.</summary>
    public static readonly IReadOnlyList<string> Names = ["now", "15m", "30m", "60m", "today"];

    public async Task<FigureBoard> ComputeAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        // The report's ranges are [from, to) in whole milliseconds: end just after now so a call offered this millisecond counts.
        var to = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds() + 1);
        var offset = TimeSpan.FromHours(settings.UtcOffsetHours);
        var local = now.ToOffset(offset);
        var midnight = new DateTimeOffset(local.Year, local.Month, local.Day, 0, 0, 0, offset);
        var windows = new (string Name, DateTimeOffset From)[]
        {
            ("now", to.AddMinutes(-settings.NowMinutes)), ("15m", to.AddMinutes(-15)), ("30m", to.AddMinutes(-30)),
            ("60m", to.AddMinutes(-60)), ("today", midnight),
        };
        var intervals = new List<FigureInterval>(windows.Length);
        foreach (var (name, from) in windows)
        {
            intervals.Add(new FigureInterval(name, await records.GetCallFiguresAsync(from, to, ct).ConfigureAwait(false)));
        }
        return new FigureBoard(now, intervals, settings.ServiceLevelTarget, settings.ConnectedRateTarget);
    }
}
