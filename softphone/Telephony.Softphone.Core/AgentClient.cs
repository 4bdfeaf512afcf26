using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Telephony.Media;
using Telephony.Media.Audio;
using Telephony.Media.Legs;
using Telephony.Sip.UserAgent;
using Telephony.Softphone.Core.Media;

namespace Telephony.Softphone.Core;

/// <summary>
/// The agent desktop's core, without any UI: logs the agent in (bearer token), connects to the agents'
/// hub and logs in to the seat, registers the seat over SIP with digest auth, receives the screen-pop
/// and then the INVITE, rings, answers (by itself with <see cref="AgentClientOptions.AutoAnswer"/>),
/// sends the microphone (a WAV file) and records what it hears, hangs up and sets the seat's state.
/// The console UI, the load generator and the tests all drive this class. One call at a time: a
/// second INVITE while busy gets 486.
/// </summary>
public sealed partial class AgentClient : IAsyncDisposable
{
    private readonly AgentClientOptions _options;
    private readonly ILogger _log;
    private readonly MediaEngine _media;
    private readonly bool _ownsMedia;
    private readonly Channel<AgentEvent> _events = Channel.CreateBounded<AgentEvent>(new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _reservedAt = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, PopTiming> _pendingPops = new(StringComparer.Ordinal);
    private readonly Queue<(string SipCallId, string Text, DateTimeOffset At)> _invitesWithoutPop = new();
    // Pops (hub thread) and INVITEs (SIP thread) race; matching them is one short critical section.
    private readonly Lock _popGate = new();
    private HttpClient? _http;
    private HubConnection? _hub;
    private SipUserAgent? _ua;
    private Prompt? _microphone;
    private Task? _acceptLoop;
    private Task? _refreshLoop;
    private ActiveCall? _current;
    private int _callCount;

    private AgentClient(AgentClientOptions options, MediaEngine? media, ILogger? logger)
    {
        _options = options;
        _log = logger ?? NullLogger.Instance;
        _ownsMedia = media is null;
        // One softphone, a few calls: async socket receives, normal scheduling.
        _media = media ?? new MediaEngine(new MediaEngineOptions
        {
            BindAddress = options.RtpAddress,
            PortMin = options.RtpPortMin,
            PortMax = options.RtpPortMax,
        });
    }

    /// <summary>
    /// Logs in and registers; returns when the seat is registered (and, with a hub, logged in; Ready when
    /// <see cref="AgentClientOptions.ReadyOnStart"/>). Throws <see cref="AgentStartException"/> with a
    /// plain reason (wrong password, seat taken, server unreachable, bad WAV) and leaves nothing running.
    /// Pass a shared <paramref name="media"/> engine (started by its owner) when many clients run in one process
    /// (the load generator): its clock and port pool then serve every client and the RTP settings of
    /// <paramref name="options"/> are not used. Without one the client runs its own on those settings.
    /// </summary>
    public static async Task<AgentClient> StartAsync(AgentClientOptions options, MediaEngine? media = null, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var client = new AgentClient(options, media, logger);
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.StartTimeout);
            try
            {
                await client.StartCoreAsync(timeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
            {
                throw new AgentStartException($"start-up took longer than {options.StartTimeout.TotalSeconds:0} s (is the server running at {options.Http} / {options.SipServer}?)", e);
            }
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        return client;
    }

    /// <summary>The seat's extension.</summary>
    public string Seat => _options.Seat;

    /// <summary>The seat as the hub last returned it (null without a hub).</summary>
    public SeatInfo? SeatInfo { get; private set; }

    /// <summary>What happens, in order: pops, rings, connects, ends, seat states, notices.</summary>
    public ChannelReader<AgentEvent> Events => _events.Reader;

    /// <summary>The SIP contact our registration points at (e.g. <c>sip:1001@127.0.0.1:41234</c>).</summary>
    public string? Contact { get; private set; }

    /// <summary>True when a call is ringing or connected.</summary>
    public bool Busy => Volatile.Read(ref _current) is not null;

    /// <summary>Calls answered so far.</summary>
    public int CallsAnswered => Volatile.Read(ref _callCount);

    private DateTimeOffset Now => DateTimeOffset.UtcNow;

    private async Task StartCoreAsync(CancellationToken ct)
    {
        if (_options.PlayFile is { } play)
        {
            try
            {
                _microphone = WavAudio.LoadMicrophone(play);
            }
            catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                throw new AgentStartException($"--play {play}: {e.Message}", e);
            }
        }
        if (_options.Http is { } http)
        {
            await ConnectHubAsync(http, ct).ConfigureAwait(false);
        }
        await RegisterSipAsync(ct).ConfigureAwait(false);
        if (_ownsMedia)
        {
            _media.Start();
        }
        if (_options.ReadyOnStart && _hub is not null)
        {
            await SetReadyAsync(ct).ConfigureAwait(false);
        }
    }

    // ------------------------------------------------------------------ hub

    private async Task ConnectHubAsync(Uri http, CancellationToken ct)
    {
        if (string.IsNullOrEmpty(_options.User) || string.IsNullOrEmpty(_options.Password))
        {
            throw new AgentStartException("--user and --password are needed to log in to the hub");
        }
        _http = new HttpClient { BaseAddress = http, Timeout = _options.StartTimeout };
        _token = await TokenClient.GetTokenAsync(_http, _options.User, _options.Password, ct).ConfigureAwait(false);
        var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(http, AgentHubNames.Path), o => o.AccessTokenProvider = ProvideTokenAsync)
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .WithAutomaticReconnect(new KeepTrying())
            .Build();
        hub.On<SeatStateChange>(AgentHubNames.StateChanged, OnStateChanged);
        hub.On<ScreenPopInfo>(AgentHubNames.ScreenPop, OnScreenPop);
        hub.On<CallOfferedInfo>(AgentHubNames.CallOffered, e => Publish(new HubCallEvent(AgentHubNames.CallOffered, e.CallId, $"ring timeout {e.RingTimeout.TotalSeconds:0} s", Now)));
        hub.On<CallAnsweredInfo>(AgentHubNames.CallAnswered, e => Publish(new HubCallEvent(AgentHubNames.CallAnswered, e.CallId, "", Now)));
        hub.On<CallEndedInfo>(AgentHubNames.CallEnded, OnHubCallEnded);
        hub.Reconnecting += e =>
        {
            _wasReady = ReadyBeforeTheDrop(SeatInfo);
            _token = null; // the server may have restarted with other keys, or revoked it: log in afresh
            Publish(new NoticeEvent($"hub connection lost ({e?.Message}); reconnecting", Now));
            return Task.CompletedTask;
        };
        hub.Reconnected += _ => RestoreSeatAsync(hub, "hub reconnected");
        hub.Closed += e => OnHubClosed(hub, e);
        _hub = hub;
        try
        {
            await hub.StartAsync(ct).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new AgentStartException($"cannot connect to the agents' hub at {new Uri(http, AgentHubNames.Path)}: {e.Message}", e);
        }
        try
        {
            SeatInfo = await hub.InvokeAsync<SeatInfo>(AgentHubNames.Login, _options.Seat, ct).ConfigureAwait(false);
        }
        catch (HubException e)
        {
            throw new AgentStartException($"seat {_options.Seat}: {e.Message}", e);
        }
        LogHubLoggedIn(_log, _options.Seat, SeatInfo.State.ToString());
    }

    private void OnStateChanged(SeatStateChange change)
    {
        if (change.State == SeatState.Reserved && change.CallId is { } callId)
        {
            _reservedAt[callId] = change.At;
            lock (_popGate)
            {
                if (_pendingPops.TryGetValue(callId, out var pop) && pop.ReservedAt is null)
                {
                    _pendingPops[callId] = pop with { ReservedAt = change.At };
                }
            }
        }
        SeatInfo = SeatInfo is null ? null : SeatInfo with { State = change.State, Reason = change.Reason, CallId = change.CallId, StateSince = change.At };
        Publish(new SeatStateEvent(change, Now));
    }

    private void OnScreenPop(ScreenPopInfo pop)
    {
        var received = Now;
        _reservedAt.TryRemove(pop.CallId, out var reservedAt);
        var timing = new PopTiming(pop.CallId, pop.CallerNumber, reservedAt == default ? null : reservedAt, pop.At, received, null, pop.WaitTime, null);
        Publish(new ScreenPopEvent(pop, received));
        _ = AcknowledgePopAsync(pop.CallId);
        lock (_popGate)
        {
            // The INVITE may have overtaken the pop (it should not): match it now, with a negative lead.
            while (_invitesWithoutPop.TryPeek(out var stale) && received - stale.At > TimeSpan.FromSeconds(30))
            {
                _invitesWithoutPop.Dequeue();
            }
            foreach (var early in _invitesWithoutPop)
            {
                if (early.Text.Contains(pop.CallId, StringComparison.Ordinal) || _invitesWithoutPop.Count == 1)
                {
                    Publish(new PopTimingEvent(timing with { InviteReceivedAt = early.At, SipCallId = early.SipCallId }, received));
                    _invitesWithoutPop.Clear();
                    return;
                }
            }
            _pendingPops[pop.CallId] = timing;
        }
    }

    /// <summary>Tells the server the pop is shown, so it rings this seat now rather than after its maximum wait.</summary>
    private async Task AcknowledgePopAsync(string callId)
    {
        if (_hub is not { } hub)
        {
            return;
        }
        try
        {
            await hub.InvokeAsync(AgentHubNames.AcknowledgePop, callId).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HubException or InvalidOperationException or IOException or OperationCanceledException)
        {
            // The server rings anyway after its maximum wait; a refused ack only costs that delay.
            Publish(new NoticeEvent($"pop of {callId} not acknowledged: {e.Message}", Now));
        }
    }

    private void OnHubCallEnded(CallEndedInfo ended)
    {
        Publish(new HubCallEvent(AgentHubNames.CallEnded, ended.CallId, ended.Reason, Now));
        _reservedAt.TryRemove(ended.CallId, out _);
        lock (_popGate)
        {
            if (_pendingPops.TryRemove(ended.CallId, out var timing))
            {
                Publish(new PopTimingEvent(timing, Now)); // the call left the seat before any INVITE came
            }
        }
    }

    private PopTiming? MatchPop(SipCallInfo invite)
    {
        if (_hub is null)
        {
            return null;
        }
        // The pop's call id may travel in the agent leg's INVITE (a header of the B2BUA's choosing);
        // otherwise the seat's one outstanding pop is this call's.
        lock (_popGate)
        {
            var match = _pendingPops.Values.FirstOrDefault(p => invite.Text.Contains(p.PopCallId, StringComparison.Ordinal))
                ?? _pendingPops.Values.OrderBy(p => p.PopReceivedAt).FirstOrDefault();
            if (match is null || !_pendingPops.TryRemove(match.PopCallId, out _))
            {
                _invitesWithoutPop.Enqueue((invite.SipCallId, invite.Text, invite.At));
                return null;
            }
            var done = match with { InviteReceivedAt = invite.At, SipCallId = invite.SipCallId };
            Publish(new PopTimingEvent(done, invite.At));
            return done;
        }
    }

    private readonly record struct SipCallInfo(string SipCallId, string Text, DateTimeOffset At);

    /// <summary>Sets the seat Ready.</summary>
    public Task<SeatInfo> SetReadyAsync(CancellationToken ct = default) => InvokeSeatAsync(AgentHubNames.SetReady, null, ct);

    /// <summary>Sets the seat NotReady with a reason (1..64 characters).</summary>
    public Task<SeatInfo> SetNotReadyAsync(string reason, CancellationToken ct = default) => InvokeSeatAsync(AgentHubNames.SetNotReady, reason, ct);

    /// <summary>Logs the agent out of the seat (the SIP registration stays until dispose).</summary>
    public Task<SeatInfo> LogoutAsync(CancellationToken ct = default) => InvokeSeatAsync(AgentHubNames.Logout, null, ct);

    /// <summary>
    /// Pauses the recording of the current call (while the citizen gives a card or ID number); the
    /// server records silence until <see cref="ResumeRecordingAsync"/> and notes the reason.
    /// </summary>
    public Task PauseRecordingAsync(string reason, CancellationToken ct = default) =>
        InvokeOnCurrentCallAsync(AgentHubNames.PauseRecording, reason, ct);

    /// <summary>Resumes the recording of the current call.</summary>
    public Task ResumeRecordingAsync(CancellationToken ct = default) =>
        InvokeOnCurrentCallAsync(AgentHubNames.ResumeRecording, null, ct);

    /// <summary>Brings a directory entry <paramref name="number"/> (110, a department, a partner hotline: the server's dial plan decides) into the current call as a third party.</summary>
    public Task AddPartnerAsync(string number, CancellationToken ct = default) =>
        InvokeOnCurrentCallAsync(AgentHubNames.AddPartner, number, ct);

    /// <summary>Drops the partner hotline from the current call.</summary>
    public Task DropPartnerAsync(CancellationToken ct = default) =>
        InvokeOnCurrentCallAsync(AgentHubNames.DropPartner, null, ct);

    /// <summary>Leaves a conference with a partner that answered: the citizen goes on with the partner.</summary>
    public Task HandOverToPartnerAsync(CancellationToken ct = default) =>
        InvokeOnCurrentCallAsync(AgentHubNames.HandOverToPartner, null, ct);

    /// <summary>
    /// Blind transfer of the current call to <paramref name="target"/> (<c>agent:&lt;id or seat&gt;</c>, <c>queue:&lt;name&gt;</c> or a
    /// number the server's dial plan allows); the seat goes to wrap-up. No case draft goes with it from here.
    /// </summary>
    public Task TransferAsync(string target, CancellationToken ct = default) => InvokeWithDraftAsync(AgentHubNames.Transfer, target, ct);

    /// <summary>Attended transfer: the citizen holds with music while this agent talks to <paramref name="target"/> (an agent or a number).</summary>
    public Task ConsultTransferAsync(string target, CancellationToken ct = default) => InvokeWithDraftAsync(AgentHubNames.ConsultTransfer, target, ct);

    /// <summary>Completes an attended transfer: the consulted party takes the citizen.</summary>
    public Task CompleteTransferAsync(CancellationToken ct = default) => InvokeOnCurrentCallAsync(AgentHubNames.CompleteTransfer, null, ct);

    /// <summary>Calls off an attended transfer: back to the citizen.</summary>
    public Task CancelTransferAsync(CancellationToken ct = default) => InvokeOnCurrentCallAsync(AgentHubNames.CancelTransfer, null, ct);

    private async Task InvokeWithDraftAsync(string method, string target, CancellationToken ct)
    {
        var hub = _hub ?? throw new InvalidOperationException("no hub: start with an HTTP address");
        var callId = Volatile.Read(ref _current)?.ServerCallId ?? throw new InvalidOperationException("no call from the server in progress");
        await hub.InvokeAsync(method, callId, target, (Dictionary<string, string>?)null, ct).ConfigureAwait(false);
    }

    private async Task InvokeOnCurrentCallAsync(string method, string? argument, CancellationToken ct)
    {
        var hub = _hub ?? throw new InvalidOperationException("no hub: start with an HTTP address");
        var callId = Volatile.Read(ref _current)?.ServerCallId ?? throw new InvalidOperationException("no call from the server in progress");
        if (argument is null)
        {
            await hub.InvokeAsync(method, callId, ct).ConfigureAwait(false);
        }
        else
        {
            await hub.InvokeAsync(method, callId, argument, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Asks the hub for the seat's state now.</summary>
    public async Task<SeatInfo?> GetSeatAsync(CancellationToken ct = default)
    {
        var hub = _hub ?? throw new InvalidOperationException("no hub: start with an HTTP address");
        return SeatInfo = await hub.InvokeAsync<SeatInfo?>(AgentHubNames.GetSeat, ct).ConfigureAwait(false);
    }

    private async Task<SeatInfo> InvokeSeatAsync(string method, string? argument, CancellationToken ct)
    {
        var hub = _hub ?? throw new InvalidOperationException("no hub: start with an HTTP address");
        var seat = argument is null
            ? await hub.InvokeAsync<SeatInfo>(method, ct).ConfigureAwait(false)
            : await hub.InvokeAsync<SeatInfo>(method, argument, ct).ConfigureAwait(false);
        SeatInfo = seat;
        return seat;
    }

    // ------------------------------------------------------------------ SIP

    private async Task RegisterSipAsync(CancellationToken ct)
    {
        string sipPassword = _options.SipPassword ?? _options.Password ?? throw new AgentStartException("a SIP password is needed (--sip-password)");
        try
        {
            _ua = await SipUserAgent.StartAsync(_options.SipListen, new SipUserAgentOptions
            {
                LocalUri = $"sip:{_options.Seat}@{_options.Domain}",
                Username = _options.Seat,
                Password = sipPassword,
                OutboundProxy = $"sip:{_options.SipServer}",
                Product = "Telephony-Softphone",
                // Ended calls linger in the UA for a while (retransmission timers): this bounds SIP state,
                // not conversations; a second conversation is refused with 486 by the accept loop.
                MaxCalls = 256,
            }, _log, null, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or FormatException or ArgumentException)
        {
            throw new AgentStartException($"cannot open SIP on {_options.SipListen} towards {_options.SipServer}: {e.Message}", e);
        }
        var response = await _ua.RegisterAsync($"sip:{_options.Domain}", _options.RegisterExpires, ct).ConfigureAwait(false);
        if (!response.IsSuccess)
        {
            throw new AgentStartException(response.StatusCode is 401 or 403 or 407
                ? $"SIP registration of seat {_options.Seat} refused: {response.StatusCode} {response.ReasonPhrase} (wrong seat password?)"
                : $"SIP registration of seat {_options.Seat} failed: {response.StatusCode} {response.ReasonPhrase}");
        }
        Contact = response.Contacts.Count > 0 ? response.Contacts[0].Uri.ToString() : null;
        LogRegistered(_log, _options.Seat, _options.SipServer, Contact ?? "?");
        _acceptLoop = AcceptLoopAsync(_ua, _stop.Token);
        _refreshLoop = RefreshLoopAsync(_ua, _stop.Token);
    }

    private async Task RefreshLoopAsync(SipUserAgent ua, CancellationToken ct)
    {
        var period = TimeSpan.FromSeconds(Math.Max(15, _options.RegisterExpires / 2));
        try
        {
            while (!ct.IsCancellationRequested)
            {
                await Task.Delay(period, ct).ConfigureAwait(false);
                var response = await ua.RegisterAsync($"sip:{_options.Domain}", _options.RegisterExpires, ct).ConfigureAwait(false);
                if (!response.IsSuccess)
                {
                    Publish(new NoticeEvent($"re-registration failed: {response.StatusCode} {response.ReasonPhrase}", Now));
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task AcceptLoopAsync(SipUserAgent ua, CancellationToken ct)
    {
        try
        {
            await foreach (var call in ua.IncomingCalls.ReadAllAsync(ct).ConfigureAwait(false))
            {
                if (!FromOurServer(call))
                {
                    // A seat's phone rings only for the centre: a direct INVITE from anyone else would
                    // otherwise be answered (auto-answer) and its audio put on the agent's headset.
                    Publish(new NoticeEvent($"call {call.CallId} from {call.Invite.TopVia?.Received ?? call.Invite.TopVia?.Host} refused: not from the server", Now));
                    await TryAsync(() => call.RejectAsync(403, "Forbidden (calls come through the centre)")).ConfigureAwait(false);
                    continue;
                }
                var info = new SipCallInfo(call.CallId, call.Invite.ToString(), Now);
                var active = new ActiveCall(call);
                if (Interlocked.CompareExchange(ref _current, active, null) is not null)
                {
                    Publish(new NoticeEvent($"second call {call.CallId} from {call.Invite.From?.Uri} refused: busy", Now));
                    await TryAsync(() => call.RejectAsync(486, "Busy Here")).ConfigureAwait(false);
                    continue;
                }
                _ = HandleCallAsync(active, info);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// True when the INVITE's source is the server this seat registered with: the top Via's
    /// <c>received</c> (RFC 3261 §18.2.1: set whenever the source differs from sent-by), else its sent-by host.
    /// </summary>
    private bool FromOurServer(SipCall call)
    {
        var via = call.Invite.TopVia;
        var source = via?.Received ?? via?.Host;
        if (source is null || !System.Net.IPAddress.TryParse(source.Trim('[', ']'), out var from))
        {
            return false;
        }
        _serverAddresses ??= ServerAddresses(_options.SipServer);
        return _serverAddresses.Contains(from.IsIPv4MappedToIPv6 ? from.MapToIPv4() : from);
    }

    private System.Net.IPAddress[]? _serverAddresses;

    // "ip:port", "[v6]:port", "ip" or "name[:port]": the addresses calls may come from.
    private static System.Net.IPAddress[] ServerAddresses(string server)
    {
        if (System.Net.IPEndPoint.TryParse(server, out var endPoint))
        {
            return [endPoint.Address];
        }
        var host = server.Count(c => c == ':') == 1 ? server[..server.IndexOf(':', StringComparison.Ordinal)] : server;
        try
        {
            return System.Net.Dns.GetHostAddresses(host);
        }
        catch (System.Net.Sockets.SocketException)
        {
            return [];
        }
    }

    private async Task HandleCallAsync(ActiveCall active, SipCallInfo info)
    {
        var call = active.Call;
        using var scope = _log.BeginScope(new Dictionary<string, object> { ["CallId"] = call.CallId });
        MediaLeg? media = null;
        WavFileSink? sink = null;
        string reason = "ended";
        try
        {
            var pop = MatchPop(info);
            active.ServerCallId = pop?.PopCallId;
            media = MediaLeg.Open(_media, MediaLegOptions.Softphone with { Logger = _log }, out string? portError);
            if (media is null)
            {
                reason = $"no RTP port: {portError}";
                await TryAsync(() => call.RejectAsync(503, "No Media Ports")).ConfigureAwait(false);
                return;
            }
            var offered = media.AnswerOffer(call.RemoteSdp);
            if (!offered.Success)
            {
                reason = $"SDP not acceptable: {offered.Error}";
                LogRefusedSdp(_log, call.CallId, offered.Error ?? "?");
                await TryAsync(() => call.RejectAsync(488, "Not Acceptable Here")).ConfigureAwait(false);
                return;
            }
            await call.RingAsync().ConfigureAwait(false);
            Publish(new RingingEvent(call.CallId, call.Invite.From?.ToString() ?? "?", call.Invite.To?.ToString() ?? "?", pop?.PopCallId, Now));

            var answerNow = _options.AutoAnswer is { } delay ? Task.Delay(delay, _stop.Token) : active.AnswerRequested.Task;
            var first = await Task.WhenAny(answerNow, active.HangupRequested.Task, call.Completion).ConfigureAwait(false);
            if (first != answerNow || answerNow.IsCanceled || call.State == CallState.Ended)
            {
                await TryAsync(call.HangupAsync).ConfigureAwait(false); // 603 Decline while ringing
                reason = call.Completion.IsCompleted ? Describe(await call.Completion.ConfigureAwait(false)) : "declined";
                return;
            }
            try
            {
                await call.AcceptAsync(MediaLeg.Body(offered)).ConfigureAwait(false);
            }
            catch (InvalidOperationException e)
            {
                reason = $"could not answer: {e.Message}"; // cancelled meanwhile
                return;
            }
            Interlocked.Increment(ref _callCount);
            if (_options.RecordFile is { } record)
            {
                sink = new WavFileSink(RecordingPath(record, CallsAnswered));
            }
            media.DigitReceived += d => Publish(new DigitEvent(call.CallId, d, Now));
            media.HearInto(sink);
            _ = media.Play(_microphone is null ? null : WavAudio.Loop(_microphone));

            await foreach (var e in call.Events.ReadAllAsync().ConfigureAwait(false))
            {
                switch (e)
                {
                    case CallEstablished:
                        Publish(new ConnectedEvent(call.CallId, media.Audio?.EncodingName ?? "?", Now));
                        break;
                    case CallEnded ended:
                        reason = Describe(ended);
                        // Free for the next call at once: the next INVITE may come before the media is torn down.
                        Interlocked.CompareExchange(ref _current, null, active);
                        break;
                }
                if (e is CallEnded)
                {
                    break;
                }
            }
        }
#pragma warning disable CA1031 // one call's failure must not take the softphone down; it is reported
        catch (Exception e)
#pragma warning restore CA1031
        {
            reason = $"failed: {e.Message}";
            LogCallFailed(_log, e, call.CallId);
            await TryAsync(call.HangupAsync).ConfigureAwait(false);
        }
        finally
        {
            long received = media?.PacketsReceived ?? 0, sent = media?.FramesSent ?? 0;
            if (media is not null)
            {
                await media.DisposeAsync().ConfigureAwait(false);
            }
            sink?.Dispose();
            Interlocked.CompareExchange(ref _current, null, active);
            Publish(new CallFinishedEvent(call.CallId, reason, received, sent, sink?.Path, Now));
        }
    }

    private static string Describe(CallEnded ended) =>
        ended.Reason switch
        {
            CallEndReason.RemoteHangup => "caller hung up",
            CallEndReason.LocalHangup => "agent hung up",
            CallEndReason.RemoteCancelled => "caller cancelled while ringing",
            CallEndReason.Rejected => "declined",
            _ => $"{ended.Reason} {ended.StatusCode} {ended.Detail}".Trim(),
        };

    /// <summary>The first call records to the given file, the n-th to <c>name-n.ext</c>.</summary>
    public static string RecordingPath(string template, int callNumber)
    {
        ArgumentNullException.ThrowIfNull(template);
        if (callNumber <= 1)
        {
            return template;
        }
        var ext = Path.GetExtension(template);
        return Path.Combine(Path.GetDirectoryName(template) ?? "", $"{Path.GetFileNameWithoutExtension(template)}-{callNumber}{ext}");
    }

    /// <summary>Answers the ringing call (no-op when nothing rings).</summary>
    public bool Answer() => Volatile.Read(ref _current)?.AnswerRequested.TrySetResult() ?? false;

    /// <summary>Hangs up the current call: BYE when connected, 603 Decline while ringing.</summary>
    public async Task<bool> HangupAsync()
    {
        var active = Volatile.Read(ref _current);
        if (active is null)
        {
            return false;
        }
        active.HangupRequested.TrySetResult();
        if (active.Call.State is CallState.Established)
        {
            await TryAsync(active.Call.HangupAsync).ConfigureAwait(false);
        }
        return true;
    }

    private async Task TryAsync(Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or OperationCanceledException)
        {
            LogIgnored(_log, e.Message);
        }
    }

    private void Publish(AgentEvent e) => _events.Writer.TryWrite(e);

    /// <summary>Hangs up, unregisters (Expires 0), leaves the hub and stops the media.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        if (Volatile.Read(ref _current) is { } active)
        {
            active.HangupRequested.TrySetResult();
            await TryAsync(active.Call.HangupAsync).ConfigureAwait(false);
        }
        if (_ua is not null)
        {
            if (Contact is not null)
            {
                using var unregister = new CancellationTokenSource(TimeSpan.FromSeconds(3));
                try
                {
                    await _ua.RegisterAsync($"sip:{_options.Domain}", 0, unregister.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                }
            }
            await _ua.DisposeAsync().ConfigureAwait(false);
        }
        foreach (var loop in new[] { _acceptLoop, _refreshLoop })
        {
            if (loop is not null)
            {
                await loop.ConfigureAwait(false);
            }
        }
        if (_hub is not null)
        {
            await _hub.DisposeAsync().ConfigureAwait(false);
        }
        _http?.Dispose();
        if (_ownsMedia)
        {
            await _media.DisposeAsync().ConfigureAwait(false);
        }
        _events.Writer.TryComplete();
        _stop.Dispose();
    }

    private sealed class ActiveCall(SipCall call)
    {
        public SipCall Call { get; } = call;
        public TaskCompletionSource AnswerRequested { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource HangupRequested { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        /// <summary>The server's id of the call (its screen-pop's), which the hub's call methods take.</summary>
        public string? ServerCallId { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Logged in to seat {Seat} on the hub ({State})")]
    private static partial void LogHubLoggedIn(ILogger logger, string seat, string state);

    [LoggerMessage(Level = LogLevel.Information, Message = "Seat {Seat} registered at {Server} as {Contact}")]
    private static partial void LogRegistered(ILogger logger, string seat, string server, string contact);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call {CallId} refused: SDP not acceptable ({Reason})")]
    private static partial void LogRefusedSdp(ILogger logger, string callId, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Call {CallId} failed")]
    private static partial void LogCallFailed(ILogger logger, Exception e, string callId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Ignored: {Reason}")]
    private static partial void LogIgnored(ILogger logger, string reason);
}
