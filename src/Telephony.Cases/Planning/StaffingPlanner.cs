using System.Globalization;
using System.Text;

namespace Telephony.Cases.Planning;

/// <summary>One half hour of the weekly plan.</summary>
/// <param name="Slot">0 = Monday 00:00 … 335 = Sunday 23:30 (local time).</param>
/// <param name="Day">"Mon" … "Sun".</param>
/// <param name="Start">"HH:mm", local time.</param>
/// <param name="Arrivals">Calls reaching the queue in this half hour, averaged over the weeks read.</param>
/// <param name="HandleSeconds">Mean handle time (talk plus wrap-up); the range's mean where this half hour answered none.</param>
/// <param name="LoadErlangs">Offered load: arrivals per second × handle time.</param>
/// <param name="Answer">Agents needed by each model, the plan and its prediction.</param>
/// <param name="LoggedInNow">Agents logged in now, on the half hour that is now (null on the others).</param>
public sealed record StaffingRow(int Slot, string Day, string Start, double Arrivals, double HandleSeconds, double LoadErlangs, StaffingAnswer Answer, int? LoggedInNow);

/// <summary>The weekly plan: what the history says, the target, and the agents each half hour needs.</summary>
public sealed record StaffingPlan(
    DateTimeOffset From, DateTimeOffset To, double Weeks, TimeSpan UtcOffset, StaffingTarget Target,
    double? PatienceSeconds, double HandleSecondsOverall, int CurrentSlot, int? LoggedInNow, IReadOnlyList<StaffingRow> Rows)
{
    private static readonly string[] Days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

    /// <summary>The slot's day and start time as the plan prints them.</summary>
    public static (string Day, string Start) Label(int slot) =>
        (Days[slot / 48], string.Create(CultureInfo.InvariantCulture, $"{slot % 48 / 2:00}:{slot % 2 * 30:00}"));

    /// <summary>The plan as CSV (RFC 4180; invariant numbers), one line per half hour of the week.</summary>
    public string ToCsv()
    {
        var csv = new StringBuilder("day,start,arrivals,handle_s,load_erlangs,erlang_c_agents,erlang_a_agents,agents,scheduled,model,service_level,abandon_rate,average_wait_s,logged_in_now\r\n");
        foreach (var r in Rows)
        {
            var a = r.Answer;
            csv.Append(CultureInfo.InvariantCulture,
                $"{r.Day},{r.Start},{r.Arrivals:0.##},{r.HandleSeconds:0.#},{r.LoadErlangs:0.###},{a.ErlangCAgents},{a.ErlangAAgents?.ToString(CultureInfo.InvariantCulture)},{a.Agents},{a.Scheduled},{a.Model},{a.ServiceLevel:0.####},{a.AbandonRate:0.####},{Seconds(a.AverageWait):0.#},{r.LoggedInNow?.ToString(CultureInfo.InvariantCulture)}\r\n");
        }
        return csv.ToString();
    }

    private static double Seconds(TimeSpan t) => t == TimeSpan.MaxValue ? double.PositiveInfinity : t.TotalSeconds;
}

/// <summary>
/// Turns the call records of a range of weeks into the agents each half hour of the week needs (issue 14):
/// arrivals and handle time (talk plus wrap-up) per half hour, the callers' patience (abandons / total
/// time waited: the exponential patience's maximum-likelihood estimate, with answered calls' waits as
/// censored observations) over the whole range — half-hour samples are too small for it — and
/// <see cref="StaffingCalculator"/> per half hour.
/// </summary>
public sealed class StaffingPlanner(ICallDemandStore demand)
{
    /// <summary>The plan from the records queued in [<paramref name="from"/>, <paramref name="to"/>) (whole weeks are best).</summary>
    public async Task<StaffingPlan> PlanAsync(DateTimeOffset from, DateTimeOffset to, TimeSpan utcOffset, StaffingTarget target, DateTimeOffset now, int? loggedInNow, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        target.Validate();
        if (to <= from)
            throw new ArgumentException("to must be after from", nameof(to));
        var history = await demand.GetHalfHourDemandAsync(from, to, utcOffset, ct).ConfigureAwait(false);
        return Plan(history, from, to, utcOffset, target, now, loggedInNow);
    }

    /// <summary>The plan from demand already read (tests, the load generator's prediction).</summary>
    public static StaffingPlan Plan(IReadOnlyList<HalfHourDemand> history, DateTimeOffset from, DateTimeOffset to, TimeSpan utcOffset, StaffingTarget target, DateTimeOffset now, int? loggedInNow)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(target);
        var weeks = Math.Max((to - from).TotalDays / 7, 1.0 / 336);
        var handled = history.Sum(h => h.Handled);
        var overallHandle = handled == 0 ? 0 : history.Sum(h => h.HandleMs) / 1000.0 / handled;
        var abandoned = history.Sum(h => h.Abandoned);
        var waited = history.Sum(h => h.QueueMs) / 1000.0;
        double? patience = abandoned == 0 || waited <= 0 ? null : waited / abandoned;
        var bySlot = history.ToDictionary(h => h.Slot);
        var current = HalfHourDemand.SlotOf(now.ToOffset(utcOffset));
        var rows = new List<StaffingRow>(HalfHourDemand.SlotsPerWeek);
        for (var slot = 0; slot < HalfHourDemand.SlotsPerWeek; slot++)
        {
            var h = bySlot.GetValueOrDefault(slot);
            var arrivals = (h?.Arrivals ?? 0) / weeks;
            var handle = h is { Handled: > 0 } ? h.HandleMs / 1000.0 / h.Handled : overallHandle;
            var answer = StaffingCalculator.AgentsNeeded(arrivals / 1800.0, TimeSpan.FromSeconds(handle),
                patience is { } p ? TimeSpan.FromSeconds(p) : null, target);
            var (day, start) = StaffingPlan.Label(slot);
            rows.Add(new StaffingRow(slot, day, start, arrivals, handle, arrivals / 1800.0 * handle, answer, slot == current ? loggedInNow : null));
        }
        return new StaffingPlan(from, to, weeks, utcOffset, target, patience, overallHandle, current, loggedInNow, rows);
    }
}
