using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Telephony.Media;
using Telephony.Media.Bridge;
using Telephony.Media.Clock;
using Telephony.Media.Codecs;
using Telephony.Media.Recording;
using Telephony.Media.Ports;
using Telephony.Media.Rtp;

namespace Telephony.LoadGen.Media;

/// <summary>
/// Relay capacity: N bridged G.711 calls on this node, each with two simulated phones on
/// loopback sending 50 packets/s towards the relay and receiving the other phone's packets.
/// Each packet carries its send time; receivers measure loss, transit and the transit
/// difference of consecutive packets (|D| of RFC 3550 §6.4.1, the jitter the relay adds).
/// Generator, relay and receivers share this process and the machine's cores.
/// </summary>
internal static class MediaLoadTest
{
    public const string Help = "--calls N --seconds S [--record | --separate-relay [--relay-default-runtime]] [--warmup S] [--sockets K] [--bind 127.0.0.1] [--ports 40000-59999]";

    private const int FrameMs = 20;
    private const int PayloadBytes = 160;
    private const long HistogramMicros = 5_000_000; // 10 µs buckets up to 5 s
    private const int BucketMicros = 10;

    public static async Task<int> RunAsync(string[] args)
    {
        int calls = 100, seconds = 20, warmup = 2, sockets = 4;
        bool record = false, separate = false, tunedRelay = true;
        var bind = IPAddress.Loopback;
        int portMin = 40000, portMax = 59999;
        for (int i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--calls": calls = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--seconds": seconds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--warmup": warmup = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--record": record = true; break;
                case "--separate-relay": separate = true; break;
                case "--relay-default-runtime": tunedRelay = false; break;
                case "--sockets": sockets = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--bind": bind = IPAddress.Parse(Next()); break;
                case "--ports":
                    var range = Next().Split('-');
                    portMin = int.Parse(range[0], CultureInfo.InvariantCulture);
                    portMax = int.Parse(range[1], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine($"unknown option {args[i]}; media {Help}");
                    return 2;
            }
        }

        if (record && separate)
        {
            Console.Error.WriteLine("--record and --separate-relay do not combine (the recorder lives in the relay process)");
            return 2;
        }

        Console.WriteLine($"media load: {calls} bridged calls, {seconds} s measured after {warmup} s warm-up, record={record}, separate relay process={separate}, {Environment.ProcessorCount} cores");
        if (File.Exists("/proc/loadavg"))
        {
            Console.WriteLine($"machine load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
        }

        var pool = new RtpPortPool(bind, portMin, portMax);
        var options = new RtpSessionOptions { Logger = Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance };
        var histogram = new Histogram();
        var transit = new Histogram();
        var legs = new List<RtpSession>();
        var bridges = new List<RtpBridge>();
        var phones = new List<Phone>();
        // The simulated phones share a few generator sockets per side (caller side, agent side),
        // each read by its own blocking thread, so the generator costs less than the relay it
        // measures; the relay still has one session (socket pair) per leg as in production.
        var callerSockets = Enumerable.Range(0, sockets).Select(_ => new Receiver(bind, phones, histogram, transit)).ToArray();
        var agentSockets = Enumerable.Range(0, sockets).Select(_ => new Receiver(bind, phones, histogram, transit)).ToArray();
        // --record: media-audio's recorder as the bridge tap (per-leg jitter buffer, decode, WAV),
        // paced by the one media clock, writing under a temporary folder that is removed afterwards.
        await using var clock = new MediaClock();
        var recorders = new List<RtpCallRecorder>();
        string recordDir = Path.Combine(Path.GetTempPath(), $"telephony-loadgen-{Environment.ProcessId}");
        if (record)
        {
            Directory.CreateDirectory(recordDir);
        }

        var format = new BridgeLegFormat { EncodingName = "PCMU", AudioPayloadType = 0, TelephoneEventPayloadType = 101, TelephoneEventPayloadTypes = [101] };
        Process? relay = null;
        try
        {
            if (separate)
            {
                relay = StartRelayProcess(calls, bind, portMin, portMax, callerSockets, agentSockets, tunedRelay);
                Console.WriteLine(tunedRelay
                    ? "relay runtime: DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1, DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0"
                    : "relay runtime: .NET defaults");
                for (int c = 0; c < calls; c++)
                {
                    string? line = await relay.StandardOutput.ReadLineAsync().ConfigureAwait(false);
                    var f = line?.Split(' ');
                    if (f is not { Length: 3 } || f[0] != "CALL")
                    {
                        Console.Error.WriteLine($"relay process: unexpected '{line}': {await relay.StandardError.ReadToEndAsync().ConfigureAwait(false)}");
                        return 1;
                    }

                    var leg0 = new IPEndPoint(bind, int.Parse(f[1], CultureInfo.InvariantCulture));
                    var leg1 = new IPEndPoint(bind, int.Parse(f[2], CultureInfo.InvariantCulture));
                    phones.Add(new Phone(phones.Count, callerSockets[c % sockets].Socket, leg0));
                    phones.Add(new Phone(phones.Count, agentSockets[c % sockets].Socket, leg1));
                }

                if (await relay.StandardOutput.ReadLineAsync().ConfigureAwait(false) != "READY")
                {
                    Console.Error.WriteLine("relay process did not get ready");
                    return 1;
                }
            }

            for (int c = 0; c < (separate ? 0 : calls); c++)
            {
                var leg0 = RtpSession.TryOpen(pool, options, out string? e0);
                var leg1 = RtpSession.TryOpen(pool, options, out string? e1);
                if (leg0 is null || leg1 is null)
                {
                    Console.Error.WriteLine($"could not open call {c}: {e0 ?? e1}");
                    return 1;
                }

                legs.Add(leg0);
                legs.Add(leg1);
                var callerSocket = callerSockets[c % sockets];
                var agentSocket = agentSockets[c % sockets];
                var caller = new Phone(phones.Count, callerSocket.Socket, leg0.LocalRtpEndPoint);
                phones.Add(caller);
                var agent = new Phone(phones.Count, agentSocket.Socket, leg1.LocalRtpEndPoint);
                phones.Add(agent);
                leg0.SetRemote(callerSocket.LocalEndPoint);
                leg1.SetRemote(agentSocket.LocalEndPoint);
                RtpCallRecorder? recorder = null;
                if (record)
                {
                    recorder = new RtpCallRecorder(Path.Combine(recordDir, $"call-{c}.wav"), PcmuCodec.Instance, 0, PcmuCodec.Instance, 0);
                    recorders.Add(recorder);
                    clock.Add(recorder);
                }

                bridges.Add(new RtpBridge(leg0, format, leg1, format, recorder));
                leg0.Start();
                leg1.Start();
            }

            clock.Start();
            foreach (var r in callerSockets.Concat(agentSockets))
            {
                r.Start();
            }

            long measureStart = Stopwatch.GetTimestamp() + (warmup * Stopwatch.Frequency);
            long measureEnd = measureStart + (seconds * Stopwatch.Frequency);
            foreach (var p in phones)
            {
                p.MeasureFrom = measureStart;
                p.MeasureTo = measureEnd;
            }

            var cpuBefore = TimeSpan.Zero;
            var sender = new Thread(() => Send(phones, measureStart, measureEnd)) { IsBackground = true, Priority = ThreadPriority.AboveNormal, Name = "rtp-load-sender" };
            sender.Start();
            await Task.Delay(TimeSpan.FromSeconds(warmup)).ConfigureAwait(false);
            cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            relay?.Refresh();
            var relayCpuBefore = relay?.TotalProcessorTime ?? TimeSpan.Zero;
            var wallBefore = Stopwatch.GetTimestamp();
            sender.Join();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            relay?.Refresh();
            var relayCpu = (relay?.TotalProcessorTime ?? TimeSpan.Zero) - relayCpuBefore;
            var wall = Stopwatch.GetElapsedTime(wallBefore);
            await Task.Delay(1000).ConfigureAwait(false); // let the last packets arrive
            foreach (var r in callerSockets.Concat(agentSockets))
            {
                r.Dispose();
            }

            long sent = phones.Sum(p => p.SentMeasured);
            long received = phones.Sum(p => p.ReceivedMeasured);
            double loss = sent == 0 ? 0 : 100.0 * (sent - received) / sent;
            double maxLate = phones.Count == 0 ? 0 : Phone.MaxSenderLatenessMs;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"packets sent {sent}, received {received}, loss {loss:F3} % ({sent / Math.Max(1, seconds) / 1000.0:F1} k packets/s relayed in total)"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"added jitter |D| (RFC 3550 transit difference of consecutive packets): p50 {histogram.Percentile(0.50):F3} ms, p99 {histogram.Percentile(0.99):F3} ms, max {histogram.Max:F3} ms"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"one-way transit generator→relay→receiver: p50 {transit.Percentile(0.50):F3} ms, p99 {transit.Percentile(0.99):F3} ms, max {transit.Max:F3} ms"));
            long dropped = bridges.Sum(b => b.Dropped(0) + b.Dropped(1));
            if (relay is not null)
            {
                await relay.StandardInput.WriteLineAsync("STOP").ConfigureAwait(false);
                string? last = await relay.StandardOutput.ReadLineAsync().ConfigureAwait(false);
                dropped = last is not null && last.StartsWith("DROPPED ", StringComparison.Ordinal) ? long.Parse(last[8..], CultureInfo.InvariantCulture) : -1;
                await relay.WaitForExitAsync().ConfigureAwait(false);
                double relayCores = relayCpu.TotalSeconds / wall.TotalSeconds;
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"relay process CPU {relayCores:F2} cores for {calls} calls ({calls / Math.Max(relayCores, 1e-9):F0} calls' worth of relaying per fully used core, {relayCpu.TotalMilliseconds * 1000 / Math.Max(1, received):F1} µs CPU per relayed packet)"));
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{(separate ? "generator" : "process")} CPU {cpu.TotalSeconds / wall.TotalSeconds:F2} cores of {Environment.ProcessorCount}{(separate ? "" : " (generator + relay + receivers)")}; sender max lateness {maxLate:F1} ms; relay dropped {dropped}"));
            if (record)
            {
                var durations = recorders.Select(r => r.Recorder.Duration.TotalSeconds).ToList();
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"recorded {recorders.Count} calls: {durations.Min():F1}-{durations.Max():F1} s of audio each, media clock skipped {clock.SkippedTicks} ticks"));
            }

            bool clean = loss < 0.1 && histogram.Percentile(0.99) < 2.0;
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
            foreach (var b in bridges)
            {
                b.Dispose();
            }

            foreach (var l in legs)
            {
                await l.DisposeAsync().ConfigureAwait(false);
            }

            await clock.DisposeAsync().ConfigureAwait(false); // stop ticking before the recorders close
            foreach (var r in recorders)
            {
                r.Dispose();
            }

            if (Directory.Exists(recordDir))
            {
                Directory.Delete(recordDir, recursive: true);
            }
        }
    }

    private static Process StartRelayProcess(int calls, IPAddress bind, int portMin, int portMax, Receiver[] callers, Receiver[] agents, bool tuned)
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
        if (tuned)
        {
            // The settings a relay node should run with: socket continuations run on the epoll
            // thread (no thread-pool hop per packet; our handlers never block), and idle
            // thread-pool workers do not spin. Both are environment-only runtime settings.
            start.Environment["DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS"] = "1";
            start.Environment["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0";
        }

        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            start.ArgumentList.Add(typeof(MediaLoadTest).Assembly.Location);
        }

        foreach (string a in new[]
                 {
                     "media-relay", "--calls", calls.ToString(CultureInfo.InvariantCulture), "--bind", bind.ToString(),
                     "--ports", $"{portMin}-{portMax}",
                     "--callers", string.Join(',', callers.Select(r => r.LocalEndPoint.ToString())),
                     "--agents", string.Join(',', agents.Select(r => r.LocalEndPoint.ToString())),
                 })
        {
            start.ArgumentList.Add(a);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("could not start the relay process");
    }

    // One thread paces every phone: 20 ms frames split in 1 ms slots so packets are spread
    // like independent phones would send them, by absolute deadlines (no drift).
    private static void Send(List<Phone> phones, long measureStart, long measureEnd)
    {
        long start = Stopwatch.GetTimestamp();
        long slotTicks = Stopwatch.Frequency / 1000;
        for (long slot = 0; ; slot++)
        {
            long deadline = start + (slot * slotTicks);
            if (deadline > measureEnd)
            {
                break;
            }

            long now = Stopwatch.GetTimestamp();
            while (now < deadline)
            {
                int ms = (int)((deadline - now) * 1000 / Stopwatch.Frequency);
                Thread.Sleep(Math.Max(ms, 0) == 0 ? 0 : ms);
                now = Stopwatch.GetTimestamp();
            }

            Phone.NoteLateness((now - deadline) * 1000.0 / Stopwatch.Frequency);
            int inFrame = (int)(slot % FrameMs);
            for (int i = inFrame; i < phones.Count; i += FrameMs)
            {
                phones[i].SendOne(measureStart, measureEnd);
            }
        }
    }

    /// <summary>One simulated phone: its own RTP stream, sent from a shared generator socket.</summary>
    private sealed class Phone
    {
        private static long s_maxLatenessMicros;
        private readonly int _id;
        private readonly Socket _socket;
        private readonly SocketAddress _relay;
        private readonly byte[] _out = new byte[12 + PayloadBytes];
        private readonly uint _ssrc = (uint)Random.Shared.NextInt64(1, uint.MaxValue);
        private ushort _seq;
        private uint _ts;
        private long _lastTransit;
        private bool _haveLast;

        public Phone(int id, Socket socket, IPEndPoint relay)
        {
            _id = id;
            _socket = socket;
            _relay = relay.Serialize();
        }

        public long MeasureFrom { get; set; }
        public long MeasureTo { get; set; }
        public long SentMeasured;
        public long ReceivedMeasured;

        public static double MaxSenderLatenessMs => Interlocked.Read(ref s_maxLatenessMicros) / 1000.0;

        public static void NoteLateness(double ms)
        {
            long micros = (long)(ms * 1000);
            long seen;
            while (micros > (seen = Interlocked.Read(ref s_maxLatenessMicros)) &&
                   Interlocked.CompareExchange(ref s_maxLatenessMicros, micros, seen) != seen)
            {
            }
        }

        public void SendOne(long measureStart, long measureEnd)
        {
            _seq++;
            _ts += 160;
            long now = Stopwatch.GetTimestamp();
            RtpWriter.Write(_out, new RtpHeader { PayloadType = 0, SequenceNumber = _seq, Timestamp = _ts, Ssrc = _ssrc }, []);
            BinaryPrimitives.WriteInt64LittleEndian(_out.AsSpan(12), now);
            BinaryPrimitives.WriteInt32LittleEndian(_out.AsSpan(20), _id);
            try
            {
                _socket.SendTo(_out, SocketFlags.None, _relay);
            }
            catch (SocketException)
            {
                return;
            }

            if (now >= measureStart && now < measureEnd)
            {
                SentMeasured++;
            }
        }

        /// <summary>A relayed copy of this phone's packet arrived (called by one receiver thread only).</summary>
        public void OnRelayed(long sentAt, long now, Histogram jitter, Histogram transit)
        {
            long transitTicks = now - sentAt;
            if (sentAt >= MeasureFrom && sentAt < MeasureTo)
            {
                ReceivedMeasured++;
                transit.Add(transitTicks);
                if (_haveLast)
                {
                    jitter.Add(Math.Abs(transitTicks - _lastTransit));
                }
            }

            _lastTransit = transitTicks;
            _haveLast = true;
        }
    }

    /// <summary>A generator socket shared by many phones, read by a dedicated blocking thread.</summary>
    private sealed class Receiver : IDisposable
    {
        private readonly List<Phone> _phones;
        private readonly Histogram _jitter;
        private readonly Histogram _transit;
        private readonly Thread _thread;

        public Receiver(IPAddress bind, List<Phone> phones, Histogram jitter, Histogram transit)
        {
            Socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4 * 1024 * 1024 };
            Socket.Bind(new IPEndPoint(bind, 0));
            _phones = phones;
            _jitter = jitter;
            _transit = transit;
            _thread = new Thread(Run) { IsBackground = true, Name = "rtp-load-receiver" };
        }

        public Socket Socket { get; }
        public IPEndPoint LocalEndPoint => (IPEndPoint)Socket.LocalEndPoint!;

        public void Start() => _thread.Start();

        private void Run()
        {
            var buffer = new byte[2048];
            var from = new SocketAddress(Socket.AddressFamily);
            try
            {
                while (true)
                {
                    int n = Socket.ReceiveFrom(buffer, SocketFlags.None, from);
                    long now = Stopwatch.GetTimestamp();
                    if (n < 12 + 12)
                    {
                        continue;
                    }

                    int id = BinaryPrimitives.ReadInt32LittleEndian(buffer.AsSpan(20));
                    if ((uint)id < (uint)_phones.Count)
                    {
                        // The packet relayed to this side came from the other phone of the call.
                        _phones[id].OnRelayed(BinaryPrimitives.ReadInt64LittleEndian(buffer.AsSpan(12)), now, _jitter, _transit);
                    }
                }
            }
            catch (Exception e) when (e is ObjectDisposedException or SocketException)
            {
                // closed at the end of the run
            }
        }

        public void Dispose()
        {
            Socket.Dispose();
            _thread.Join(2000);
        }
    }

    /// <summary>Lock-free histogram of durations in 10 µs buckets up to 5 s.</summary>
    private sealed class Histogram
    {
        private readonly long[] _buckets = new long[(HistogramMicros / BucketMicros) + 1];
        private long _maxTicks;

        public double Max => Interlocked.Read(ref _maxTicks) * 1000.0 / Stopwatch.Frequency;

        public void Add(long ticks)
        {
            long micros = ticks * 1_000_000 / Stopwatch.Frequency;
            long bucket = Math.Clamp(micros / BucketMicros, 0, _buckets.Length - 1);
            Interlocked.Increment(ref _buckets[bucket]);
            long seen;
            while (ticks > (seen = Interlocked.Read(ref _maxTicks)) && Interlocked.CompareExchange(ref _maxTicks, ticks, seen) != seen)
            {
            }
        }

        public double Percentile(double p)
        {
            long total = _buckets.Sum();
            if (total == 0)
            {
                return 0;
            }

            long rank = (long)Math.Ceiling(p * total);
            long running = 0;
            for (int i = 0; i < _buckets.Length; i++)
            {
                running += _buckets[i];
                if (running >= rank)
                {
                    return (i + 1) * BucketMicros / 1000.0; // upper edge of the bucket
                }
            }

            return HistogramMicros / 1000.0;
        }
    }
}
