using System.Globalization;
using Microsoft.Diagnostics.Tracing.Etlx;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

// Reads an EventPipe trace (dotnet-trace) of the server under load; docs/benchmarks.md gives the commands.
//   alloc FILE [TYPE]   bytes allocated by type and by allocating frame (needs --profile gc-verbose: AllocationTick with stacks)
//   gc FILE             GC pauses by generation, EE suspensions, and the exceptions thrown with their first frames of ours
//                       (needs --providers Microsoft-Windows-DotNETRuntime:0x8019:4: GC, exceptions, loader and JIT for names)
if (args.Length < 2 || args[0] is not ("alloc" or "gc"))
{
    Console.Error.WriteLine("usage: Telephony.TraceReport alloc FILE [TYPE] | gc FILE");
    return 2;
}
using var log = new TraceLog(TraceLog.CreateFromEventPipeDataFile(args[1]));
if (args[0] == "alloc")
{
    Allocations.Report(log, args.Length > 2 ? args[2] : null);
}
else
{
    Pauses.Report(log);
}
return 0;

internal static class Frames
{
    /// <summary>The method names of an event's stack, innermost first (unresolved frames skipped).</summary>
    public static List<string> Of(Microsoft.Diagnostics.Tracing.TraceEvent e, int max)
    {
        var frames = new List<string>();
        for (var s = e.CallStack(); s is not null && frames.Count < max; s = s.Caller)
        {
            var name = s.CodeAddress.FullMethodName;
            if (!string.IsNullOrEmpty(name))
            {
                frames.Add(name.Length > 110 ? name[..110] : name);
            }
        }
        return frames;
    }

    /// <summary>Where it happened as ours: the first Telephony frame and the one it called.</summary>
    public static string Ours(List<string> frames)
    {
        int i = frames.FindIndex(f => f.StartsWith("Telephony", StringComparison.Ordinal));
        return i < 0 ? string.Join(" <- ", frames.Take(3)) : (i > 0 ? frames[i - 1] + " <- " : "") + frames[i];
    }

    public static string Mb(long bytes) => (bytes / 1e6).ToString("F1", CultureInfo.InvariantCulture).PadLeft(8) + " MB";
}

internal static class Allocations
{
    public static void Report(TraceLog log, string? type)
    {
        var byType = new Dictionary<string, long>();
        var bySite = new Dictionary<string, long>();
        long total = 0;
        foreach (var traced in log.Events)
        {
            if (traced is not GCAllocationTickTraceData e)
            {
                continue;
            }
            var name = e.TypeName ?? "?";
            total += e.AllocationAmount64;
            byType[name] = byType.GetValueOrDefault(name) + e.AllocationAmount64;
            if (type is null || name.Contains(type, StringComparison.Ordinal))
            {
                var site = name + " @ " + Frames.Ours(Frames.Of(e, 40));
                bySite[site] = bySite.GetValueOrDefault(site) + e.AllocationAmount64;
            }
        }
        Console.WriteLine($"sampled allocations: {Frames.Mb(total)} (one AllocationTick per ~100 KB)");
        Print(byType, total, 15);
        Console.WriteLine("--- by allocating frame");
        Print(bySite, total, 40);
    }

    private static void Print(Dictionary<string, long> bytes, long total, int top)
    {
        foreach (var (key, value) in bytes.OrderByDescending(p => p.Value).Take(top))
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Frames.Mb(value)} {100.0 * value / Math.Max(1, total),5:F1}% {key}"));
        }
    }
}

internal static class Pauses
{
    public static void Report(TraceLog log)
    {
        var exceptions = new Dictionary<string, int>();
        var started = new Dictionary<int, (double At, int Generation, string Type)>();
        var collections = new List<(int Generation, string Type, double Ms)>();
        var suspensions = new List<double>();
        double suspendedAt = -1, first = double.MaxValue, last = 0;
        foreach (var e in log.Events)
        {
            first = Math.Min(first, e.TimeStampRelativeMSec);
            last = Math.Max(last, e.TimeStampRelativeMSec);
            switch (e)
            {
                case ExceptionTraceData x:
                    var key = x.ExceptionType + " @ " + Frames.Ours(Frames.Of(e, 60));
                    exceptions[key] = exceptions.GetValueOrDefault(key) + 1;
                    break;
                case GCStartTraceData g:
                    started[g.Count] = (g.TimeStampRelativeMSec, g.Depth, g.Type.ToString());
                    break;
                case GCEndTraceData g when started.Remove(g.Count, out var s):
                    collections.Add((s.Generation, s.Type, g.TimeStampRelativeMSec - s.At));
                    break;
                case GCSuspendEETraceData:
                    suspendedAt = e.TimeStampRelativeMSec;
                    break;
                case GCNoUserDataTraceData when e.EventName.Contains("RestartEEStop", StringComparison.Ordinal) && suspendedAt >= 0:
                    suspensions.Add(e.TimeStampRelativeMSec - suspendedAt);
                    suspendedAt = -1;
                    break;
            }
        }
        double seconds = Math.Max(0, last - first) / 1000;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"trace: {seconds:F1} s"));
        Console.WriteLine("--- collections: generation, kind: count, median / max ms (a background gen 2 runs beside the program)");
        foreach (var g in collections.GroupBy(c => (c.Generation, c.Type)).OrderBy(g => g.Key.Generation))
        {
            var ms = g.Select(c => c.Ms).Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"gen {g.Key.Generation} {g.Key.Type}: {ms.Count}, median {ms[ms.Count / 2]:F1}, max {ms[^1]:F1}"));
        }
        if (suspensions.Count > 0)
        {
            var p = suspensions.Order().ToList();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"--- the program stopped (EE suspended): {p.Count} times, median {p[p.Count / 2]:F1} ms, p90 {p[(int)(p.Count * 0.9)]:F1}, max {p[^1]:F1}, {p.Sum():F0} ms in all = {100 * p.Sum() / 1000 / Math.Max(seconds, 0.001):F1} % of the time"));
        }
        Console.WriteLine("--- exceptions thrown (a rethrow through an async frame counts again)");
        foreach (var (key, count) in exceptions.OrderByDescending(p => p.Value).Take(15))
        {
            Console.WriteLine($"{count,8} {key}");
        }
    }
}
