using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using Telephony.LoadGen.Calls;
using Telephony.LoadGen.Day;
using Telephony.Media;
using Telephony.Softphone.Core;

namespace Telephony.LoadGen.Callbacks;

/// <summary>
/// The <c>callbacks</c> subcommand (issue 13, callback in queue under load): the agents are logged in but on a break
/// while N callers queue; a share of them accepts the callback offer (1) and hangs up; then every agent goes Ready.
/// The rest are answered where they wait, the others called back through the trunk (this program's carrier side
/// answers as the citizens). Reports: everyone answered or called back, none twice, the queue's order kept by the
/// ACD's offers (pops) callbacks included, and the callback delay (hang-up → the citizen's phone answered).
/// Needs a server whose <c>Trunks:OutboundUri</c> is <c>sip:{number}@CARRIER</c>, and queues whose expected wait
/// is over the script's callback threshold from the first position (perf/callbacks.sh sets both).
/// </summary>
internal static class CallbackScenario
{
    public const string Help = "--server H:P --http URL --carrier 127.0.0.1:PORT [--callers 200] [--rate 10] [--share 0.3] [--agents 60] [--talk-s 5] [--wrap-s 2] [--seats-file F] [--seed 1]";

    public static async Task<int> RunAsync(string[] args)
    {
        var o = new DayOptions { MaxAgents = 60, TalkSeconds = 5, WrapSeconds = 2, Seed = 1 };
        string carrierAt = "127.0.0.1:42070";
        int callers = 200;
        double rate = 10, share = 0.3;
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                string a = args[i];
                string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value");
                double Real() => double.Parse(Next(), CultureInfo.InvariantCulture);
                switch (a)
                {
                    case "--server": o.Server = Next(); break;
                    case "--http": o.Http = new Uri(Next().TrimEnd('/') + "/"); break;
                    case "--carrier": carrierAt = Next(); break;
                    case "--callers": callers = (int)Real(); break;
                    case "--rate": rate = Real(); break;
                    case "--share": share = Real(); break;
                    case "--agents": o.MaxAgents = (int)Real(); break;
                    case "--talk-s": o.TalkSeconds = Real(); break;
                    case "--wrap-s": o.WrapSeconds = Real(); break;
                    case "--seats-file": o.SeatsFile = Next(); break;
                    case "--seed": o.Seed = (int)Real(); break;
                    default: throw new ArgumentException($"unknown option {a}");
                }
            }
            o.Validate();
            o.SeatPasswords = SeatPasswords.Load(o.SeatsFile);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or System.Text.Json.JsonException)
        {
            Console.Error.WriteLine($"callbacks: {e.Message}\nusage: callbacks {Help}");
            return 2;
        }
        var (text, clean) = await RunAsync(o, carrierAt, callers, rate, share, Console.Out).ConfigureAwait(false);
        Console.WriteLine(text);
        return clean ? 0 : 3;
    }

    public static async Task<(string Report, bool Clean)> RunAsync(DayOptions o, string carrierAt, int callers, double rate, double share, TextWriter log)
    {
        var random = new Random(o.Seed);
        await using var media = new MediaEngine(new MediaEngineOptions { BindAddress = IPAddress.Loopback, PortMin = o.RtpPortMin, PortMax = o.RtpPortMax });
        media.Start();
        var talk = TimeSpan.FromSeconds(o.TalkSeconds);
        await using var carrier = await CarrierPhones.StartAsync($"udp:{carrierAt}", media, TimeSpan.FromSeconds(1), talk).ConfigureAwait(false);
        var book = new DayCallBook();
        var calls = new List<(DayCall Call, bool Chooser)>();
        var tasks = new List<Task>();
        var hungUp = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        TimeSpan readyAt;
        await using (var agents = await DayAgents.StartAsync(o, o.SeatPasswords ?? SeatPasswords.Load(o.SeatsFile), media, book, log).ConfigureAwait(false))
        {
            await log.WriteLineAsync($"callbacks: {agents.Count} agents logged in on a break; {callers} callers at {rate}/s, {share:P0} of them choose a callback").ConfigureAwait(false);
            for (var i = 0; i < callers; i++)
            {
                var due = TimeSpan.FromSeconds(i / rate) - clock.Elapsed;
                if (due > TimeSpan.Zero)
                    await Task.Delay(due).ConfigureAwait(false);
                var plan = new PlannedCall(i, 0, TimeSpan.Zero, Lane.General, talk, TimeSpan.FromHours(1));
                var call = new DayCall(plan, string.Create(CultureInfo.InvariantCulture, $"156{i:D8}"), Lane.General);
                var chooser = random.NextDouble() < share;
                book.Add(call);
                calls.Add((call, chooser));
                tasks.Add(Task.Run(() => CallAsync(call, chooser, o, media, book, hungUp)));
            }
            await Task.Delay(TimeSpan.FromSeconds(15)).ConfigureAwait(false); // the last callers queued, the choosers gone
            readyAt = clock.Elapsed;
            var readyTime = DateTimeOffset.UtcNow;
            await agents.StaffAsync(agents.Count).ConfigureAwait(false);
            await log.WriteLineAsync($"  {readyAt.TotalSeconds:0} s: every agent Ready").ConfigureAwait(false);
            await Task.WhenAll(tasks).ConfigureAwait(false);
            // The callbacks: until every chooser's number was answered at the carrier, or nothing moves for a minute.
            var choosers = calls.Where(c => c.Chooser).Select(c => c.Call.Number).ToList();
            var lastProgress = clock.Elapsed;
            var reached = 0;
            while (clock.Elapsed - lastProgress < TimeSpan.FromSeconds(60))
            {
                var now = choosers.Count(n => carrier.Lines.TryGetValue(n, out var l) && l.EndedAt is not null);
                if (now == choosers.Count)
                    break;
                if (now != reached)
                    (reached, lastProgress) = (now, clock.Elapsed);
                await Task.Delay(500).ConfigureAwait(false);
            }
            await Task.Delay(TimeSpan.FromSeconds(o.WrapSeconds * 1.5 + 2)).ConfigureAwait(false);
            return Report(calls, carrier, hungUp, readyTime, clock.Elapsed, callers, share, o);
        }
    }

    private static Task CallAsync(DayCall rec, bool chooser, DayOptions o, MediaEngine media, DayCallBook book, Dictionary<string, DateTimeOffset> hungUp) =>
        CitizenDial.RunAsync(rec, o, media, 440, call => chooser ? ChooseCallbackAsync(rec, call, hungUp) : WaitAndTalkAsync(rec, call), () =>
        {
            if (!chooser)
                book.Remove(rec); // a chooser's number stays known: its callback's pop names it
        });

    // Queued about 5 s after the answer, the offer follows at once: 1 (twice, a second apart), then hang up.
    private static async Task ChooseCallbackAsync(DayCall rec, OutboundCall call, Dictionary<string, DateTimeOffset> hungUp)
    {
        await Task.Delay(TimeSpan.FromSeconds(7)).ConfigureAwait(false);
        call.SendDigit('1');
        await Task.Delay(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        call.SendDigit('1');
        await Task.Delay(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        await call.HangupAsync().ConfigureAwait(false);
        lock (hungUp)
        {
            hungUp[rec.Number] = DateTimeOffset.UtcNow;
        }
    }

    private static async Task WaitAndTalkAsync(DayCall rec, OutboundCall call)
    {
        var first = await Task.WhenAny(rec.AgentConnected.Task, call.Call.Completion, Task.Delay(TimeSpan.FromMinutes(10))).ConfigureAwait(false);
        if (first != rec.AgentConnected.Task)
        {
            rec.Failure = first == call.Call.Completion ? $"ended unanswered ({call.Ended?.Reason})" : "no agent within 10 minutes";
            return;
        }
        await Task.WhenAny(call.Call.Completion, Task.Delay(rec.Plan.Talk)).ConfigureAwait(false);
        await call.HangupAsync().ConfigureAwait(false);
    }

    private static (string, bool) Report(List<(DayCall Call, bool Chooser)> calls, CarrierPhones carrier, Dictionary<string, DateTimeOffset> hungUp,
        DateTimeOffset readyTime, TimeSpan elapsed, int callers, double share, DayOptions o)
    {
        var inv = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        var choosers = calls.Where(c => c.Chooser).ToList();
        var stayers = calls.Where(c => !c.Chooser).ToList();
        var answered = stayers.Count(c => c.Call.AgentConnectedAt is not null);
        var calledBack = choosers.Count(c => carrier.Lines.TryGetValue(c.Call.Number, out var l) && l.AnsweredAt is not null);
        var dialledTwice = choosers.Count(c => carrier.Lines.TryGetValue(c.Call.Number, out var l) && l.Invites > 1);
        var strays = carrier.Lines.Keys.Count(n => !choosers.Exists(c => c.Call.Number == n));
        // The ACD's order: every served call's pop against its place (queue entry time). A call offered while agents
        // free up together may be popped a moment after a later one (the offers run side by side), so "overtaken"
        // counts, for each call, the later arrivals popped before it: up to agents − 1 is a simultaneous offer.
        var served = calls.Where(c => c.Call.PoppedAt is not null && c.Call.EnqueuedAt is not null).ToList();
        int Overtaken(DayCall c) => served.Count(d => d.Call.EnqueuedAt > c.EnqueuedAt && d.Call.PoppedAt < c.PoppedAt);
        var overtakenCallbacks = served.Where(c => c.Chooser).Select(c => Overtaken(c.Call)).DefaultIfEmpty(0).ToList();
        var overtakenOthers = served.Where(c => !c.Chooser).Select(c => Overtaken(c.Call)).DefaultIfEmpty(0).ToList();
        var delays = choosers.Where(c => hungUp.ContainsKey(c.Call.Number) && carrier.Lines.TryGetValue(c.Call.Number, out var l) && l.AnsweredAt is not null)
            .Select(c => (carrier.Lines[c.Call.Number].AnsweredAt!.Value - hungUp[c.Call.Number]).TotalSeconds).Order().ToList();
        var sinceReady = choosers.Where(c => carrier.Lines.TryGetValue(c.Call.Number, out var l) && l.AnsweredAt is not null)
            .Select(c => (carrier.Lines[c.Call.Number].AnsweredAt!.Value - readyTime).TotalSeconds).Order().ToList();
        var popToCitizen = choosers.Where(c => c.Call.PoppedAt is not null && carrier.Lines.TryGetValue(c.Call.Number, out var l) && l.FirstRangAt is not null)
            .Select(c => (carrier.Lines[c.Call.Number].FirstRangAt!.Value - c.Call.PoppedAt!.Value).TotalSeconds).Order().ToList();
        sb.AppendLine(inv, $"Callback in queue: {callers} callers at the general queue, {choosers.Count} ({(double)choosers.Count / callers:P0}) pressed 1 and hung up, {o.MaxAgents} agents (on a break until everyone queued), talk {o.TalkSeconds:0} s, wrap-up {o.WrapSeconds:0} s; {elapsed.TotalSeconds:0} s in all.");
        sb.AppendLine(inv, $"- answered where they waited: {answered} of {stayers.Count}; called back and reached: {calledBack} of {choosers.Count}; dialled more than once: {dialledTwice}; numbers dialled that asked for no callback: {strays}");
        sb.AppendLine(inv, $"- place kept: {served.Count} pops; later arrivals popped before a callback: max {overtakenCallbacks.Max()}, mean {overtakenCallbacks.Average():0.0}; before a caller who waited: max {overtakenOthers.Max()}, mean {overtakenOthers.Average():0.0} ({o.MaxAgents} agents: up to {o.MaxAgents - 1} is offers made side by side)");
        sb.AppendLine(inv, $"- callback delay (caller's hang-up → citizen answered): {Stat(delays)}; after the agents went Ready: {Stat(sinceReady)}; pop → the citizen's phone rings: {Stat(popToCitizen)}");
        var failures = calls.Where(c => c.Call.Failure is not null).GroupBy(c => c.Call.Failure!).Select(g => $"{g.Count()}× {g.Key}").Take(5).ToList();
        if (failures.Count > 0)
            sb.AppendLine("- failures: " + string.Join("; ", failures));
        var clean = answered == stayers.Count && calledBack == choosers.Count && dialledTwice == 0 && strays == 0 && failures.Count == 0;
        sb.AppendLine(clean ? "RESULT clean: everyone answered or called back, none twice" : "RESULT not clean");
        return (sb.ToString(), clean);
    }

    private static string Stat(List<double> sorted) => sorted.Count == 0 ? "no samples" : string.Create(CultureInfo.InvariantCulture,
        $"median {sorted[sorted.Count / 2]:0.0} s, p90 {sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * 0.9))]:0.0} s, max {sorted[^1]:0.0} s (n={sorted.Count})");
}
