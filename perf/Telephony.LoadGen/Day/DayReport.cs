using System.Globalization;
using System.Text;
using Telephony.Cases;

namespace Telephony.LoadGen.Day;

/// <summary>One played half hour: its plan, its window of wall time, what the driver measured and what <c>/api/kpis</c> says.</summary>
internal sealed record DaySlotResult(
    DaySlot Slot, DateTimeOffset From, DateTimeOffset To, int Placed,
    CallFigures Driver, CallFigures Server, IReadOnlyList<string> Disagreements,
    double PredictedWithin15FromQueue, double PredictedWithin15FromAnswer, double PredictedAbandon, double PredictedWaitSeconds);

/// <summary>The simulated day's report: per half hour and for the whole day, the driver's figures, the server's, and the planner's prediction.</summary>
internal sealed class DayReport
{
    public required DayOptions Options { get; init; }
    public required DayPlan Plan { get; init; }
    public required IReadOnlyList<DaySlotResult> Slots { get; init; }
    public required DaySlotResult Day { get; init; }
    public required IReadOnlyDictionary<Lane, (int Calls, double? IvrSeconds, double? Within15)> Lanes { get; init; }
    public required (double? HandleSeconds, double? PatienceSeconds) PlannerReading { get; init; }
    public required TimeSpan Elapsed { get; init; }
    public required IReadOnlyList<string> Failures { get; init; }

    /// <summary>Every window's driver figures equal the server's (within the clocks' slack).</summary>
    public bool Agrees => Day.Disagreements.Count == 0 && Slots.All(s => s.Disagreements.Count == 0);

    public string ToMarkdown()
    {
        var o = Options;
        var sb = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        var playedHalfHours = Slots.Count;
        sb.AppendLine(inv, $"Simulated day: {o.Contacts:N0} contacts/day × scale {o.Scale:0.###} = {o.Contacts * o.Scale * Slots.Sum(s => IntradayCurve.Share(s.Slot.Slot)):N0} contacts in the {playedHalfHours} half hours played ({IntradayCurve.Label(Slots[0].Slot.Slot)}–{IntradayCurve.Label(Slots[^1].Slot.Slot + 1)}).");
        sb.AppendLine(inv, $"Compression: each half hour played for {o.SlotSeconds:0} s of wall time, the peak hour's two for {o.PeakSlotSeconds:0} s each, at the half hour's real (scaled) arrival rate; durations real: talk {o.TalkSeconds:0} s mean (log-normal σ 0.6), wrap-up {o.WrapSeconds:0} s mean (uniform ±50 %), patience {o.PatienceSeconds:0} s mean (exponential) after an IVR allowance. {Day.Placed} calls placed in {Elapsed.TotalMinutes:0.0} min.");
        sb.AppendLine(inv, $"Staffing: the planner's Erlang A answer per half hour (90 % within {Plan.Target.AnswerWithin.TotalSeconds:0} s of queueing, abandons ≤ 3 %, AHT {Plan.HandleTime.TotalSeconds:0} s, patience {Plan.Patience.TotalSeconds:0} s), capped at {o.MaxAgents} seats{(Slots.Any(s => s.Slot.Capped) ? $" (capped in {Slots.Count(s => s.Slot.Capped)} half hours)" : "")}. The planner reading the run's own records (`GET /api/planning/staffing`): AHT {Fmt(PlannerReading.HandleSeconds)} s, patience {Fmt(PlannerReading.PatienceSeconds)} s.");
        sb.AppendLine("Lanes: " + string.Join(", ", Lanes.OrderBy(l => l.Key).Select(l => string.Create(inv, $"{l.Key} {l.Value.Calls} (IVR {Fmt(l.Value.IvrSeconds)} s, answered within 15 s of answer {Fmt(l.Value.Within15 * 100)} %)"))) + ".");
        sb.AppendLine();
        sb.AppendLine(inv, $"Per half hour: driver / `GET /api/kpis` / planner (Erlang A). SL15 = answered within 15 s of the system's answer / offered (the planner's own figure, {Plan.Target.AnswerWithin.TotalSeconds:0} s from queueing, in brackets).");
        sb.AppendLine();
        sb.AppendLine("| half hour | calls/30 min | agents (plan) | placed | SL15 % drv / kpi / pred [queue] | connected % drv / kpi / pred | abandoned % drv / kpi / pred | ASA s drv / kpi (pred wait) | AHT s drv / kpi | agree |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var s in Slots.Append(Day))
        {
            var day = ReferenceEquals(s, Day);
            sb.AppendLine(inv,
                $"| {(day ? "**day**" : s.Slot.Label)} | {(day ? "" : s.Slot.ArrivalsPerHalfHour.ToString("0.#", inv))} | {(day ? "" : $"{s.Slot.Agents}{(s.Slot.Capped ? $" ({s.Slot.Plan.Agents})" : "")}")} | {s.Placed} " +
                $"| {Pct(s.Driver.ServiceLevel15s)} / {Pct(s.Server.ServiceLevel15s)} / {s.PredictedWithin15FromAnswer * 100:0} [{s.PredictedWithin15FromQueue * 100:0}] " +
                $"| {Pct(s.Driver.ConnectedRate)} / {Pct(s.Server.ConnectedRate)} / {(1 - s.PredictedAbandon) * 100:0} " +
                $"| {Pct(new Ratio(s.Driver.Abandoned, s.Driver.RequestedAgent))} / {Pct(new Ratio(s.Server.Abandoned, s.Server.RequestedAgent))} / {s.PredictedAbandon * 100:0.#} " +
                $"| {Fmt(s.Driver.AverageSpeedOfAnswerSeconds)} / {Fmt(s.Server.AverageSpeedOfAnswerSeconds)} ({s.PredictedWaitSeconds:0.0}) " +
                $"| {Fmt(s.Driver.AverageHandleTimeSeconds)} / {Fmt(s.Server.AverageHandleTimeSeconds)} " +
                $"| {(s.Disagreements.Count == 0 ? "yes" : string.Join("; ", s.Disagreements))} |");
        }
        sb.AppendLine();
        var f = Day.Server;
        sb.AppendLine(inv, $"Day (server): offered {f.Offered}, answered {f.Answered} ({Pct(f.AnswerRate)} %), within 15 s of answer {f.AnsweredWithin15s} ({Pct(f.ServiceLevel15s)} %), connected {Pct(f.ConnectedRate)} %, abandoned {f.Abandoned}, refused {f.Refused}, lost {f.Lost}, turned away {f.TurnedAway}; ASA {Fmt(f.AverageSpeedOfAnswerSeconds)} s, AHT {Fmt(f.AverageHandleTimeSeconds)} s.");
        sb.AppendLine(inv, $"Targets: connected ≥ 95 %: {(f.ConnectedRate.Value >= 0.95 ? "met" : "NOT met")}; answered within 15 s ≥ 90 %: {(f.ServiceLevel15s.Value >= 0.90 ? "met" : "NOT met")}. Driver and /api/kpis agree: {(Agrees ? "yes, every half hour and the day" : "NO")}.");
        if (Failures.Count > 0)
            sb.AppendLine("Calls that failed: " + string.Join("; ", Failures));
        return sb.ToString();
    }

    private static string Pct(Ratio r) => r.Value is { } v ? (v * 100).ToString("0.0", CultureInfo.InvariantCulture) : "–";

    private static string Fmt(double? v) => v is { } x ? x.ToString("0.0", CultureInfo.InvariantCulture) : "–";
}
