using System.Diagnostics;
using System.Globalization;
using System.Net;
using Telephony.Media.Rtp.Linux;
using Telephony.Media.WebRtc.Dtls;

namespace Telephony.LoadGen.Media;

/// <summary>
/// Relay capacity: N bridged G.711 calls on a relay node, each with two simulated phones on
/// loopback sending 50 packets/s towards the relay and receiving the other phone's packets
/// (100 relayed packets/s per call). Receivers measure loss, transit and the transit difference
/// of consecutive packets (|D| of RFC 3550 §6.4.1: the jitter the relay adds). By default the
/// relay runs as a child process (<see cref="MediaRelayProcess"/>) so its CPU is measured apart
/// from the generator's; both share the machine's cores. With <c>--webrtc</c> the agent side of every call is
/// a browser-style leg (ICE-lite check, DTLS-SRTP handshake, SRTP AES_CM_128_HMAC_SHA1_80 with rtcp-mux) as the
/// desk's web phone makes one, bridged to the plain RTP caller: compare its relay CPU per call with a plain run.
/// </summary>
internal static class MediaLoadTest
{
    public const string Help = "--calls N --seconds S [--record] [--webrtc] [--receive-threads T (0 = async sockets)] [--relay-priority P (SCHED_FIFO, 0 = off)] [--generator-priority P] [--in-process] [--relay-default-runtime] [--warmup S (--webrtc: ≥ 21 to measure after the DTLS threads' linger)] [--sockets K] [--pacers K] [--bind 127.0.0.1] [--ports 40000-59999]";

    private const int SlotsPerFrame = 20; // 20 ms frames sent in 1 ms slots

    public static async Task<int> RunAsync(string[] args)
    {
        var o = new Options();
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--calls": o.Calls = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--seconds": o.Seconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--warmup": o.Warmup = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--record": o.Record = true; break;
                case "--webrtc": o.WebRtc = true; break;
                case "--in-process": o.InProcess = true; break;
                case "--relay-default-runtime": o.TunedRuntime = false; break;
                case "--receive-threads": o.ReceiveThreads = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--sockets": o.Sockets = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--pacers": o.Pacers = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--relay-priority": o.RelayPriority = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--generator-priority": o.GeneratorPriority = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--bind": o.Bind = IPAddress.Parse(Next()); break;
                case "--ports":
                    var range = Next().Split('-');
                    o.PortMin = int.Parse(range[0], CultureInfo.InvariantCulture);
                    o.PortMax = int.Parse(range[1], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}; media {Help}");
                    return 2;
            }
        }

        if (!RtpReceiveLoop.IsSupported)
        {
            Console.Error.WriteLine("media: the generator sends and receives with sendmmsg/recvmmsg and needs 64-bit Linux");
            return 2;
        }

        Console.WriteLine($"media load: {o.Calls} bridged calls ({(o.WebRtc ? "plain RTP caller ↔ browser-style DTLS-SRTP agent" : "plain RTP both sides")}), {o.Seconds} s measured after {o.Warmup} s warm-up, record={o.Record}, relay {(o.InProcess ? "in the generator's process" : "in its own process")}, {Environment.ProcessorCount} cores");
        if (File.Exists("/proc/loadavg"))
        {
            Console.WriteLine($"machine load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
        }

        int phonesPerSocket = ((o.Calls + o.Sockets - 1) / o.Sockets) + 1;
        var callers = Enumerable.Range(0, o.Sockets).Select(_ => new GeneratorSocket(o.Bind, phonesPerSocket, SlotsPerFrame)).ToArray();
        var agents = Enumerable.Range(0, o.Sockets).Select(_ => new GeneratorSocket(o.Bind, phonesPerSocket, SlotsPerFrame)).ToArray();
        var callerEnds = callers.Select(s => s.LocalEndPoint).ToList();
        var agentEnds = agents.Select(s => s.LocalEndPoint).ToList();
        RelayNode? node = null;
        Process? relay = null;
        var browserIdentity = o.WebRtc ? DtlsIdentity.Create("loadgen-browser") : null;
        try
        {
            RelayCalls relayed;
            if (o.InProcess)
            {
                node = RelayNode.Open(o.Calls, o.Bind, o.PortMin, o.PortMax, callerEnds, agentEnds, o.ReceiveThreads, o.RelayPriority, o.RecordDirectory,
                    browserIdentity?.Fingerprint, BrowserHandshake.Ufrag);
                relayed = new RelayCalls(node.Calls, node.Mode, node.BrowserLegs, o.WebRtc ? node.Identity.Fingerprint : null);
            }
            else
            {
                relay = StartRelayProcess(o, callerEnds, agentEnds, browserIdentity?.Fingerprint);
                relayed = await ReadRelayCallsAsync(relay, o.Calls).ConfigureAwait(false);
            }

            var calls = relayed.Calls;
            Console.WriteLine($"relay: {relayed.Mode}");
            var agentKeys = new Telephony.Media.Srtp.SrtpProtection?[calls.Count];
            if (browserIdentity is not null)
            {
                // Every browser leg's ICE check and DTLS-SRTP handshake, before any audio (as a browser does
                // after the answer). One after the other: each socket's datagrams are then one leg's.
                var handshakes = Stopwatch.StartNew();
                relay?.Refresh();
                var relayBeforeHandshakes = relay?.TotalProcessorTime ?? TimeSpan.Zero;
                for (int c = 0; c < calls.Count; c++)
                {
                    agentKeys[c] = BrowserHandshake.Connect(agents[c % o.Sockets].Socket, new IPEndPoint(o.Bind, calls[c].Leg1),
                        relayed.BrowserLegs[c].Ufrag, relayed.BrowserLegs[c].Password, browserIdentity, relayed.NodeFingerprint!);
                }

                relay?.Refresh();
                string serverShare = relay is null ? "" : FormattableString.Invariant(
                    $"; relay CPU {((relay.TotalProcessorTime - relayBeforeHandshakes).TotalMilliseconds / Math.Max(1, calls.Count)):F1} ms per leg (ICE-lite + DTLS server, ECDSA P-256)");
                Console.WriteLine(FormattableString.Invariant(
                    $"browser legs: {calls.Count} ICE checks + DTLS-SRTP handshakes in {handshakes.Elapsed.TotalSeconds:F2} s ({handshakes.Elapsed.TotalMilliseconds / Math.Max(1, calls.Count):F1} ms each, both sides on this machine){serverShare}"));
            }

            var phones = new List<Phone>(2 * o.Calls);
            for (int c = 0; c < calls.Count; c++)
            {
                // Spread the calls' phones over the slots of a frame as independent phones would be.
                var caller = new Phone(phones.Count, new IPEndPoint(o.Bind, calls[c].Leg0));
                phones.Add(caller);
                callers[c % o.Sockets].Add(caller, caller.Id % SlotsPerFrame);
                var agent = new Phone(phones.Count, new IPEndPoint(o.Bind, calls[c].Leg1)) { Srtp = agentKeys[c] };
                phones.Add(agent);
                agents[c % o.Sockets].Add(agent, agent.Id % SlotsPerFrame);
            }

            var window = new MeasureWindow(DateTime.UtcNow.Ticks + (o.Warmup * TimeSpan.TicksPerSecond),
                DateTime.UtcNow.Ticks + ((o.Warmup + o.Seconds) * TimeSpan.TicksPerSecond));
            var jitter = new Histogram();
            var transit = new Histogram();
            var sockets = callers.Concat(agents).ToArray();
            foreach (var s in sockets)
            {
                // At the pacers' priority. SCHED_FIFO does not share a CPU between equal priorities,
                // so a pacer that falls far behind keeps its receiver waiting: such a run already
                // ends "RESULT invalid". One step above the pacers was tried: near saturation the
                // extra preemptions cost more than they saved (1,750 calls: p99 87 ms instead of 3–10).
                s.StartReceiving(phones, window, jitter, transit, o.GeneratorPriority);
            }

            // Each pacer thread sends for its share of the sockets (one caller-side and one agent-side
            // socket per pacer by default), so the generator's sending is not one core's worth at most.
            var pacers = Enumerable.Range(0, o.Pacers)
                .Select(p => new Pacer(sockets.Where((_, i) => i % o.Pacers == p).ToArray(), window, o.GeneratorPriority))
                .ToArray();
            var senders = pacers.Select(p => new Thread(p.Run) { IsBackground = true, Name = "rtp-load-sender" }).ToArray();
            foreach (var t in senders)
            {
                t.Start();
            }

            await Task.Delay(TimeSpan.FromSeconds(o.Warmup)).ConfigureAwait(false);
            var self = Process.GetCurrentProcess();
            var cpuBefore = self.TotalProcessorTime;
            var selfSplitBefore = UserSystem(Environment.ProcessId);
            long bufferDropsBefore = UdpReceiveBufferErrors();
            relay?.Refresh();
            var relayCpuBefore = relay?.TotalProcessorTime ?? TimeSpan.Zero;
            var relaySplitBefore = relay is null ? default : UserSystem(relay.Id);
            long wallBefore = Stopwatch.GetTimestamp();
            foreach (var t in senders)
            {
                t.Join();
            }

            self.Refresh();
            var cpu = self.TotalProcessorTime - cpuBefore;
            var selfSplit = UserSystem(Environment.ProcessId);
            relay?.Refresh();
            var relayCpu = (relay?.TotalProcessorTime ?? TimeSpan.Zero) - relayCpuBefore;
            var relaySplit = relay is null ? default : UserSystem(relay.Id);
            var wall = Stopwatch.GetElapsedTime(wallBefore);
            await Task.Delay(1000).ConfigureAwait(false); // let the last packets arrive
            long bufferDrops = UdpReceiveBufferErrors() - bufferDropsBefore;

            long sent = phones.Sum(p => p.SentMeasured);
            long offered = (long)phones.Count * 50 * o.Seconds;
            long received = phones.Sum(p => p.ReceivedMeasured);
            double loss = sent == 0 ? 100 : 100.0 * (sent - received) / sent;
            Console.WriteLine(FormattableString.Invariant(
                $"packets sent {sent}, received {received}, loss {loss:F3} % ({sent / Math.Max(1, o.Seconds) / 1000.0:F1} k packets/s relayed in total)"));
            Console.WriteLine(FormattableString.Invariant(
                $"added jitter |D| (RFC 3550 transit difference of consecutive packets): p50 {jitter.PercentileMs(0.50):F3} ms, p99 {jitter.PercentileMs(0.99):F3} ms, max {jitter.MaxMs:F3} ms"));
            Console.WriteLine(FormattableString.Invariant(
                $"one-way transit generator→relay→generator socket: p50 {transit.PercentileMs(0.50):F3} ms, p99 {transit.PercentileMs(0.99):F3} ms, max {transit.MaxMs:F3} ms"));
            string? recording;
            long dropped;
            string? webRtc;
            if (relay is not null)
            {
                (dropped, recording, webRtc) = await StopRelayProcessAsync(relay).ConfigureAwait(false);
                double relayCores = relayCpu.TotalSeconds / wall.TotalSeconds;
                Console.WriteLine(FormattableString.Invariant(
                    $"relay process CPU {relayCores:F2} cores for {o.Calls} calls ({o.Calls / Math.Max(relayCores, 1e-9):F0} calls' worth per fully used core, {relayCpu.TotalMilliseconds * 1000 / Math.Max(1, received):F2} µs CPU per relayed packet: {(relaySplit.User - relaySplitBefore.User) / wall.TotalSeconds:F2} cores user, {(relaySplit.System - relaySplitBefore.System) / wall.TotalSeconds:F2} cores kernel)"));
                // Per call: the relay's CPU seconds per second of one call (a millicore is 1 ms of CPU per second).
                Console.WriteLine(FormattableString.Invariant(
                    $"relay CPU per call: {relayCores * 1000 / Math.Max(1, o.Calls):F2} millicores ({(o.WebRtc ? "plain RTP leg + DTLS-SRTP leg" : "two plain RTP legs")}, bridged{(o.Record ? ", recorded" : "")})"));
            }
            else
            {
                dropped = node!.Dropped;
                recording = node.RecordingSummary();
                webRtc = o.WebRtc ? $"{node.SecuredLegs} {node.UnauthenticatedPackets}" : null;
            }

            if (webRtc?.Split(' ') is [var secured, var unauthenticated])
            {
                Console.WriteLine($"browser legs secured by DTLS-SRTP {secured} of {o.Calls}; SRTP packets refused by the relay {unauthenticated}, by the generator {agents.Sum(a => a.SrtpRefused)}");
            }

            Console.WriteLine(FormattableString.Invariant(
                $"{(relay is null ? "process (generator + relay)" : "generator")} CPU {cpu.TotalSeconds / wall.TotalSeconds:F2} cores of {Environment.ProcessorCount} ({(selfSplit.User - selfSplitBefore.User) / wall.TotalSeconds:F2} user, {(selfSplit.System - selfSplitBefore.System) / wall.TotalSeconds:F2} kernel); sender max lateness {pacers.Max(p => p.MaxLatenessMs):F1} ms; relay dropped {dropped}"));
            if (recording is not null)
            {
                Console.WriteLine(recording);
            }

            // Where lost packets went: datagrams the kernel dropped because a socket's receive
            // buffer was full (relay legs or generator sockets alike), machine-wide.
            Console.WriteLine($"kernel UDP receive-buffer drops during the run (all sockets, /proc/net/snmp RcvbufErrors): {bufferDrops}");

            if (sent < offered * 0.99)
            {
                // The generator could not send the load it was asked for (starved of CPU): the
                // relay saw less than N calls' worth, so the run says nothing about N calls.
                Console.WriteLine(FormattableString.Invariant($"RESULT invalid: the generator sent {sent} of {offered} packets ({100.0 * sent / offered:F1} %)"));
                return 4;
            }

            bool clean = loss < 0.1 && jitter.PercentileMs(0.99) < 2.0;
            Console.WriteLine(clean ? "RESULT clean (<0.1 % loss, p99 added jitter < 2 ms)" : "RESULT not clean");
            return clean ? 0 : 3;
        }
        finally
        {
            if (relay is { HasExited: false })
            {
                relay.Kill();
            }

            relay?.Dispose();
            foreach (var s in callers.Concat(agents))
            {
                s.Dispose();
            }

            if (node is not null)
            {
                await node.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static Process StartRelayProcess(Options o, List<IPEndPoint> callers, List<IPEndPoint> agents, DtlsFingerprint? browser)
    {
        // Run this same program again as "media-relay" (apphost, or "dotnet <dll>").
        string host = Environment.ProcessPath!;
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (o.TunedRuntime && o.ReceiveThreads == 0)
        {
            // For the async-socket mode only: continuations on the epoll thread (no thread-pool
            // hop per packet) and no spinning of idle pool workers.
            start.Environment["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "1";
            start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        }

        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(MediaLoadTest).Assembly.Location);
        }

        var arguments = new List<string>
        {
            "media-relay", "--calls", o.Calls.ToString(CultureInfo.InvariantCulture), "--bind", o.Bind.ToString(),
            "--ports", $"{o.PortMin}-{o.PortMax}", "--receive-threads", o.ReceiveThreads.ToString(CultureInfo.InvariantCulture),
            "--priority", o.RelayPriority.ToString(CultureInfo.InvariantCulture),
            "--callers", string.Join(',', callers), "--agents", string.Join(',', agents),
        };
        if (o.Record)
        {
            arguments.Add("--record");
            arguments.Add(o.RecordDirectory!);
        }

        if (browser is not null)
        {
            arguments.AddRange(["--browser", browser.ToString(), "--browser-ufrag", BrowserHandshake.Ufrag]);
        }

        foreach (string a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start the relay process");
    }

    /// <summary>What the relay opened: RTP ports per call, its receive mode, and for browser legs their ICE credentials and the node's fingerprint.</summary>
    private sealed record RelayCalls(List<(int Leg0, int Leg1)> Calls, string Mode, List<(string Ufrag, string Password)> BrowserLegs, DtlsFingerprint? NodeFingerprint);

    private static async Task<RelayCalls> ReadRelayCallsAsync(Process relay, int count)
    {
        var calls = new List<(int, int)>(count);
        var browserLegs = new List<(string, string)>();
        DtlsFingerprint? fingerprint = null;
        string mode = "?";
        while (true)
        {
            string? line = await relay.StandardOutput.ReadLineAsync().ConfigureAwait(false);
            var f = line?.Split(' ');
            if (f is { Length: 3 or 5 } && f[0] == "CALL")
            {
                calls.Add((int.Parse(f[1], CultureInfo.InvariantCulture), int.Parse(f[2], CultureInfo.InvariantCulture)));
                if (f.Length == 5)
                {
                    browserLegs.Add((f[3], f[4]));
                }
            }
            else if (line is not null && line.StartsWith("MODE ", StringComparison.Ordinal))
            {
                mode = line[5..];
            }
            else if (line is not null && line.StartsWith("FINGERPRINT ", StringComparison.Ordinal) && DtlsFingerprint.TryParse(line[12..], out var parsed))
            {
                fingerprint = parsed;
            }
            else if (line == "READY" && calls.Count == count)
            {
                return new RelayCalls(calls, mode, browserLegs, fingerprint);
            }
            else
            {
                string error = await relay.StandardError.ReadToEndAsync().ConfigureAwait(false);
                throw new InvalidOperationException($"relay process: unexpected '{line}': {error}");
            }
        }
    }

    private static async Task<(long Dropped, string? Recording, string? WebRtc)> StopRelayProcessAsync(Process relay)
    {
        await relay.StandardInput.WriteLineAsync("STOP").ConfigureAwait(false);
        long dropped = -1;
        string? recording = null;
        string? webRtc = null;
        while (await relay.StandardOutput.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (line.StartsWith("DROPPED ", StringComparison.Ordinal))
            {
                dropped = long.Parse(line[8..], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("RECORDING ", StringComparison.Ordinal))
            {
                recording = line[10..];
            }
            else if (line.StartsWith("WEBRTC ", StringComparison.Ordinal))
            {
                webRtc = line[7..];
            }
        }

        await relay.WaitForExitAsync().ConfigureAwait(false);
        return (dropped, recording, webRtc);
    }

    /// <summary>A process's user and kernel CPU seconds from /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s).</summary>
    private static (double User, double System) UserSystem(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (long.Parse(fields[11], CultureInfo.InvariantCulture) / 100.0, long.Parse(fields[12], CultureInfo.InvariantCulture) / 100.0);
        }
        catch (IOException)
        {
            return default;
        }
    }

    private static long UdpReceiveBufferErrors()
    {
        try
        {
            var lines = File.ReadAllLines("/proc/net/snmp").Where(l => l.StartsWith("Udp: ", StringComparison.Ordinal)).ToArray();
            if (lines.Length < 2)
            {
                return 0;
            }

            int column = Array.IndexOf(lines[0].Split(' '), "RcvbufErrors");
            return column < 0 ? 0 : long.Parse(lines[1].Split(' ')[column], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private sealed class Options
    {
        public int Calls = 100;
        public int Seconds = 20;
        public int Warmup = 2;
        public int Sockets = 2;
        public int Pacers = 2;
        public int RelayPriority = 50;
        public int GeneratorPriority = 60;
        public int ReceiveThreads = 1;
        public bool Record;
        public bool WebRtc;
        public bool InProcess;
        public bool TunedRuntime = true;
        public IPAddress Bind = IPAddress.Loopback;
        public int PortMin = 40000;
        public int PortMax = 59999;
        public string? RecordDirectory => Record ? Path.Combine(Path.GetTempPath(), $"telephony-loadgen-{Environment.ProcessId}") : null;
    }

    /// <summary>
    /// Paces every phone from one thread: 20 ms frames split in 1 ms slots by absolute deadlines
    /// (no drift), each slot's phones sent in one batch per generator socket.
    /// </summary>
    private sealed class Pacer(GeneratorSocket[] sockets, MeasureWindow window, int priority)
    {
        private long _maxLatenessMicros;

        public double MaxLatenessMs => _maxLatenessMicros / 1000.0;

        public void Run()
        {
            if (priority > 0 && LinuxUdp.TrySetRealtimePriority(priority) is int refused and not 0)
            {
                Console.Error.WriteLine($"generator: real-time priority refused (errno {refused}); pacing on the normal scheduler");
            }

            long start = Stopwatch.GetTimestamp();
            long slotTicks = Stopwatch.Frequency / 1000;
            for (long slot = 0; ; slot++)
            {
                if (DateTime.UtcNow.Ticks > window.ToUtcTicks)
                {
                    break;
                }

                long deadline = start + (slot * slotTicks);
                long now = Stopwatch.GetTimestamp();
                if (now < deadline)
                {
                    LinuxUdp.SleepUntil(deadline);
                    now = Stopwatch.GetTimestamp();
                }

                _maxLatenessMicros = Math.Max(_maxLatenessMicros, (now - deadline) * 1_000_000 / Stopwatch.Frequency);
                int inFrame = (int)(slot % SlotsPerFrame);
                foreach (var s in sockets)
                {
                    s.SendSlot(inFrame, window);
                }
            }
        }
    }
}
