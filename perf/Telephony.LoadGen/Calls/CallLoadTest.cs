using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Telephony.Media;
using Telephony.Media.Audio;
using Telephony.Sip.Messages;
using Telephony.Sip.UserAgent;
using Telephony.Softphone.Core;
using Telephony.Softphone.Core.Media;

namespace Telephony.LoadGen.Calls;

/// <summary>
/// Whole-system call load on our own UA: N auto-answering agents (<see cref="AgentClient"/>, logged in
/// and Ready), callers dialling the service number at a fixed rate (bounded concurrency) with G.711
/// RTP and an optional RFC 4733 key press, talking for a while once an agent answered, then hanging up.
/// Prints per-phase latencies (p50/p99) and the failures. All times are wall-clock on this host, so
/// server-side stamps (reservation, pop) are comparable only when the server runs on the same machine.
/// </summary>
internal static class CallLoadTest
{
    public const string Help = CallLoadOptions.Help;

    public static async Task<int> RunAsync(string[] args)
    {
        CallLoadOptions o;
        Dictionary<string, string> sipPasswords;
        try
        {
            o = CallLoadOptions.Parse(args);
            sipPasswords = SeatPasswords.Load(o.SeatsFile);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or System.Text.Json.JsonException or KeyNotFoundException)
        {
            Console.Error.WriteLine($"calls: {e.Message}\nusage: calls {Help}");
            return 2;
        }

        Prompt? callerMic = o.PlayFile is null ? null : WavAudio.LoadMicrophone(o.PlayFile);
        // One media engine (clock and port pool) for every caller and agent in the process.
        await using var media = new MediaEngine(new MediaEngineOptions { BindAddress = IPAddress.Loopback, PortMin = o.RtpPortMin, PortMax = o.RtpPortMax });
        media.Start();
        var tracker = new Tracker();
        var agents = new List<AgentClient>();
        var readers = new List<Task>();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"call load: {o.Calls} calls to {o.Number} at {o.Rate}/s (≤ {o.Concurrency} at once), {o.Agents} agents from seat {o.FirstSeat}, key {(o.Digit is { } k ? $"'{k}' after {o.DigitAfterMs} ms" : "none")}, talk {o.TalkMs} ms; SIP {o.Server}, HTTP {o.Http}"));
        try
        {
            var starts = Enumerable.Range(0, o.Agents).Select(i => StartAgentAsync(o, i, sipPasswords, media)).ToList();
            foreach (var start in starts)
            {
                try
                {
                    agents.Add(await start.ConfigureAwait(false));
                }
                catch (AgentStartException e)
                {
                    Console.Error.WriteLine($"agent failed to start: {e.Message}");
                }
            }
            if (agents.Count == 0)
            {
                Console.Error.WriteLine("no agent could start; is the server running?");
                return 1;
            }
            Console.WriteLine($"{agents.Count} agents logged in, registered and Ready");
            readers.AddRange(agents.Select(a => tracker.FollowAsync(a)));

            using var gate = new SemaphoreSlim(o.Concurrency);
            var started = DateTimeOffset.UtcNow;
            var callTasks = new List<Task>(o.Calls);
            var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            for (int i = 0; i < o.Calls; i++)
            {
                var due = TimeSpan.FromSeconds(i / o.Rate) - System.Diagnostics.Stopwatch.GetElapsedTime(t0);
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due).ConfigureAwait(false);
                }
                if (!await gate.WaitAsync(TimeSpan.FromSeconds(o.TimeoutSeconds)).ConfigureAwait(false))
                {
                    tracker.Fail(tracker.New(CallerNumber(i)), "concurrency limit held for the whole timeout");
                    continue;
                }
                int n = i;
                callTasks.Add(Task.Run(async () =>
                {
                    try
                    {
                        await PlaceCallAsync(o, CallerNumber(n), media, callerMic, tracker).ConfigureAwait(false);
                    }
                    finally
                    {
                        gate.Release();
                    }
                }));
                if ((i + 1) % Math.Max(1, o.Calls / 10) == 0)
                {
                    Console.WriteLine($"  {i + 1} calls placed, {tracker.Completed} completed, {tracker.FailedCount} failed");
                }
            }
            await Task.WhenAll(callTasks).ConfigureAwait(false);
            var elapsed = DateTimeOffset.UtcNow - started;
            await Task.Delay(500).ConfigureAwait(false); // late agent events
            return tracker.Report(elapsed);
        }
        finally
        {
            foreach (var a in agents)
            {
                try
                {
                    await a.LogoutAsync().ConfigureAwait(false);
                }
#pragma warning disable CA1031 // best effort on the way out: a seat still in a call stays as it is
                catch (Exception)
#pragma warning restore CA1031
                {
                }
                await a.DisposeAsync().ConfigureAwait(false);
            }
            await Task.WhenAll(readers).ConfigureAwait(false);
        }
    }

    // 155xxxxxxxx: mobile-looking numbers that are on none of the IVR's caller lists (taxi drivers, deputies).
    private static string CallerNumber(int i) => string.Create(CultureInfo.InvariantCulture, $"155{i:D8}");

    private static Task<AgentClient> StartAgentAsync(CallLoadOptions o, int i, Dictionary<string, string> sipPasswords, MediaEngine media) =>
        AgentClient.StartAsync(LoadAgents.Options((o.FirstSeat + i).ToString(CultureInfo.InvariantCulture), sipPasswords, o.Server, o.Http, o.Domain,
            o.UserFormat, o.PasswordFormat, readyOnStart: true), media);

    private static async Task PlaceCallAsync(CallLoadOptions o, string number, MediaEngine media, Prompt? mic, Tracker tracker)
    {
        var rec = tracker.New(number);
        var timeout = TimeSpan.FromSeconds(o.TimeoutSeconds);
        SipUserAgent? ua = null;
        OutboundCall? call = null;
        try
        {
            ua = await SipUserAgent.StartAsync("udp:127.0.0.1:0", new SipUserAgentOptions { LocalUri = $"sip:{number}@127.0.0.1", Product = "Telephony-LoadGen" }).ConfigureAwait(false);
            IAudioSource source = mic is null ? Tones.Continuous(440, 6000) : WavAudio.Loop(mic);
            (call, string? error) = await OutboundCall.DialAsync(ua, $"sip:{o.Number}@{o.Server}", media, source, null).ConfigureAwait(false);
            if (call is null)
            {
                tracker.Fail(rec, $"no caller RTP port: {error}");
                return;
            }
            rec.InviteSentAt = call.InviteSentAt;
            bool up = await call.Established.WaitAsync(timeout).ConfigureAwait(false);
            if (!up)
            {
                tracker.Fail(rec, $"not answered by the server: {call.Ended?.StatusCode} {call.Ended?.Detail}".TrimEnd());
                return;
            }
            rec.EstablishedAt = call.EstablishedAt;
            if (o.Digit is { } digit)
            {
                await Task.Delay(o.DigitAfterMs).ConfigureAwait(false);
                if (!call.SendDigit(digit))
                {
                    tracker.Fail(rec, "could not send the key (no telephone-event in the answer)");
                    return;
                }
            }
            var first = await Task.WhenAny(rec.AgentConnected.Task, call.Call.Completion, Task.Delay(timeout)).ConfigureAwait(false);
            if (first != rec.AgentConnected.Task)
            {
                tracker.Fail(rec, first == call.Call.Completion
                    ? $"call ended before an agent answered ({call.Ended?.Reason} {call.Ended?.StatusCode})"
                    : $"no agent answered within {o.TimeoutSeconds} s");
                return;
            }
            await Task.Delay(o.TalkMs).ConfigureAwait(false);
            if (call.Call.State != CallState.Established)
            {
                tracker.Fail(rec, $"call dropped while talking ({call.Ended?.Reason})");
                return;
            }
            await call.HangupAsync().ConfigureAwait(false);
            tracker.Complete(rec);
        }
        catch (TimeoutException)
        {
            tracker.Fail(rec, $"no answer from the server within {o.TimeoutSeconds} s");
        }
#pragma warning disable CA1031 // one call's failure is counted, not fatal
        catch (Exception e)
#pragma warning restore CA1031
        {
            tracker.Fail(rec, $"{e.GetType().Name}: {e.Message}");
        }
        finally
        {
            if (call is not null)
            {
                await call.DisposeAsync().ConfigureAwait(false);
            }
            if (ua is not null)
            {
                await ua.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>One call's timeline from both ends.</summary>
    private sealed class CallRecord(string number)
    {
        public string Number { get; } = number;
        public DateTimeOffset? InviteSentAt { get; set; }
        public DateTimeOffset? EstablishedAt { get; set; }
        public PopTiming? Pop { get; set; }
        public DateTimeOffset? AgentRingingAt { get; set; }
        public DateTimeOffset? AgentConnectedAt { get; set; }
        public TaskCompletionSource AgentConnected { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public string? Failure { get; set; }
        public bool Completed { get; set; }
    }

    /// <summary>Joins what the callers and the agents saw, per caller number.</summary>
    private sealed class Tracker
    {
        private readonly ConcurrentDictionary<string, CallRecord> _byNumber = new(StringComparer.Ordinal);
        private readonly ConcurrentDictionary<string, CallRecord> _byAgentCallId = new(StringComparer.Ordinal);
        private int _completed;
        private int _failed;
        private readonly ConcurrentQueue<PopTiming> _allPops = new();
        private readonly ConcurrentQueue<string> _oddities = new();
        private readonly ConcurrentDictionary<string, (DateTimeOffset? Ringing, DateTimeOffset? Connected)> _unmatchedAgentLegs = new(StringComparer.Ordinal);
        private int _unmatchedAgentCalls;

        public int Completed => Volatile.Read(ref _completed);
        public int FailedCount => Volatile.Read(ref _failed);

        public CallRecord New(string number) => _byNumber.GetOrAdd(number, n => new CallRecord(n));

        public void Fail(CallRecord rec, string reason)
        {
            rec.Failure = reason;
            Interlocked.Increment(ref _failed);
        }

        public void Complete(CallRecord rec)
        {
            rec.Completed = true;
            Interlocked.Increment(ref _completed);
        }

        private CallRecord? ByNumber(string? number)
        {
            if (number is null)
            {
                return null;
            }
            var digits = new string([.. number.Where(char.IsAsciiDigit)]);
            // The server may prefix a country code or '+': match on the caller's own 11 digits.
            return digits.Length >= 11 && _byNumber.TryGetValue(digits[^11..], out var rec) ? rec : null;
        }

        public async Task FollowAsync(AgentClient agent)
        {
            await foreach (var e in agent.Events.ReadAllAsync().ConfigureAwait(false))
            {
                switch (e)
                {
                    case PopTimingEvent t when ByNumber(t.Timing.CallerNumber) is { } rec:
                        _allPops.Enqueue(t.Timing);
                        if (t.Timing.InviteReceivedAt is null)
                        {
                            _oddities.Enqueue($"seat {agent.Seat}: pop {t.Timing.PopCallId} for {t.Timing.CallerNumber} received {t.Timing.PopReceivedAt:HH:mm:ss.fff}, no INVITE followed");
                            break; // a pop whose INVITE never reached this seat (offer withdrawn, seat unreachable)
                        }
                        rec.Pop = t.Timing;
                        if (t.Timing.SipCallId is { } sipId)
                        {
                            _byAgentCallId[sipId] = rec;
                            // The INVITE overtook the pop: its ringing/connected events came before this match.
                            if (_unmatchedAgentLegs.TryRemove(sipId, out var early))
                            {
                                Interlocked.Decrement(ref _unmatchedAgentCalls);
                                rec.AgentRingingAt ??= early.Ringing;
                                if (early.Connected is { } at)
                                {
                                    rec.AgentConnectedAt = at;
                                    rec.AgentConnected.TrySetResult();
                                }
                            }
                        }
                        break;
                    case RingingEvent r:
                        var ringing = _byAgentCallId.TryGetValue(r.SipCallId, out var byId) ? byId : ByNumber(UserOf(r.From));
                        if (ringing is null)
                        {
                            _unmatchedAgentLegs[r.SipCallId] = (r.At, null); // until a late pop names it
                            Interlocked.Increment(ref _unmatchedAgentCalls);
                            break;
                        }
                        _byAgentCallId[r.SipCallId] = ringing;
                        ringing.AgentRingingAt = r.At;
                        break;
                    case NoticeEvent n:
                        _oddities.Enqueue($"seat {agent.Seat}: {n.Message} at {n.At:HH:mm:ss.fff}");
                        break;
                    case ConnectedEvent c when _byAgentCallId.TryGetValue(c.SipCallId, out var connected):
                        connected.AgentConnectedAt = c.At;
                        connected.AgentConnected.TrySetResult();
                        break;
                    case ConnectedEvent c when _unmatchedAgentLegs.TryGetValue(c.SipCallId, out var leg):
                        _unmatchedAgentLegs[c.SipCallId] = (leg.Ringing, c.At);
                        break;
                }
            }
        }

        private static string? UserOf(string nameAddr) =>
            NameAddress.TryParse(nameAddr, out var parsed, out _) && parsed!.Uri is SipUri sip ? sip.User : null;

        public int Report(TimeSpan elapsed)
        {
            var all = _byNumber.Values.ToList();
            Console.WriteLine();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"calls: {all.Count} placed in {elapsed.TotalSeconds:F1} s, {all.Count(r => r.EstablishedAt is not null)} answered by the server, {all.Count(r => r.AgentConnectedAt is not null)} reached an agent, {Completed} completed, {FailedCount} failed"));
            foreach (var group in all.Where(r => r.Failure is not null).GroupBy(r => r.Failure!).OrderByDescending(g => g.Count()).Take(10))
            {
                Console.WriteLine($"  failure ×{group.Count()}: {group.Key}");
            }
            if (_unmatchedAgentCalls > 0)
            {
                Console.WriteLine($"  agent INVITEs matched to no caller (no pop named them): {_unmatchedAgentCalls}: {string.Join(", ", _unmatchedAgentLegs.Keys.Take(5))}");
            }
            foreach (var failed in all.Where(r => r.Failure is not null).Take(5))
            {
                Console.WriteLine($"  failed caller {failed.Number}: answered {failed.EstablishedAt:HH:mm:ss.fff}, pop {failed.Pop?.PopCallId ?? "none"}, agent rang {failed.AgentRingingAt:HH:mm:ss.fff}");
            }
            foreach (var odd in _oddities.Take(10))
            {
                Console.WriteLine($"  agent side: {odd}");
            }

            Row("setup (INVITE sent → 200 OK at the caller)", all.Select(r => r.EstablishedAt - r.InviteSentAt));
            Row("IVR (200 OK → queued; queued = pop time − its wait)", all.Select(r => r.Pop is { } p && r.EstablishedAt is { } up ? p.EnqueuedAt - up : (TimeSpan?)null));
            Row("queue wait (the pop's wait time, server-measured)", all.Select(r => r.Pop?.WaitTime));
            var pops = all.Where(r => r.Pop is not null).Select(r => r.Pop!).ToList();
            int withReservation = pops.Count(p => p.ReservedAt is not null);
            Row($"pop latency (Reserved → pop received; {withReservation}/{pops.Count} from the Reserved event, rest from the pop's own stamp)", pops.Select(p => (TimeSpan?)p.PopLatency));
            Row("pop-to-INVITE lead (pop received → INVITE at the softphone)", pops.Select(p => p.PopToInviteLead));
            Row("INVITE at the softphone → agent connected", all.Select(r => r.AgentConnectedAt - r.AgentRingingAt));
            int inviteFirst = pops.Count(p => p.PopToInviteLead < TimeSpan.Zero);
            int noPop = all.Count(r => r.AgentRingingAt is not null && r.Pop?.InviteReceivedAt is null);
            int popsWithoutInvite = _allPops.Count(p => p.InviteReceivedAt is null);
            Console.WriteLine($"pop ahead of the INVITE: {pops.Count(p => p.PopToInviteLead >= TimeSpan.Zero)} calls; INVITE first: {inviteFirst}; rang without a pop: {noPop}; pops never followed by an INVITE at that seat: {popsWithoutInvite} (of {_allPops.Count} pops)");
            bool clean = FailedCount == 0 && inviteFirst == 0 && noPop == 0 && popsWithoutInvite == 0;
            Console.WriteLine(clean ? "RESULT clean" : "RESULT not clean");
            return clean ? 0 : 3;
        }

        private static void Row(string name, IEnumerable<TimeSpan?> values)
        {
            var ms = values.Where(v => v is not null).Select(v => v!.Value.TotalMilliseconds).Order().ToArray();
            Console.WriteLine(ms.Length == 0
                ? $"{name}: no samples"
                : string.Create(CultureInfo.InvariantCulture, $"{name}: p50 {P(ms, 0.50):F2} ms, p99 {P(ms, 0.99):F2} ms, min {ms[0]:F2}, max {ms[^1]:F2} (n={ms.Length})"));
        }

        private static double P(double[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}
