using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Telephony.LoadGen.Media;
using Telephony.Sip.Messages;

namespace Telephony.LoadGen.Setups;

/// <summary>
/// Call setups per second, SIPp-style: one UDP socket, INVITEs to the service number paced at a fixed
/// rate (each a new Call-ID, From tag and caller number), ACK to the 200, BYE after the hold time. The
/// caller sends no RTP; the server's IVR plays to one RTP port the generator binds and never reads (the
/// kernel drops what overflows). Counts attempts, 200s, 503s (with and without Retry-After), other
/// failures, retransmissions it received (a response or request seen twice) and sent (RFC 3261 Timers A
/// and E), setup latency (INVITE → 200), and the server's CPU seconds and RSS from /proc.
/// </summary>
internal sealed class SetupLoadTest
{
    public const string Help = SetupLoadOptions.Help;

    private static readonly TimeSpan T1 = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan T2 = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan TimerB = TimeSpan.FromSeconds(32); // 64·T1, also Timer F
    private static readonly TimeSpan Forget = TimeSpan.FromSeconds(32); // keep a finished call to spot late retransmissions

    private readonly SetupLoadOptions _o;
    private readonly Socket _sip;
    private readonly Socket _rtp;
    private readonly SocketAddress _server;
    private readonly string _runTag = Convert.ToHexStringLower(BitConverter.GetBytes(Environment.TickCount))[..6];
    private readonly ConcurrentDictionary<string, SetupCall> _calls = new(StringComparer.Ordinal);
    private readonly PriorityQueue<(SetupCall Call, TimerKind Kind), long> _timers = new();
    private readonly Lock _timerGate = new();
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly Histogram _setup = new();
    private Histogram _windowSetup = new();
    private readonly Counters _total = new();
    private int _active;
    private volatile bool _stopping;

    private enum TimerKind { InviteRetransmit, InviteTimeout, SendBye, ByeRetransmit, ByeTimeout, Forget }

    private sealed class Counters
    {
        public long Attempts, Answered, Refused503, Refused503WithRetryAfter, Failed, Completed, DuplicatesReceived, RetransmissionsSent, Unknown, LateAnswers;

        public Counters Snapshot() => (Counters)MemberwiseClone();
    }

    private SetupLoadTest(SetupLoadOptions o)
    {
        _o = o;
        _sip = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 8 << 20, SendBufferSize = 4 << 20 };
        _sip.Bind(o.Local);
        _rtp = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp) { ReceiveBufferSize = 4096 };
        _rtp.Bind(new IPEndPoint(o.Local.Address, o.RtpPort));
        _server = o.Server.Serialize();
    }

    public static Task<int> RunAsync(string[] args)
    {
        SetupLoadOptions o;
        try
        {
            o = SetupLoadOptions.Parse(args);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            Console.Error.WriteLine($"setups: {e.Message}\nusage: setups {Help}");
            return Task.FromResult(2);
        }
        var test = new SetupLoadTest(o);
        try
        {
            return Task.FromResult(test.Run());
        }
        finally
        {
            test._sip.Dispose();
            test._rtp.Dispose();
        }
    }

    private int Run()
    {
        int total = (int)Math.Round(_o.Rate * _o.Seconds);
        var serverStart = _o.ServerPid is { } pid ? ProcessSample.Read(pid) : null;
        var selfStart = ProcessSample.Self();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"setups: {total} calls to {_o.Number} at {_o.Rate}/s for {_o.Seconds} s, hold {_o.HoldMs} ms; SIP {_o.Local} → {_o.Server}, RTP sink :{_o.RtpPort}; server pid {(_o.ServerPid?.ToString(CultureInfo.InvariantCulture) ?? "not given")}, RSS at start {(serverStart is { } s0 ? $"{s0.RssKiB / 1024} MiB" : "?")}"));
        var receiver = new Thread(ReceiveLoop) { IsBackground = true, Name = "setups-receive", Priority = ThreadPriority.AboveNormal };
        receiver.Start();

        long t0 = Stopwatch.GetTimestamp();
        long ticksPerCall = (long)(Stopwatch.Frequency / _o.Rate);
        long nextReport = t0 + (_o.ReportSeconds * Stopwatch.Frequency);
        var windowStart = (Counters: _total.Snapshot(), Server: serverStart, At: t0);
        int next = 0;
        long drainUntil = long.MaxValue;
        while (true)
        {
            long now = Stopwatch.GetTimestamp();
            while (next < total && t0 + (next * ticksPerCall) <= now)
            {
                StartCall(next++, now);
            }
            if (next == total && drainUntil == long.MaxValue)
            {
                drainUntil = now + (_o.DrainSeconds * Stopwatch.Frequency);
            }
            RunDueTimers(now);
            if (now >= nextReport)
            {
                windowStart = Report(windowStart, now);
                nextReport += _o.ReportSeconds * Stopwatch.Frequency;
            }
            if (next == total && (Volatile.Read(ref _active) == 0 || now >= drainUntil))
            {
                break;
            }
            Thread.Sleep(1);
        }
        double sending = Stopwatch.GetElapsedTime(t0).TotalSeconds;
        Thread.Sleep(1000); // a last look for late retransmissions
        _stopping = true;
        var serverEnd = _o.ServerPid is { } p ? ProcessSample.Read(p) : null;
        var selfEnd = ProcessSample.Self();
        return Summary(total, sending, serverStart, serverEnd, selfEnd.CpuSeconds - selfStart.CpuSeconds);
    }

    private void StartCall(int index, long now)
    {
        var call = new SetupCall(index, _runTag);
        call.Invite = SetupMessages.Invite(call, _o.Local, _o.Server, _o.Number, _o.RtpPort);
        call.RetransmitInterval = T1;
        call.InviteSentAt = now;
        _calls[call.CallId] = call;
        Interlocked.Increment(ref _active);
        Interlocked.Increment(ref _total.Attempts);
        Schedule(call, TimerKind.InviteRetransmit, now, T1);
        Schedule(call, TimerKind.InviteTimeout, now, TimerB);
        Send(call.Invite);
    }

    private void Send(byte[] message)
    {
        try
        {
            _sip.SendTo(message, SocketFlags.None, _server);
        }
        catch (SocketException e)
        {
            Fail(null, $"send failed: {e.SocketErrorCode}");
        }
    }

    private void Schedule(SetupCall call, TimerKind kind, long now, TimeSpan after)
    {
        lock (_timerGate)
        {
            _timers.Enqueue((call, kind), now + (long)(after.TotalSeconds * Stopwatch.Frequency));
        }
    }

    private void RunDueTimers(long now)
    {
        while (true)
        {
            (SetupCall Call, TimerKind Kind) due;
            lock (_timerGate)
            {
                if (!_timers.TryPeek(out due, out long at) || at > now)
                {
                    return;
                }
                _timers.Dequeue();
            }
            OnTimer(due.Call, due.Kind, now);
        }
    }

    private void OnTimer(SetupCall call, TimerKind kind, long now)
    {
        lock (call)
        {
            switch (kind)
            {
                case TimerKind.InviteRetransmit when call.State == SetupState.Inviting && !call.Provisional:
                    Interlocked.Increment(ref _total.RetransmissionsSent);
                    Send(call.Invite!);
                    call.RetransmitInterval *= 2; // Timer A doubles (§17.1.1.2) until Timer B
                    Schedule(call, TimerKind.InviteRetransmit, now, call.RetransmitInterval);
                    break;
                case TimerKind.InviteTimeout when call.State == SetupState.Inviting:
                    Finish(call, now, failure: "no final response to the INVITE within 32 s");
                    break;
                case TimerKind.SendBye when call.State == SetupState.Established:
                    call.Bye = SetupMessages.Bye(call, _o.Local, _o.Number, _o.Server);
                    call.State = SetupState.Hanging;
                    call.RetransmitInterval = T1;
                    Schedule(call, TimerKind.ByeRetransmit, now, T1);
                    Schedule(call, TimerKind.ByeTimeout, now, TimerB);
                    Send(call.Bye);
                    break;
                case TimerKind.ByeRetransmit when call.State == SetupState.Hanging:
                    Interlocked.Increment(ref _total.RetransmissionsSent);
                    Send(call.Bye!);
                    call.RetransmitInterval = call.RetransmitInterval * 2 > T2 ? T2 : call.RetransmitInterval * 2; // Timer E (§17.1.2.2)
                    Schedule(call, TimerKind.ByeRetransmit, now, call.RetransmitInterval);
                    break;
                case TimerKind.ByeTimeout when call.State == SetupState.Hanging:
                    Finish(call, now, failure: "no answer to the BYE within 32 s");
                    break;
                case TimerKind.Forget:
                    _calls.TryRemove(call.CallId, out _);
                    break;
            }
        }
    }

    /// <summary>Ends a call once (counted as completed or failed) and forgets it after a while.</summary>
    private void Finish(SetupCall call, long now, string? failure)
    {
        if (call.State == SetupState.Done)
        {
            return;
        }
        call.State = SetupState.Done;
        Interlocked.Decrement(ref _active);
        if (failure is not null)
        {
            Fail(call, failure);
        }
        Schedule(call, TimerKind.Forget, now, Forget);
    }

    private void Fail(SetupCall? call, string reason)
    {
        _ = call;
        Interlocked.Increment(ref _total.Failed);
        _failures.AddOrUpdate(reason, 1, (_, n) => n + 1);
    }

    private void ReceiveLoop()
    {
        var buffer = new byte[65_536];
        var from = new SocketAddress(AddressFamily.InterNetwork);
        _sip.ReceiveTimeout = 200;
        while (!_stopping)
        {
            int n;
            try
            {
                n = _sip.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (SocketException)
            {
                continue; // the timeout (to see _stopping), or an ICMP error from an earlier send
            }
            // Handled synchronously, before the next receive reuses the buffer the message points into.
            if (!SipParser.TryParse(buffer.AsMemory(0, n), out var message, out _))
            {
                Fail(null, "unparsable message from the server");
                continue;
            }
            long now = Stopwatch.GetTimestamp();
            if (message.CallId is not { } callId || !_calls.TryGetValue(callId, out var call))
            {
                Interlocked.Increment(ref _total.Unknown);
                continue;
            }
            lock (call)
            {
                if (message is SipResponse response)
                {
                    OnResponse(call, response, now);
                }
                else if (message is SipRequest request)
                {
                    OnRequest(call, request, now);
                }
            }
        }
    }

    private void OnResponse(SetupCall call, SipResponse response, long now)
    {
        string method = response.CSeq?.Method ?? "?";
        if (!call.FirstTime(method, response.StatusCode))
        {
            Interlocked.Increment(ref _total.DuplicatesReceived);
            if (method == "INVITE" && response.StatusCode >= 200 && call.Ack is { } ack)
            {
                Send(ack); // a retransmitted final response is ACKed again (§13.2.2.4, §17.1.1.3)
            }
            return;
        }
        if (method == "BYE")
        {
            if (call.State == SetupState.Hanging && response.StatusCode >= 200)
            {
                if (response.StatusCode < 300)
                {
                    Interlocked.Increment(ref _total.Completed);
                    Finish(call, now, failure: null);
                }
                else
                {
                    Finish(call, now, failure: $"BYE answered {response.StatusCode} {response.ReasonPhrase}");
                }
            }
            return;
        }
        if (method == "INVITE" && response.StatusCode is >= 200 and < 300 && call.Refused)
        {
            // The server refused the first copy of the INVITE statelessly and answered a retransmission of it: a 2xx the
            // caller no longer wants is ACKed and ended with a BYE (§13.2.2.4), or the server would hold the call for a
            // caller who never hangs up. Counted apart (and as not clean: only a late server makes it happen).
            Interlocked.Increment(ref _total.LateAnswers);
            call.ToTag = response.To?.Tag;
            call.RemoteTarget = response.Contacts.Count > 0 ? response.Contacts[0].Uri.ToString() : $"sip:{_o.Number}@{_o.Server}";
            call.Routes = RoutesOf(response);
            call.Ack = SetupMessages.AckFor2xx(call, _o.Local, _o.Number, _o.Server);
            Send(call.Ack);
            Send(SetupMessages.Bye(call, _o.Local, _o.Number, _o.Server));
            return;
        }
        if (method != "INVITE" || call.State != SetupState.Inviting)
        {
            return;
        }
        if (response.StatusCode < 200)
        {
            call.Provisional = true; // Proceeding: no more INVITE retransmissions (§17.1.1.2)
            return;
        }
        call.ToTag = response.To?.Tag;
        if (response.StatusCode < 300)
        {
            long micros = (now - call.InviteSentAt) * 1_000_000 / Stopwatch.Frequency;
            _setup.AddMicros(micros);
            Volatile.Read(ref _windowSetup).AddMicros(micros);
            Interlocked.Increment(ref _total.Answered);
            call.RemoteTarget = response.Contacts.Count > 0 ? response.Contacts[0].Uri.ToString() : $"sip:{_o.Number}@{_o.Server}";
            call.Routes = RoutesOf(response);
            call.Ack = SetupMessages.AckFor2xx(call, _o.Local, _o.Number, _o.Server);
            call.State = SetupState.Established;
            Send(call.Ack);
            Schedule(call, TimerKind.SendBye, now, TimeSpan.FromMilliseconds(_o.HoldMs));
            return;
        }
        call.Ack = SetupMessages.AckForFailure(call, _o.Local, _o.Number, _o.Server, call.ToTag);
        Send(call.Ack);
        if (response.StatusCode == 503)
        {
            Interlocked.Increment(ref _total.Refused503);
            if (response.HasHeader("Retry-After"))
            {
                Interlocked.Increment(ref _total.Refused503WithRetryAfter);
            }
            call.State = SetupState.Done;
            call.Refused = true;
            Interlocked.Decrement(ref _active);
            Schedule(call, TimerKind.Forget, now, Forget);
            return;
        }
        Finish(call, now, failure: $"INVITE answered {response.StatusCode} {response.ReasonPhrase}");
    }

    private void OnRequest(SetupCall call, SipRequest request, long now)
    {
        if (request.Method == "ACK")
        {
            return;
        }
        if (!call.FirstTime(request.Method, -(int)(request.CSeq?.Number ?? 0)))
        {
            Interlocked.Increment(ref _total.DuplicatesReceived);
        }
        Send(SetupMessages.Ok(request));
        if (request.Method == "BYE" && call.State != SetupState.Done)
        {
            Finish(call, now, failure: "the server hung up first");
        }
    }

    private (Counters, ProcessSample?, long) Report((Counters Counters, ProcessSample? Server, long At) start, long now)
    {
        var c = _total.Snapshot();
        var window = Interlocked.Exchange(ref _windowSetup, new Histogram());
        double seconds = (now - start.At) / (double)Stopwatch.Frequency;
        var server = _o.ServerPid is { } pid ? ProcessSample.Read(pid) : null;
        long attempts = c.Attempts - start.Counters.Attempts;
        string cpu = server is { } s && start.Server is { } s0 && attempts > 0
            ? string.Create(CultureInfo.InvariantCulture, $", server CPU {100 * (s.CpuSeconds - s0.CpuSeconds) / seconds:F0} % = {1000 * (s.CpuSeconds - s0.CpuSeconds) / attempts:F2} ms/call, RSS {s.RssKiB / 1024} MiB")
            : "";
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {attempts / seconds,6:F0}/s: {attempts} INVITEs, {c.Answered - start.Counters.Answered} answered, {c.Refused503 - start.Counters.Refused503} 503, {c.Failed - start.Counters.Failed} failed, {c.DuplicatesReceived - start.Counters.DuplicatesReceived} dup in, {c.RetransmissionsSent - start.Counters.RetransmissionsSent} retx out, live {Volatile.Read(ref _active)}, setup p50 {window.PercentileMs(0.5):F2} / p99 {window.PercentileMs(0.99):F2} ms{cpu}"));
        return (c, server, now);
    }

    /// <summary>Route header lines for the dialog a 2xx set up: its Record-Route entries in reverse order (RFC 3261 §12.1.2).</summary>
    private static string RoutesOf(SipResponse response) =>
        string.Concat(response.GetHeaderLines(SipHeaderNames.RecordRoute).Reverse().Select(r => "Route: " + r + "\r\n"));

    private int Summary(int total, double seconds, ProcessSample? serverStart, ProcessSample? serverEnd, double selfCpu)
    {
        var c = _total;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"setups: {c.Attempts} INVITEs at {_o.Rate}/s (hold {_o.HoldMs} ms) in {seconds:F1} s: {c.Answered} answered (200), {c.Completed} completed (BYE 200), {c.Refused503} refused 503 ({c.Refused503WithRetryAfter} with Retry-After), {c.Failed} failed, {Volatile.Read(ref _active)} unfinished"));
        foreach (var (reason, count) in _failures.OrderByDescending(f => f.Value).Take(10))
        {
            Console.WriteLine($"  failure ×{count}: {reason}");
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"retransmissions: {c.DuplicatesReceived} received (a response or request seen twice), {c.RetransmissionsSent} sent; {c.Unknown} messages for calls already forgotten; {c.LateAnswers} 200s after a 503 (ACKed and ended)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"setup latency (INVITE → 200): p50 {_setup.PercentileMs(0.50):F2} ms, p99 {_setup.PercentileMs(0.99):F2} ms, max {_setup.MaxMs:F2} ms"));
        if (serverStart is { } s0 && serverEnd is { } s1)
        {
            double cpu = s1.CpuSeconds - s0.CpuSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"server CPU: {cpu:F2} s = {1000 * cpu / Math.Max(1, c.Attempts):F3} ms per call ({100 * cpu / seconds:F0} % of one core); RSS {s0.RssKiB / 1024} → {s1.RssKiB / 1024} MiB"));
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"generator CPU: {selfCpu:F2} s = {1000 * selfCpu / Math.Max(1, c.Attempts):F3} ms per call; load average {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
        bool clean = c.Attempts == total && c.Completed == total && c.Failed == 0 && c.DuplicatesReceived == 0 && c.RetransmissionsSent == 0 && c.LateAnswers == 0;
        bool refusedCleanly = c.Refused503 > 0 && c.Failed == 0 && c.Refused503 == c.Refused503WithRetryAfter && c.Completed + c.Refused503 == total;
        Console.WriteLine(clean ? "RESULT clean" : refusedCleanly ? "RESULT overloaded, refused cleanly (503 with Retry-After, no other failure)" : "RESULT not clean");
        return clean ? 0 : 3;
    }
}
