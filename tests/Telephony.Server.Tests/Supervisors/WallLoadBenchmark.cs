using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Telephony.ContactCenter.Queues;
using Telephony.Server.Supervisors;

namespace Telephony.Server.Tests.Supervisors;

/// <summary>
/// The wall under load (docs/benchmarks.md): 60 agents logged in whose seats change state 20 times a second,
/// 200 calls waiting in the queues, 20 supervisors' connections (.NET SignalR clients over WebSockets).
/// Measures the process's CPU over the same churn with no wall open and with the 20 connected, and the push
/// latency (store change → floor received by a client). Explicit: run it on purpose, it takes about a minute.
/// </summary>
[Explicit("benchmark: run on purpose, the figures go into docs/benchmarks.md")]
[Category("Benchmark")]
public sealed class WallLoadBenchmark
{
    private const int Supervisors = 20, QueuedCalls = 200, ChangesPerSecond = 20;
    private static readonly TimeSpan Phase = TimeSpan.FromSeconds(20);

    /// <param name="redis">Seats and queues in Redis (TELEPHONY_TEST_REDIS), as several nodes keep them, rather than in-process.</param>
    [TestCase(false)]
    [TestCase(true)]
    [CancelAfter(180_000)]
    public async Task Sixty_agents_two_hundred_queued_calls_twenty_supervisors(bool redis)
    {
        await using var server = new TelephonyTestServer(new TelephonyTestServerOptions
        {
            Redis = redis,
            Settings = new Dictionary<string, string> { ["Sip:Udp"] = "127.0.0.1:0", ["Sip:Tcp"] = "127.0.0.1:0" },
        });
        var acd = server.Service<AutomaticCallDistributor>();
        var seats = Enumerable.Range(1001, 60).Select(n => n.ToString(CultureInfo.InvariantCulture)).ToArray();
        foreach (var seat in seats)
        {
            Assert.That((await acd.LoginAsync(seat, seat)).Succeeded, Is.True, seat);
        }
        // Waiting calls as the store holds them (no call behind them: no agent goes Ready, so none is offered).
        var queues = acd.Queues.Select(q => q.Name).ToArray();
        var now = DateTimeOffset.UtcNow;
        for (int i = 0; i < QueuedCalls; i++)
        {
            await acd.Store.EnqueueAsync(new QueueEntry($"load-{i}", queues[i % queues.Length], 0, now.AddMilliseconds(-i * 50), "load"));
        }

        var quiet = await ChurnAsync(acd, seats, walls: []);
        var token = await AgentDesk.TokenAsync(server.Factory, "supervisor", "demo-supervisor");
        var walls = new List<SupervisorWall>();
        for (int i = 0; i < Supervisors; i++)
        {
            walls.Add(await SupervisorWall.ConnectAsync(server.Factory.Server, token, webSockets: true));
        }
        await Task.Delay(2000);
        var publisher = server.Service<FloorPublisher>();
        long pushesBefore = publisher.FloorPushes;
        var loaded = await ChurnAsync(acd, seats, walls);
        long pushes = publisher.FloorPushes - pushesBefore;
        foreach (var wall in walls)
        {
            await wall.DisposeAsync();
        }

        var lat = loaded.Latencies.Order().ToArray();
        double P(double q) => lat.Length == 0 ? double.NaN : lat[Math.Min(lat.Length - 1, (int)Math.Ceiling(q * lat.Length) - 1)];
        var report = string.Create(CultureInfo.InvariantCulture,
            $"""
            wall load ({(redis ? "Redis" : "in-process")} seat store): {seats.Length} agents, {QueuedCalls} queued calls, {ChangesPerSecond} seat changes/s for {Phase.TotalSeconds} s, load average {File.ReadAllText("/proc/loadavg").Trim()}
            CPU without the wall: {quiet.CpuMs:F0} ms over {Phase.TotalSeconds} s ({quiet.CpuMs / Phase.TotalMilliseconds * 100:F1} % of one core)
            CPU with {Supervisors} supervisors: {loaded.CpuMs:F0} ms ({loaded.CpuMs / Phase.TotalMilliseconds * 100:F1} % of one core), floor pushes {pushes} ({pushes / Phase.TotalSeconds:F1}/s, each to {Supervisors} connections)
            push latency (store change → received), {lat.Length} samples: p50 {P(0.5):F0} ms, p90 {P(0.9):F0} ms, p99 {P(0.99):F0} ms, max {(lat.Length == 0 ? double.NaN : lat[^1]):F0} ms
            """);
        TestContext.Out.WriteLine(report);
        Assert.That(lat, Is.Not.Empty);
    }

    private sealed record ChurnResult(double CpuMs, List<double> Latencies);

    /// <summary>Changes random seats' NotReady reason <see cref="ChangesPerSecond"/> times a second for <see cref="Phase"/>; measures CPU and, per wall, latency.</summary>
    private static async Task<ChurnResult> ChurnAsync(AutomaticCallDistributor acd, string[] seats, List<SupervisorWall> walls)
    {
        var changes = new ConcurrentDictionary<(string Seat, DateTimeOffset Since), byte>();
        var latencies = new ConcurrentBag<double>();
        using var stop = new CancellationTokenSource();
        var readers = walls.Select(w => Task.Run(async () =>
        {
            var seen = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
            try
            {
                await foreach (var (floor, at) in w.Floors.Reader.ReadAllAsync(stop.Token))
                {
                    foreach (var s in floor.Seats)
                    {
                        if (seen.TryGetValue(s.Extension, out var last) && last != s.StateSince && changes.ContainsKey((s.Extension, s.StateSince)))
                            latencies.Add((at - s.StateSince).TotalMilliseconds);
                        seen[s.Extension] = s.StateSince;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        })).ToList();

        var process = Process.GetCurrentProcess();
        process.Refresh();
        var cpu0 = process.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        var random = new Random(12345);
        int n = 0;
        while (clock.Elapsed < Phase)
        {
            var seat = seats[random.Next(seats.Length)];
            var result = await acd.SetNotReadyAsync(seat, seat, (n++ % 2 == 0) ? "break" : "lunch");
            if (result.Succeeded)
                changes[(seat, result.Seat!.StateSince)] = 0;
            var due = TimeSpan.FromSeconds((double)n / ChangesPerSecond);
            if (due > clock.Elapsed)
                await Task.Delay(due - clock.Elapsed);
        }
        process.Refresh();
        var cpu = (process.TotalProcessorTime - cpu0).TotalMilliseconds;
        await Task.Delay(1000); // the last pushes arrive
        await stop.CancelAsync();
        await Task.WhenAll(readers);
        return new ChurnResult(cpu, [.. latencies]);
    }
}
