using System.Diagnostics;
using System.Globalization;
using System.Net;
using Telephony.Cases;
using Telephony.LoadGen.Calls;
using Telephony.Media;

namespace Telephony.LoadGen.Day;

/// <summary>
/// The <c>day</c> subcommand (issue 14, item 5): a simulated Jinan day through the real server over SIP and RTP.
/// The plan (<see cref="DayPlan"/>) gives each half hour its arrivals and the planner's staffing; the half hours are
/// played one after another, each for its compressed wall time, with the agents staffed as planned and the callers
/// of its Poisson stream dialling in; calls carry over into the next half hour as they would. Afterwards each half
/// hour's window is read back from <c>GET /api/kpis</c> and set next to the driver's own count and the prediction.
/// </summary>
internal static class DayScenario
{
    public const string Help = DayOptions.Help;

    public static async Task<int> RunAsync(string[] args)
    {
        DayOptions o;
        try
        {
            o = DayOptions.Parse(args);
            o.SeatPasswords = SeatPasswords.Load(o.SeatsFile);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"day: {e.Message}\nusage: day {Help}");
            return 2;
        }
        var report = await RunAsync(o, Console.Out, CancellationToken.None).ConfigureAwait(false);
        Console.WriteLine();
        Console.WriteLine(report.ToMarkdown());
        return report.Agrees ? 0 : 3;
    }

    public static async Task<DayReport> RunAsync(DayOptions o, TextWriter log, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(o);
        o.Validate();
        var plan = DayPlan.Make(o);
        var scripts = FindScriptFolder();
        var taxiNumbers = Lanes.ReadCallerList(Path.Combine(scripts, "data", "taxi-drivers.txt"));
        var deputyNumbers = Lanes.ReadCallerList(Path.Combine(scripts, "data", "deputies.txt"));
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"day: {plan.Slots.Count} half hours, {plan.Calls.Count} calls planned, staffing {plan.Slots.Min(s => s.Agents)}..{plan.Slots.Max(s => s.Agents)} agents; SIP {o.Server}, HTTP {o.Http}")).ConfigureAwait(false);

        await using var media = new MediaEngine(new MediaEngineOptions { BindAddress = IPAddress.Loopback, PortMin = o.RtpPortMin, PortMax = o.RtpPortMax });
        media.Start();
        var book = new DayCallBook();
        using var figures = await ServerFigures.LogInAsync(o, ct).ConfigureAwait(false);
        var started = Stopwatch.GetTimestamp();
        var windows = new List<(DaySlot Slot, DateTimeOffset From, DateTimeOffset To)>();
        var callers = new List<Task>();
        await using (var agents = await DayAgents.StartAsync(o, o.SeatPasswords ?? SeatPasswords.Load(o.SeatsFile), media, book, log).ConfigureAwait(false))
        {
            if (agents.Count == 0)
                throw new InvalidOperationException("no agent could start; is the server running?");
            await log.WriteLineAsync($"{agents.Count} agents registered and logged in").ConfigureAwait(false);
            var bySlot = plan.Calls.ToLookup(c => c.Slot);
            foreach (var slot in plan.Slots)
            {
                var from = DateTimeOffset.UtcNow;
                var t0 = Stopwatch.GetTimestamp();
                await agents.StaffAsync(Math.Min(slot.Agents, agents.Count)).ConfigureAwait(false);
                foreach (var planned in bySlot[slot.Slot])
                {
                    var due = planned.Offset - Stopwatch.GetElapsedTime(t0);
                    if (due > TimeSpan.Zero)
                        await Task.Delay(due, ct).ConfigureAwait(false);
                    var call = NewCall(planned, book, taxiNumbers, deputyNumbers);
                    book.Add(call);
                    callers.Add(Task.Run(() => DayCaller.RunAsync(call, o, media, book), ct));
                }
                var rest = TimeSpan.FromSeconds(slot.WallSeconds) - Stopwatch.GetElapsedTime(t0);
                if (rest > TimeSpan.Zero)
                    await Task.Delay(rest, ct).ConfigureAwait(false);
                var to = DateTimeOffset.UtcNow;
                windows.Add((slot, from, to));
                var placed = bySlot[slot.Slot].Count();
                await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"  {slot.Label}: {slot.Agents} agents, {placed} calls in {(to - from).TotalSeconds:0} s; {book.All.Count(c => c.AgentConnectedAt is not null)} answered so far")).ConfigureAwait(false);
            }
            await Task.WhenAll(callers).ConfigureAwait(false);
            // Every answered call's agent has left wrap-up before the figures are read.
            var settled = Task.WhenAll(book.All.Select(c => c.Settled.Task));
            await Task.WhenAny(settled, Task.Delay(TimeSpan.FromSeconds(o.WrapSeconds * 1.5 + 15), ct)).ConfigureAwait(false);
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        var all = book.All;
        var dayFrom = windows[0].From;
        var dayTo = windows[^1].To;
        // The call records are written behind the calls: read until the day's count settles on the driver's.
        var driverDay = DriverFigures.Of(all, dayFrom, dayTo);
        var serverDay = await figures.KpisAsync(dayFrom, dayTo, ct).ConfigureAwait(false);
        for (var i = 0; i < 20 && DriverFigures.Disagreements(driverDay, serverDay, all).Count > 0; i++)
        {
            await Task.Delay(500, ct).ConfigureAwait(false);
            serverDay = await figures.KpisAsync(dayFrom, dayTo, ct).ConfigureAwait(false);
        }
        var ivr = IvrSecondsByLane(all);
        var results = new List<DaySlotResult>();
        foreach (var (slot, from, to) in windows)
        {
            var calls = all.Where(c => c.Plan.Slot == slot.Slot).ToList();
            var driver = DriverFigures.Of(calls, from, to);
            var server = await figures.KpisAsync(from, to, ct).ConfigureAwait(false);
            var predicted = plan.Predicted(slot);
            // The planner counts 15 s from queueing; the KPI from the system's answer: each lane's IVR time comes off.
            var byLane = calls.Select(c => c.Lane).Distinct().ToDictionary(l => l,
                l => plan.PredictedServiceLevel(slot, CallFigures.AnswerLimit - TimeSpan.FromSeconds(ivr.GetValueOrDefault(l) ?? 5)));
            var fromAnswer = calls.Count == 0 ? predicted.ServiceLevel : calls.Average(c => byLane[c.Lane]);
            results.Add(new DaySlotResult(slot, from, to, calls.Count, driver, server, DriverFigures.Disagreements(driver, server, calls),
                predicted.ServiceLevel, fromAnswer, predicted.AbandonProbability, predicted.AverageWait.TotalSeconds));
        }
        double Weighted(Func<DaySlotResult, double> value) =>
            results.Sum(r => r.Placed) == 0 ? 0 : results.Sum(r => value(r) * r.Placed) / results.Sum(r => r.Placed);
        var dayResult = new DaySlotResult(plan.Slots[0] with { }, dayFrom, dayTo, all.Count, driverDay, serverDay, DriverFigures.Disagreements(driverDay, serverDay, all),
            Weighted(r => r.PredictedWithin15FromQueue), Weighted(r => r.PredictedWithin15FromAnswer), Weighted(r => r.PredictedAbandon), Weighted(r => r.PredictedWaitSeconds));
        var reading = await figures.PlannerReadingAsync(dayFrom, dayTo.AddMinutes(5), ct).ConfigureAwait(false);
        return new DayReport
        {
            Options = o,
            Plan = plan,
            Slots = results,
            Day = dayResult,
            Lanes = all.GroupBy(c => c.Lane).ToDictionary(g => g.Key, g => (g.Count(), ivr.GetValueOrDefault(g.Key), DriverFigures.Of(g, dayFrom, dayTo).ServiceLevel15s.Value)),
            PlannerReading = reading,
            Elapsed = elapsed,
            Failures = [.. all.Where(c => c.Failure is not null).GroupBy(c => c.Failure!).OrderByDescending(g => g.Count()).Take(5).Select(g => $"{g.Count()}× {g.Key}")],
        };
    }

    /// <summary>The lane actually taken, and the caller's number: a listed number busy in another call is not used twice.</summary>
    private static DayCall NewCall(PlannedCall planned, DayCallBook book, IReadOnlyList<string> taxi, IReadOnlyList<string> deputies)
    {
        var own = string.Create(CultureInfo.InvariantCulture, $"155{planned.Index:D8}"); // on no caller list
        string? listed = planned.Lane switch
        {
            Lane.TaxiByNumber => taxi.FirstOrDefault(n => !book.InUse(n)),
            Lane.Deputy => deputies.FirstOrDefault(n => !book.InUse(n)),
            _ => null,
        };
        return (planned.Lane, listed) switch
        {
            (Lane.TaxiByNumber, null) => new DayCall(planned, own, Lane.TaxiByMenu),
            (Lane.Deputy, null) => new DayCall(planned, own, Lane.General),
            (_, { } number) => new DayCall(planned, number, planned.Lane),
            _ => new DayCall(planned, own, planned.Lane),
        };
    }

    /// <summary>Mean IVR time per lane: system's answer → queued (the pop's stamp), over the calls that reached an agent.</summary>
    private static Dictionary<Lane, double?> IvrSecondsByLane(IReadOnlyList<DayCall> calls) =>
        calls.GroupBy(c => c.Lane).ToDictionary(g => g.Key, g =>
        {
            var ivr = g.Where(c => c.EnqueuedAt is not null && c.EstablishedAt is not null).Select(c => (c.EnqueuedAt!.Value - c.EstablishedAt!.Value).TotalSeconds).ToList();
            return ivr.Count == 0 ? (double?)null : ivr.Average();
        });

    /// <summary>The shipped script's folder (its caller lists): next to the program, else up from the working directory.</summary>
    private static string FindScriptFolder()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "ivr-scripts");
                if (File.Exists(Path.Combine(candidate, "data", "taxi-drivers.txt")))
                    return candidate;
            }
        }
        throw new FileNotFoundException("ivr-scripts/data/taxi-drivers.txt not found next to the program or above the working directory");
    }
}
